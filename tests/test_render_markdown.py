"""``render_markdown``: stored HTML brought in step with the renderer, nothing else touched."""

from io import StringIO

import pytest
from django.core.management import call_command

from essays.models import Essay, Writing
from pages.models import Page

from .factories import ArticleAnalysisFactory, BookFactory, EssayFactory

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("render_markdown", *args, stdout=out)
    return out.getvalue()


def test_stale_html_is_rendered_again_and_the_rest_left_alone():
    stale = EssayFactory(body="> [!NOTE]\n> Read this.")
    fresh = ArticleAnalysisFactory()
    book = BookFactory(pitch="A *pitch*.")
    # HTML as an older renderer stored it.
    Essay.objects.filter(pk=stale.pk).update(body_html="<blockquote>[!NOTE]</blockquote>")
    type(book).objects.filter(pk=book.pk).update(pitch_html="old")
    untouched = Writing.objects.get(pk=fresh.pk).updated

    assert "1 posts, 1 pages and books" in run("--dry-run")
    assert Essay.objects.get(pk=stale.pk).body_html == "<blockquote>[!NOTE]</blockquote>"

    assert "HTML changed: 1 posts, 1 pages and books" in run()
    stale.refresh_from_db()
    book.refresh_from_db()
    assert 'class="markdown-alert markdown-alert-note"' in stale.body_html
    assert book.pitch_html == "<p>A <em>pitch</em>.</p>"
    assert stale.body == "> [!NOTE]\n> Read this."
    assert Writing.objects.get(pk=fresh.pk).updated == untouched

    assert "HTML changed: 0 posts, 0 pages and books" in run()


def test_pages_too():
    page = Page.objects.create(title="About", slug="about", body="Hello **you**.")
    Page.objects.filter(pk=page.pk).update(body_html="")
    run()
    page.refresh_from_db()
    assert page.body_html == "<p>Hello <strong>you</strong>.</p>"
