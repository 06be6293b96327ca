"""The fragment cache: what every page shares, kept under the page cache's generation.

The test profile turns fragments off (the tests change the database without committing,
which draws no new generation); these turn them on, on the profile's in-memory ``pages``
cache, with the page cache itself off: they measure pages the page cache has missed.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import fragments, page_cache
from core.models import SiteSettings

from .bulk import add_posts
from .factories import ArticleAnalysisFactory, EssayFactory
from .sidebars import section_links

NOW = timezone.now
NOON = datetime(2026, 3, 1, 12, 0, tzinfo=ZoneInfo("UTC"))

pytestmark = pytest.mark.django_db


def fresh_cache():
    """An empty cache and a new worker: what a deploy starts with."""
    caches[page_cache.ALIAS].clear()
    fragments.forget()
    page_cache._Outage.until = 0.0


@pytest.fixture(autouse=True)
def fragments_on(settings):
    settings.FRAGMENT_CACHE_ENABLED = True
    fresh_cache()
    yield
    fresh_cache()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a change as if its transaction committed."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def sidebars(html):
    return {name: section_links(html, name) for name in ("featured", "recent", "related")}


def public_pages(analysis):
    return {
        "home": "/",
        "writing hub": reverse("writing"),
        "blog": reverse("essays:blog"),
        "section": reverse("essays:section", kwargs={"section": "essays"}),
        "tags": reverse("essays:tags"),
        "tag": reverse("essays:tag", kwargs={"tag": "bulk-tag-1"}),
        "essay": "/bulk-0/",
        "analysis": analysis.get_absolute_url(),
        "reflection": "/bulk-2/",
        "books": reverse("books:list"),
        "book": "/books/bulk-book-0/",
        "podcast": reverse("podcast"),
        "search": reverse("search:results") + "?q=machines",
        "feed": reverse("feeds:all"),
        "tag feed": reverse("feeds:tag", kwargs={"tag": "bulk-tag-1"}),
        "sitemap": reverse("sitemap"),
    }


# Each page's own queries; the settings, navigation and three shared sidebars come from
# the fragment cache (once per generation, for every page).
EXPECTED_QUERIES = {
    "home": 2,  # hero book, projects
    "writing hub": 0,
    "blog": 3,  # count, a page of posts, their tags
    "section": 3,
    "tags": 1,
    "tag": 4,  # ... and the tag
    # the post (one join per type), its tags, its related writing, its approved mentions
    "essay": 4,
    "analysis": 4,
    "reflection": 6,  # ... and the previous and next reflections
    "books": 1,
    "book": 1,
    "podcast": 1,
    "search": 3,  # count, results, their tags
    "feed": 2,  # the posts, their tags
    "tag feed": 3,  # ... and the tag
    "sitemap": 3,  # posts, books and pages, tags
}


def _measure(client, urls):
    for url in urls.values():  # the first page of a generation fills the fragments
        client.get(url)
    return {name: queries(client, url) for name, url in urls.items()}


def test_every_page_costs_at_most_six_queries_whatever_the_content(client):
    add_posts(5)
    analysis = ArticleAnalysisFactory(slug="an-analysis")
    urls = public_pages(analysis)
    small = _measure(client, urls)
    add_posts(300, prefix="more")
    fresh_cache()  # as the commit of the change would
    large = _measure(client, urls)
    assert small == large == EXPECTED_QUERIES
    assert max(small.values()) <= 6
    assert max(small[name] for name in ("feed", "tag feed", "sitemap")) <= 3


def test_a_page_fills_the_fragments_every_other_page_then_reads(client):
    add_posts(12)
    analysis = "/bulk-1/"
    cold = queries(client, analysis)
    warm = queries(client, analysis)
    # The generation's next go-live (one query per table of publishable things), then the
    # settings, navigation, featured, books and recent writing.
    assert cold - warm == 3 + 5
    assert queries(client, "/bulk-4/") == warm
    assert sidebars(client.get("/bulk-4/").content.decode())["recent"][0] == "/bulk-0/"


def test_a_new_worker_reads_the_fragments_from_the_shared_cache(client):
    add_posts(6)
    warm = (queries(client, "/bulk-1/"), queries(client, "/bulk-1/"))[1]
    fragments.forget()
    assert queries(client, "/bulk-1/") == warm


def test_recent_writing_leaves_out_the_page_s_own_post_from_the_shared_list(client):
    SiteSettings.objects.create(recent_count=3)
    add_posts(6)
    on_home = sidebars(client.get("/").content.decode())["recent"]
    on_newest = sidebars(client.get("/bulk-0/").content.decode())["recent"]
    assert on_home == ["/bulk-0/", "/bulk-1/", "/bulk-2/"]
    assert on_newest == ["/bulk-1/", "/bulk-2/", "/bulk-3/"]


def test_a_committed_change_shows_in_the_fragments_at_once(client, committed):
    add_posts(4)
    before = client.get("/bulk-1/").content.decode()
    assert "A new featured essay" not in before
    with committed():
        EssayFactory(title="A new featured essay", slug="new", featured=True, publish_at=NOW())
    html = client.get("/bulk-1/").content.decode()
    assert sidebars(html)["featured"][0] == sidebars(html)["recent"][0] == "/new/"
    with committed():
        SiteSettings.objects.create(author_name="Someone Else", featured_count=0)
    html = client.get("/bulk-1/").content.decode()
    assert "Someone Else" in html and sidebars(html)["featured"] == []


def test_an_uncommitted_change_is_not_seen_through_the_fragments(client):
    """The counterpart of the one above: it is the commit, not the save, that reaches
    the fragments (which is why the test profile turns them off)."""
    add_posts(4)
    client.get("/bulk-1/")
    EssayFactory(title="Not committed", slug="uncommitted", featured=True)
    assert "/uncommitted/" not in sidebars(client.get("/bulk-1/").content.decode())["featured"]


def test_a_scheduled_post_joins_the_sidebars_at_its_time(client, committed):
    with time_machine.travel(NOON, tick=False):
        add_posts(4)
        with committed():
            EssayFactory(slug="later", featured=True, publish_at=NOON + timedelta(minutes=10))
        assert "/later/" not in sidebars(client.get("/bulk-1/").content.decode())["recent"]
    with time_machine.travel(NOON + timedelta(minutes=10), tick=False):
        html = client.get("/bulk-1/").content.decode()
    assert sidebars(html)["recent"][0] == sidebars(html)["featured"][0] == "/later/"


def test_a_failing_cache_leaves_every_page_whole(client, monkeypatch, caplog):
    add_posts(6)
    expected = client.get("/bulk-1/").content
    fresh_cache()

    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(caches[page_cache.ALIAS], "get", down)
    monkeypatch.setattr(caches[page_cache.ALIAS], "add", down)
    response = client.get("/bulk-1/")
    assert response.status_code == 200
    assert response.content == expected
    assert "The page cache failed" in caplog.text
    # Every fragment computed, as with no cache: the same queries each time (9 with the
    # post's approved mentions).
    assert queries(client, "/bulk-1/") == queries(client, "/bulk-1/") == 9


def test_no_fragment_is_kept_when_they_are_off(client, settings):
    settings.FRAGMENT_CACHE_ENABLED = False
    add_posts(4)
    assert queries(client, "/bulk-1/") == queries(client, "/bulk-1/") == 9


def test_the_shared_sections_are_rendered_once_a_generation(client, committed):
    from django.test.signals import template_rendered

    SiteSettings.objects.create(recent_count=3)
    add_posts(8)
    rendered = []

    def count(sender, template, context, **kwargs):
        section = context.get("name")  # not each post's related list, nor a teaser
        if template.name.endswith("sidebars/posts.html") and section in ("featured", "recent"):
            rendered.append(section)

    template_rendered.connect(count)
    try:
        client.get("/bulk-6/")
        assert len(rendered) == 2  # Featured and Recent, once
        client.get("/bulk-7/")
        client.get("/")
        assert len(rendered) == 2  # the same HTML, from this process
        client.get("/bulk-0/")  # among the newest: its own Recent list
        assert len(rendered) == 3
        with committed():
            EssayFactory(title="Fresh", slug="fresh", publish_at=NOW())
        html = client.get("/bulk-7/").content.decode()
        assert sidebars(html)["recent"][0] == "/fresh/"  # a new generation renders anew
        assert len(rendered) == 5
    finally:
        template_rendered.disconnect(count)
