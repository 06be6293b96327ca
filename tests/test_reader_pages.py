"""The reader site: archive, tags, sections, books, pages, podcast, prev/next, head metadata."""

import json
import re
from datetime import timedelta

import html5lib
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import SiteSettings
from core.publishing import Status
from essays.views import PAGE_SIZE
from pages.models import Page, Project

from .factories import (
    ArticleAnalysisFactory,
    BookFactory,
    DevReflectionFactory,
    EssayFactory,
    TagFactory,
    tags_in_bulk,
)
from .public import html_urls, public_urls

pytestmark = pytest.mark.django_db


def titles(response):
    return [post.title for post in response.context["page_obj"]]


def make_site(posts=5):
    """Published content of every kind, plus a draft and a scheduled post."""
    ai, work = TagFactory(name="ai"), TagFactory(name="work")
    factories = (EssayFactory, ArticleAnalysisFactory, DevReflectionFactory)
    for n in range(posts):
        factories[n % 3](
            tags=[ai, work][: 1 + n % 2],
            featured=n < 3,
            audio_url="" if n % 3 != 2 else f"https://cdn.example.com/{n}.mp3",
            audio_seconds=600,
            audio_bytes=9_000_000,
        )
    BookFactory(home_hero=True, subtitle="A subtitle", buy_url="https://example.com/buy")
    Page.objects.create(
        title="About", slug="about", body="About *me*.", status=Status.PUBLISHED, nav_order=3
    )
    Page.objects.create(
        title="Work with me",
        slug="work-with-me",
        body="Hire me.",
        status=Status.PUBLISHED,
        nav_order=2,
    )
    Project.objects.create(name="Textorium", one_liner="An editor.", url="https://example.com/t")
    hidden = [
        EssayFactory(
            draft=True, slug="hidden-draft", title="Hidden draft", tags=[ai], featured=True
        ),
        DevReflectionFactory(
            scheduled=True,
            slug="hidden-scheduled",
            title="Hidden scheduled",
            tags=[ai],
            audio_url="https://cdn.example.com/s.mp3",
        ),
        Page.objects.create(
            title="Secret page", slug="secret-page", status=Status.DRAFT, nav_order=1
        ),
    ]
    return hidden


def test_the_blog_lists_every_type_newest_first_and_paginates(client):
    EssayFactory.create_batch(PAGE_SIZE)
    ArticleAnalysisFactory(
        title="Newest analysis", publish_at=timezone.now() - timedelta(minutes=1)
    )
    DevReflectionFactory(draft=True)
    first = client.get(reverse("essays:blog"))
    assert first.status_code == 200
    assert titles(first)[0] == "Newest analysis"
    assert len(titles(first)) == PAGE_SIZE
    second = client.get(reverse("essays:blog-page", kwargs={"page": 2}))
    assert len(titles(second)) == 1
    assert set(titles(first)).isdisjoint(titles(second))
    html = first.content.decode()
    assert 'href="/blog/page/2/"' in html and 'rel="next"' in html


@pytest.mark.parametrize(
    "url",
    [
        "/blog/page/0/",
        "/blog/page/3/",
        "/blog/page/abc/",
        "/blog/page/-1/",
        "/tags/ai/page/9/",
        "/essays/page/2/",
        "/blog/page/99999999999999999999/",
    ],
)
def test_pages_out_of_range_or_malformed_are_404s(client, url):
    TagFactory(name="ai")
    EssayFactory.create_batch(3, tags=[TagFactory(name="ai")])
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_page_one_lives_at_the_base_url(client):
    response = client.get("/blog/page/1/")
    assert response.status_code == 301
    assert response["Location"] == "/blog/"


def test_archive_items_show_tags_title_and_teaser_without_dates(client):
    EssayFactory(
        title="Tagged",
        description="Its dek.",
        tags=[TagFactory(name="ai"), TagFactory(name="work")],
    )
    html = client.get(reverse("essays:blog")).content.decode()
    item = html[html.index('<article class="item">') :]
    item = item[: item.index("</article>")]
    assert re.search(
        r"· <a href=\"/tags/ai/\">ai</a>.*· <a href=\"/tags/work/\">work</a>", item, re.S
    )
    assert "Tagged" in item and "Its dek." in item
    assert not re.search(r"\b20\d\d\b", item)


def test_a_tag_page_counts_and_lists_only_published_posts(client):
    ai = TagFactory(name="ai")
    EssayFactory.create_batch(2, tags=[ai])
    EssayFactory(draft=True, tags=[ai], title="Draft with tag")
    EssayFactory(scheduled=True, tags=[ai], title="Scheduled with tag")
    response = client.get(ai.get_absolute_url())
    html = response.content.decode()
    assert "2 posts" in html
    assert "Draft with tag" not in html and "Scheduled with tag" not in html
    assert len(titles(response)) == 2


def test_a_tag_without_published_posts_does_not_exist_for_readers(client):
    lonely = TagFactory(name="lonely")
    EssayFactory(draft=True, tags=[lonely])
    assert client.get(lonely.get_absolute_url()).status_code == 404
    index = client.get(reverse("essays:tags")).content.decode()
    assert "lonely" not in index


