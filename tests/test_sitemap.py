"""The sitemap and robots.txt: their format, what they list, what they never list, their cost."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from itertools import count

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.publishing import Status
from pages.models import Page

from .factories import (
    ArticleAnalysisFactory,
    BookFactory,
    DevReflectionFactory,
    EssayFactory,
    TagFactory,
    hours_ago,
    tags_in_bulk,
)

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
STATIC_PATHS = [
    "/",
    "/writing/",
    "/blog/",
    "/tags/",
    "/books/",
    "/podcast/",
    "/essays/",
    "/article-analyses/",
    "/dev-reflections/",
]


_page_numbers = count(1)


def make_page(slug=None, **kwargs):
    slug = slug or f"page-{next(_page_numbers)}"
    fields = {"title": slug.title(), "status": Status.PUBLISHED, "publish_at": hours_ago(1)}
    return Page.objects.create(slug=slug, **{**fields, **kwargs})


def fetch(client):
    """{path: lastmod or None} of every <url>, after checking the sitemap's format."""
    response = client.get(reverse("sitemap"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    urls = {}
    for url in root.findall("sm:url", NS):
        loc = url.findtext("sm:loc", namespaces=NS)
        assert loc.startswith("http://testserver/")
        path = loc.removeprefix("http://testserver")
        assert path not in urls, f"{path} listed twice"
        urls[path] = url.findtext("sm:lastmod", namespaces=NS)
    return urls


def day(moment):
    return timezone.localtime(moment).date().isoformat()


def test_the_sitemap_lists_every_public_page_with_its_last_change(client):
    tag = TagFactory(name="python")
    TagFactory(name="unused")
    posts = [EssayFactory(tags=[tag]), ArticleAnalysisFactory(), DevReflectionFactory()]
    book = BookFactory()
    page = make_page("about")

    urls = fetch(client)
    assert reverse("sitemap") == "/sitemap.xml"
    for content in (*posts, book, page):
        assert urls[content.get_absolute_url()] == day(content.updated)
    for path in STATIC_PATHS:
        assert path in urls
        assert urls[path] is None
    assert "/tags/python/" in urls
    assert "/tags/unused/" not in urls
    assert len(urls) == 3 + 1 + 1 + len(STATIC_PATHS) + 1


def _hidden_content(tag):
    """A draft and a scheduled item of every type, each with the tag nothing else carries."""
    hidden = {}
    for state in ("draft", "scheduled"):
        for factory in (EssayFactory, ArticleAnalysisFactory, DevReflectionFactory):
            hidden[state, factory] = factory(**{state: True}, tags=[tag])
        hidden[state, BookFactory] = BookFactory(**{state: True})
    hidden["draft", Page] = make_page("draft-page", status=Status.DRAFT, publish_at=None)
    hidden["scheduled", Page] = make_page(
        "scheduled-page", publish_at=timezone.now() + timedelta(days=3)
    )
    return hidden


def test_the_sitemap_lists_no_draft_or_scheduled_content_until_its_time_comes(client):
    EssayFactory()
    tag = TagFactory(name="hidden-only")
    hidden = _hidden_content(tag)

    urls = fetch(client)
    for item in hidden.values():
        assert item.get_absolute_url() not in urls, item
    assert tag.get_absolute_url() not in urls

    later = hidden["scheduled", EssayFactory].publish_at + timedelta(minutes=1)
    with time_machine.travel(later):
        urls = fetch(client)
    for (state, _kind), item in hidden.items():
        assert (item.get_absolute_url() in urls) is (state == "scheduled"), item
    assert tag.get_absolute_url() in urls


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_the_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /markdownx/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /" not in lines


def _add_content(count):
    tags = [TagFactory(name=f"t{n}") for n in range(4)]
    with tags_in_bulk():
        for n in range(count):
            factory = (EssayFactory, ArticleAnalysisFactory, DevReflectionFactory)[n % 3]
            factory(tags=[tags[n % 4]])
            BookFactory()
            make_page()


# The posts, the books and pages (one UNION), the tags; none for the static pages.
EXPECTED_QUERIES = 3


def test_the_sitemaps_cost_does_not_grow_with_the_content(client):
    _add_content(5)
    with CaptureQueriesContext(connection) as small:
        assert len(fetch(client)) == 5 * 3 + 4 + len(STATIC_PATHS)
    _add_content(55)
    with CaptureQueriesContext(connection) as large:
        assert len(fetch(client)) == 60 * 3 + 4 + len(STATIC_PATHS)
    assert len(small) == len(large) == EXPECTED_QUERIES
