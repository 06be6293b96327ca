"""``seed_demo`` loads the seed page, and the site renders it as the seed shows it."""

import re
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from books.models import Book
from essays.models import Writing

SEED = Path(__file__).parent / "data" / "seed-page.txt"
ANALYSIS_URL = "/article-analysis-the-rise-of-the-micro-credentials-movement/"

pytestmark = pytest.mark.django_db


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in {"head", "script", "style"}

    def handle_endtag(self, tag):
        self.skip -= tag in {"head", "script", "style"}

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def page_text(html):
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts)).strip()


def seed_lines():
    lines = [re.sub(r"\s+", " ", line).strip() for line in SEED.read_text().splitlines()]
    lines = [line for line in lines if line]
    # The seed repeats the title (page title and heading); keep one of each run.
    return [line for i, line in enumerate(lines) if i == 0 or line != lines[i - 1]]


@pytest.fixture
def load(django_capture_on_commit_callbacks):
    def run(*args):
        # Related lists are computed when the transaction commits.
        with django_capture_on_commit_callbacks(execute=True):
            out = StringIO()
            call_command("seed_demo", *args, stdout=out)
        return out.getvalue()

    return run


def test_seed_demo_is_idempotent(load):
    load()
    counts = (Writing.objects.count(), Book.objects.count())
    load("--force")
    assert (Writing.objects.count(), Book.objects.count()) == counts == (10, 2)


def test_seed_demo_never_touches_a_site_with_content(load):
    """``make run`` calls it on every start: the author's edits of demo posts stay."""
    load()
    post = Writing.objects.get(slug="article-analysis-the-rise-of-the-micro-credentials-movement")
    Writing.objects.filter(pk=post.pk).update(title="The author's own title")
    Book.objects.all().delete()
    assert "not loaded" in load()
    post.refresh_from_db()
    assert post.title == "The author's own title"
    assert not Book.objects.exists()


def test_running_make_run_twice_keeps_what_the_author_changed(load):
    """An edited About page, a book's status and a post set back to Draft survive a
    second ``seed_demo``, which ``make run`` calls on every start."""
    from core.publishing import Status
    from pages.models import Page

    load()
    about = Page.objects.get(slug="about")
    about.body = "My own words."
    about.save()
    book = Book.objects.first()
    book.status = Status.DRAFT
    book.save()
    post = Writing.objects.first().specific
    post.status = Status.DRAFT
    post.save()

    load()
    about.refresh_from_db()
    book.refresh_from_db()
    post.refresh_from_db()
    assert about.body == "My own words."
    assert book.status == Status.DRAFT
    assert post.status == Status.DRAFT


def test_seed_demo_leaves_an_imported_site_alone(load):
    Book.objects.create(title="Only a book", slug="only-a-book")
    load()
    assert not Writing.objects.exists()


def test_the_analysis_page_renders_the_seed_page_in_order(client, load):
    load()
    text = page_text(client.get(ANALYSIS_URL).content.decode())
    header, *body = seed_lines()
    assert text.lower().startswith("skip to main content " + header.lower())
    position = 0
    for line in body:
        found = text.find(line, position)
        assert found >= 0, f"missing or out of order: {line[:80]!r}"
        position = found + len(line)


def test_the_landing_page_shows_the_seed_sidebars(client, load):
    load()
    text = page_text(client.get("/").content.decode())
    lines = seed_lines()
    start = lines.index("Featured writing")
    end = lines.index("Notes and related thinking")
    position = 0
    for line in lines[start:end]:
        found = text.find(line, position)
        assert found >= 0, f"missing or out of order: {line[:80]!r}"
        position = found + len(line)
    assert "Notes and related thinking" not in text