def test_the_tag_index_counts_published_posts_only(client):
    ai = TagFactory(name="ai")
    EssayFactory.create_batch(3, tags=[ai])
    EssayFactory(scheduled=True, tags=[ai])
    response = client.get(reverse("essays:tags"))
    assert [(tag.name, tag.post_count) for tag in response.context["tags"]] == [("ai", 3)]


def test_each_type_has_its_own_list(client):
    essay, analysis, reflection = EssayFactory(), ArticleAnalysisFactory(), DevReflectionFactory()
    for section, post in [
        ("essays", essay),
        ("article-analyses", analysis),
        ("dev-reflections", reflection),
    ]:
        response = client.get(reverse("essays:section", kwargs={"section": section}))
        assert [p.pk for p in response.context["page_obj"]] == [post.pk]


def test_books_list_and_page(client):
    book = BookFactory(
        title="The Work of Being",
        subtitle="On judgment",
        pitch="A **long** pitch.",
        buy_url="https://example.com/buy",
        stage="available",
    )
    BookFactory(draft=True, title="Unannounced")
    listing = client.get(reverse("books:list")).content.decode()
    assert "The Work of Being" in listing and "Unannounced" not in listing
    page = client.get(book.get_absolute_url()).content.decode()
    for text in (
        "On judgment",
        "Available now",
        "<strong>long</strong>",
        'href="https://example.com/buy"',
        "Read on Amazon →",
    ):
        assert text in page


def test_reflections_link_to_their_published_neighbours(client):
    base = timezone.now() - timedelta(days=10)
    first = DevReflectionFactory(publish_at=base)
    DevReflectionFactory(draft=True, publish_at=base + timedelta(days=1))
    middle = DevReflectionFactory(publish_at=base + timedelta(days=2))
    later = DevReflectionFactory(publish_at=timezone.now() + timedelta(days=1))
    response = client.get(middle.get_absolute_url())
    assert response.context["previous_post"].pk == first.pk
    assert response.context["next_post"] is None
    with time_machine.travel(later.publish_at + timedelta(seconds=1)):
        response = client.get(middle.get_absolute_url())
        assert response.context["next_post"].pk == later.pk


def test_an_undated_draft_reflection_opens_through_its_share_link(client):
    from editorial.models import PreviewLink

    newest = DevReflectionFactory(publish_at=timezone.now() - timedelta(days=1))
    draft = DevReflectionFactory(draft=True, publish_at=None)
    response = client.get(PreviewLink.objects.create(writing=draft).get_absolute_url())
    assert response.status_code == 200
    assert (response.context["previous_post"].pk, response.context["next_post"]) == (
        newest.pk,
        None,
    )


def test_simple_pages_live_at_the_root_and_in_the_navigation(client):
    make_site()
    response = client.get("/about/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<em>me</em>" in html
    nav = html[html.index('<nav aria-label="Site">') : html.index("</nav>")]
    assert nav.index("Work with me") < nav.index("About")
    assert "Secret page" not in nav
    assert client.get("/secret-page/").status_code == 404


def test_a_page_and_a_post_cannot_share_a_slug():
    from django.core.exceptions import ValidationError

    EssayFactory(slug="about")
    page = Page(title="About", slug="about")
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "slug" in error.value.message_dict
    Page.objects.create(title="Now", slug="now", status=Status.PUBLISHED)
    post = EssayFactory.build(slug="now", title="Now")
    with pytest.raises(ValidationError):
        post.full_clean()


def test_the_landing_page(client):
    make_site()
    SiteSettings.objects.create(
        short_bio="I write about work.", newsletter_url="https://example.com/news"
    )
    html = client.get("/").content.decode()
    for text in (
        "Get the book →",
        "I write about work.",
        "View books →",
        "Subscribe →",
        "Learn more →",
        "What I'm building",
        "Textorium",
    ):
        assert text in html, text


def test_the_podcast_page_lists_published_episodes(client):
    make_site()
    response = client.get(reverse("podcast"))
    html = response.content.decode()
    assert "Duration: 10:00" in html
    assert "Hidden scheduled" not in html
    assert reverse("feeds:podcast") in html
    assert all(post.audio_url for post in response.context["episodes"])


def test_the_audio_line_on_a_post(client):
    post = DevReflectionFactory(
        audio_url="https://cdn.example.com/ep.mp3", audio_seconds=754, audio_bytes=12_345_678
    )
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Duration: 12:34 | Size: 12.3 MB" in html
    assert '<audio controls preload="none" src="https://cdn.example.com/ep.mp3">' in html


def test_draft_and_scheduled_content_never_shows_then_appears_on_time(client):
    hidden = make_site()
    markers = (
        "hidden-draft",
        "Hidden draft",
        "hidden-scheduled",
        "Hidden scheduled",
        "Secret page",
        "secret-page",
    )
    for url in public_urls():
        body = client.get(url).content.decode()
        for marker in markers:
            assert marker not in body, f"{marker} leaks into {url}"
    scheduled = hidden[1]
    with time_machine.travel(scheduled.publish_at + timedelta(seconds=1)):
        urls = public_urls()
        assert scheduled.get_absolute_url() in urls
        seen = [url for url in urls if "hidden-scheduled" in client.get(url).content.decode()]
        for expected in (
            "/",
            "/blog/",
            "/dev-reflections/",
            "/tags/ai/",
            "/podcast/",
            "/index.xml",
            "/sitemap.xml",
            "/podcast/index.xml",
            "/dev-reflections/index.xml",
        ):
            assert expected in seen, (
                f"the scheduled post is missing from {expected} once its time came"
            )


def test_every_html_page_is_valid_html5_with_one_h1_and_a_skip_link(client):
    make_site()
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    for url in html_urls() + ["/no-such-page/"]:
        response = client.get(url)
        html = response.content.decode()
        parser.parse(html)  # raises on any parse error
        assert len(re.findall(r"<h1[\s>]", html)) == 1, url
        assert '<a class="skip-link" href="#main">' in html and '<main id="main"' in html, url


def test_head_metadata_on_every_page(client):
    make_site()
    seen_titles = {}
    for url in html_urls():
        html = client.get(url).content.decode()
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
        assert title not in seen_titles, (
            f"{url} and {seen_titles.get(title)} share the title {title!r}"
        )
        seen_titles[title] = url
        assert re.search(r'<meta name="description" content="[^"]+">', html), url
        canonical = re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)
        assert canonical == "http://testserver" + url.split("?")[0], url
        for prop in ("og:title", "og:description", "og:url", "og:type"):
            assert f'<meta property="{prop}"' in html, (url, prop)
        assert '<meta name="twitter:card"' in html
        assert 'rel="alternate" type="application/rss+xml"' in html, url
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
            json.loads(block)


