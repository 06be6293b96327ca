"""Public pages: what they show, what they never show, and what they cost."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from essays.models import Writing

from .factories import (
    ArticleAnalysisFactory,
    BookFactory,
    DevReflectionFactory,
    EssayFactory,
    TagFactory,
    tags_in_bulk,
)
from .public import public_urls
from .sidebars import section_links

pytestmark = pytest.mark.django_db


def hidden_content():
    """One draft and one scheduled item of every type, each with a unique marker."""
    hidden = []
    for state in ("draft", "scheduled"):
        for factory in (EssayFactory, ArticleAnalysisFactory, DevReflectionFactory):
            marker = f"hidden-{state}-{factory._meta.model.__name__.lower()}"
            hidden.append(
                factory(
                    **{state: True},
                    slug=marker,
                    title=f"Title {marker}",
                    description=f"Dek {marker}",
                    featured=True,
                    tags=[TagFactory(name="shared")],
                )
            )
        marker = f"hidden-{state}-book"
        hidden.append(BookFactory(**{state: True}, slug=marker, title=f"Title {marker}"))
    return hidden


def test_no_draft_or_scheduled_item_on_any_public_page(client):
    tag = TagFactory(name="shared")
    EssayFactory(featured=True, tags=[tag])
    ArticleAnalysisFactory(tags=[tag])
    DevReflectionFactory(tags=[tag])
    BookFactory()
    hidden = hidden_content()

    urls = public_urls()
    for post in Writing.objects.published():
        assert post.get_absolute_url() in urls
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for item in hidden:
            assert item.slug not in html, f"{item.slug} leaks into {url}"
            assert item.title not in html, f"{item.title} leaks into {url}"


def test_an_unpublished_post_is_a_404_for_the_public(client):
    for item in hidden_content():
        response = client.get(item.get_absolute_url())
        assert response.status_code == 404, item.slug


def test_the_404_page_is_friendly_and_in_the_site_design(client):
    response = client.get("/no-such-post/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "Skip to main content" in html
    assert reverse("home") in html


def test_every_type_of_writing_is_served_at_the_site_root(client):
    posts = [
        EssayFactory(slug="an-essay"),
        ArticleAnalysisFactory(slug="an-analysis"),
        DevReflectionFactory(slug="a-reflection"),
    ]
    for post in posts:
        assert post.get_absolute_url() == f"/{post.slug}/"
        response = client.get(post.get_absolute_url())
        assert response.status_code == 200
        assert response.context["post"] == post
        assert type(response.context["post"]) is type(post)


def test_old_slugs_with_dots_resolve_with_and_without_the_trailing_slash(client):
    EssayFactory(slug="go1.5-is-released", title="Go 1.5 is released")
    assert client.get("/go1.5-is-released/").status_code == 200
    response = client.get("/go1.5-is-released")
    assert response.status_code == 301
    assert response["Location"] == "/go1.5-is-released/"


def test_the_analysis_page_shows_its_sections_in_the_seed_order(client):
    analysis = ArticleAnalysisFactory(
        source_title="The Rise Of Things",
        source_url="https://example.com/rise",
        description="What the piece is about.",
        quote="Things rise.",
        summary="SUMMARY-TEXT",
        analysis="ANALYSIS-TEXT",
    )
    html = client.get(analysis.get_absolute_url()).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    sections = [
        "<h1>Article analysis: The Rise Of Things</h1>",
        "What the piece is about.",
        "Things rise.",
        '<a href="https://example.com/rise"',
        ">Summary</h2>",
        "SUMMARY-TEXT",
        ">Analysis</h2>",
        "ANALYSIS-TEXT",
    ]
    positions = [main.index(section) for section in sections]
    assert positions == sorted(positions)


def test_sidebars_come_in_the_seed_order_and_hold_the_right_posts(
    client, django_capture_on_commit_callbacks
):
    # Related lists are computed when the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        old_tag, topic = TagFactory(name="old"), TagFactory(name="topic")
        featured = EssayFactory(featured=True, title="A featured essay", description="Curated.")
        book = BookFactory(title="A book", description="One line.")
        related = ArticleAnalysisFactory(
            tags=[topic], publish_at=featured.publish_at.replace(year=2020)
        )
        ArticleAnalysisFactory(tags=[old_tag])
        reflection = DevReflectionFactory(title="", description="")
        analysis = ArticleAnalysisFactory(tags=[topic])

    response = client.get(analysis.get_absolute_url())
    html = response.content.decode()
    assert section_links(html, "featured") == [featured.get_absolute_url()]
    assert book.get_absolute_url() in html and "One line." in html
    recent = section_links(html, "recent")
    assert recent and analysis.get_absolute_url() not in recent
    # Sharing a tag outranks being newer.
    assert section_links(html, "related")[0] == related.get_absolute_url()
    headings = ["Featured writing", "Books", "Recent writing", "Notes and related thinking"]
    positions = [html.index(f">{heading}</h2>") for heading in headings]
    assert positions == sorted(positions)
    assert "(in progress)" in html and "One line." in html
    # A post without a description shows the start of its body, 200 characters in all.
    assert reflection.excerpt.endswith("...") and len(reflection.excerpt) == 200
    assert reflection.excerpt in html.replace("&#x27;", "'")


def test_notes_and_related_thinking_is_only_on_analyses(client, django_capture_on_commit_callbacks):
    # Related lists are computed when the transaction commits: each post below has the
    # others, which share its tag and its words, as related writing.
    with django_capture_on_commit_callbacks(execute=True):
        tide = TagFactory(name="tides")
        essay = EssayFactory(tags=[tide], body="Tides, harbours and the moon.")
        analysis = ArticleAnalysisFactory(tags=[tide], analysis="Tides and harbours again.")
        EssayFactory(tags=[tide], body="The moon pulls the tides in every harbour.")

    html = client.get(essay.get_absolute_url()).content.decode()
    assert section_links(html, "related")
    assert ">Related writing</h2>" in html
    assert "Notes and related thinking" not in html

    html = client.get(analysis.get_absolute_url()).content.decode()
    assert section_links(html, "related")
    assert ">Notes and related thinking</h2>" in html
    assert ">Related writing</h2>" not in html


def test_sidebar_sizes_are_site_settings(client):
    from core.models import SiteSettings

    SiteSettings.objects.create(recent_count=1, featured_count=0)
    EssayFactory(featured=True)
    EssayFactory()
    html = client.get("/").content.decode()
    assert len(section_links(html, "recent")) == 1
    assert section_links(html, "featured") == []


def _page_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _add_posts(count, tag):
    with tags_in_bulk():
        for n in range(count):
            factory = (EssayFactory, ArticleAnalysisFactory, DevReflectionFactory)[n % 3]
            factory(tags=[tag], featured=n % 7 == 0)
    for _ in range(count // 20):
        BookFactory()


EXPECTED_QUERIES = {
    # settings, navigation pages, hero book, projects, featured, books, recent
    "home": 7,
    # settings, navigation, post (one join per type), its tags, featured, books, recent,
    # related writing, approved mentions
    "essay": 9,
    # ... and the previous and next reflections
    "devreflection": 11,
    # (its related writing is "Notes and related thinking")
    "articleanalysis": 9,
    # settings, navigation, the book or the books, featured, books, recent
    "book": 6,
    "books": 6,
}


def test_page_cost_does_not_grow_with_the_content(client):
    tag = TagFactory(name="common")
    _add_posts(5, tag)
    essay, analysis, reflection = (
        EssayFactory(tags=[tag]),
        ArticleAnalysisFactory(tags=[tag]),
        DevReflectionFactory(tags=[tag]),
    )
    book = BookFactory()
    pages = {
        "home": "/",
        "essay": essay.get_absolute_url(),
        "articleanalysis": analysis.get_absolute_url(),
        "devreflection": reflection.get_absolute_url(),
        "book": book.get_absolute_url(),
        "books": reverse("books:list"),
    }
    small = {name: _page_queries(client, url) for name, url in pages.items()}
    _add_posts(200, tag)
    large = {name: _page_queries(client, url) for name, url in pages.items()}
    assert small == large == EXPECTED_QUERIES


def test_pages_need_no_javascript(client):
    analysis = ArticleAnalysisFactory()
    for url in ("/", analysis.get_absolute_url(), reverse("books:list")):
        html = client.get(url).content.decode()
        # Structured data is the only script, and it is not JavaScript.
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert set(scripts) <= {'<script type="application/ld+json">'}, url