def _jsonld(html):
    return [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]


def test_structured_data(client):
    essay = EssayFactory(title="An essay", tags=[TagFactory(name="ai")])
    analysis = ArticleAnalysisFactory(
        source_title="Their piece", source_url="https://example.com/p", source_author="Them"
    )
    book = BookFactory(title="A book")
    (post,) = _jsonld(client.get(essay.get_absolute_url()).content.decode())
    assert post["@type"] == "BlogPosting" and post["headline"] == "An essay"
    assert post["keywords"] == ["ai"] and post["datePublished"]
    (article,) = _jsonld(client.get(analysis.get_absolute_url()).content.decode())
    assert article["@type"] == "Article"
    assert article["citation"] == {
        "@type": "CreativeWork",
        "name": "Their piece",
        "url": "https://example.com/p",
        "author": {"@type": "Person", "name": "Them"},
    }
    (book_data,) = _jsonld(client.get(book.get_absolute_url()).content.decode())
    assert book_data["@type"] == "Book" and book_data["name"] == "A book"
    (person,) = _jsonld(client.get("/").content.decode())
    assert person["@type"] == "Person" and person["name"] == "Paul Welty"


def test_json_ld_cannot_break_out_of_its_script(client):
    essay = EssayFactory(title="</script><script>alert(1)</script>")
    html = client.get(essay.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert _jsonld(html)[0]["headline"] == "</script><script>alert(1)</script>"


def test_no_external_resources(client):
    make_site()
    for url in html_urls():
        html = client.get(url).content.decode()
        for src in re.findall(r'<(?:script|link|img)\b[^>]*(?:src|href)="([^"]+)"', html):
            if 'rel="canonical"' in src:
                continue
            assert not src.startswith(("http://", "https://", "//")) or src.startswith(
                "http://testserver"
            ), (url, src)


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_every_public_page_costs_the_same_with_5_or_200_posts(client):
    make_site(posts=5)
    urls = public_urls()
    small = {url: _queries(client, url) for url in urls}
    ai = TagFactory(name="ai")
    with tags_in_bulk():
        for _ in range(39):  # 195 more posts of every type, 200 in all
            for factory in (EssayFactory, ArticleAnalysisFactory, DevReflectionFactory):
                factory(tags=[ai], audio_url="https://cdn.example.com/x.mp3")
            EssayFactory(tags=[ai], featured=True)
            ArticleAnalysisFactory(tags=[ai])
    large = {url: _queries(client, url) for url in urls}
    assert small == large


def test_the_writing_hub_shows_featured_books_with_subtitles_and_recent(client):
    EssayFactory(featured=True, title="A featured essay")
    BookFactory(title="A book", subtitle="Its subtitle", description="Its one-liner")
    html = client.get(reverse("writing")).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    headings = ["Featured writing", "Books", "Recent writing"]
    assert [main.index(f">{heading}</h2>") for heading in headings] == sorted(
        main.index(f">{heading}</h2>") for heading in headings
    )
    assert "Its subtitle" in main and "Its one-liner" not in main
    assert '<aside class="related"' not in html
