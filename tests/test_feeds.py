"""The RSS feeds: their XML, what they list, what they never list, and what they cost."""

import html
import xml.etree.ElementTree as ET
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
import time_machine
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import SiteSettings
from essays.feeds import CONTENT_NS, ITUNES_NS

from .factories import (
    ArticleAnalysisFactory,
    DevReflectionFactory,
    EssayFactory,
    TagFactory,
    tags_in_bulk,
)

pytestmark = pytest.mark.django_db

DC_NS = "http://purl.org/dc/elements/1.1/"
CONTENT = f"{{{CONTENT_NS}}}encoded"
FACTORIES = {
    "essays": EssayFactory,
    "article-analyses": ArticleAnalysisFactory,
    "dev-reflections": DevReflectionFactory,
}


def fetch(client, url):
    """The feed's <channel>, after checking that it is well-formed RSS 2.0."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext("title")
    assert channel.findtext("link").startswith("http://testserver/")
    return channel


def links(channel):
    return [item.findtext("link") for item in channel.findall("item")]


def absolute(post):
    return f"http://testserver{post.get_absolute_url()}"


def all_feed_urls(tag_slug):
    urls = [reverse("feeds:all"), reverse("feeds:podcast")]
    urls += [reverse("feeds:section", kwargs={"section": section}) for section in FACTORIES]
    urls.append(reverse("feeds:tag", kwargs={"tag": tag_slug}))
    return urls


def test_the_feeds_live_at_the_hugo_sites_paths():
    assert reverse("feeds:all") == "/index.xml"
    assert reverse("feeds:section", kwargs={"section": "essays"}) == "/essays/index.xml"
    assert reverse("feeds:tag", kwargs={"tag": "python"}) == "/tags/python/index.xml"
    assert reverse("feeds:podcast") == "/podcast/index.xml"


def test_the_main_feed_lists_all_writing_newest_first_with_every_item_element(client):
    SiteSettings.objects.create(author_name="Ada Author", credential="")
    python, ethics = TagFactory(name="python"), TagFactory(name="ethics")
    essay = EssayFactory(title="Cats & Dogs", tags=[python, ethics], byline="Bo Co")
    analysis = ArticleAnalysisFactory(tags=[python])
    reflection = DevReflectionFactory()
    posts = sorted([essay, analysis, reflection], key=lambda p: p.publish_at, reverse=True)

    channel = fetch(client, "/index.xml")
    assert channel.findtext("title") == "Ada Author"
    assert links(channel) == [absolute(post) for post in posts]
    for item, post in zip(channel.findall("item"), posts, strict=True):
        assert item.findtext("title") == post.title
        assert item.findtext("guid") == absolute(post)
        assert parsedate_to_datetime(item.findtext("pubDate")) == post.publish_at.replace(
            microsecond=0
        )
        # HTML, as readers read it: the plain-text teaser, escaped.
        assert html.unescape(item.findtext("description")) == post.teaser
    first = channel.find(f"item[link='{absolute(essay)}']")
    # The title is plain text in the XML, not HTML escaped twice.
    assert first.findtext("title") == "Cats & Dogs"
    assert sorted(c.text for c in first.findall("category")) == ["ethics", "python"]
    assert first.findtext(f"{{{DC_NS}}}creator") == "Ada Author and Bo Co"
    other = channel.find(f"item[link='{absolute(reflection)}']")
    assert other.findall("category") == []
    assert other.findtext(f"{{{DC_NS}}}creator") == "Ada Author"
    # A reflection has no dek: its description is the start of its body.
    assert html.unescape(other.findtext("description")) == reflection.excerpt != ""


def test_items_carry_the_sanitised_html_stored_on_save(client):
    essay = EssayFactory(
        body="**Bold** text.\n\n<script>alert('x')</script>\n\n[bad](javascript:alert(1))\n\n"
        '<img src="/a.png" onerror="steal()">'
    )
    reflection = DevReflectionFactory(body="A reflection with `code`.")
    channel = fetch(client, "/index.xml")
    for post in (essay, reflection):
        item = channel.find(f"item[link='{absolute(post)}']")
        assert item.findtext(CONTENT) == post.body_html
    html = channel.find(f"item[link='{absolute(essay)}']").findtext(CONTENT)
    assert "<strong>Bold</strong>" in html
    assert "<script" not in html and "alert('x')" not in html
    # The javascript: link stays the inert text it was written as; it is no link.
    assert 'href="javascript:' not in html and "onerror" not in html
    assert "<p>[bad](javascript:alert(1))</p>" in html
    assert '<img src="/a.png">' in html


def test_an_analysis_item_holds_quote_source_summary_and_analysis_in_order(client):
    analysis = ArticleAnalysisFactory(
        source_title="The Rise & Fall",
        source_url="https://example.com/rise",
        source_author="A. Writer",
        source_publication="The Paper",
        quote="Things <rise>.",
        summary="SUMMARY *text* <script>no()</script>",
        analysis="ANALYSIS **text**",
    )
    channel = fetch(client, "/index.xml")
    html = channel.find("item").findtext(CONTENT)
    parts = [
        "<p>“Things &lt;rise&gt;.”</p></blockquote>",
        '<a href="https://example.com/rise" rel="noopener">The Rise &amp; Fall</a>, by A. Writer',
        ", in <i>The Paper</i>",
        ">Summary</h2>",
        analysis.summary_html,
        ">Analysis</h2>",
        analysis.analysis_html,
    ]
    positions = [html.index(part) for part in parts]
    assert positions == sorted(positions)
    assert "<em>text</em>" in html and "<strong>text</strong>" in html
    assert "<script" not in html


def _hidden_posts(tag):
    """A draft and a scheduled post of every type, all with the tag and audio."""
    hidden = {}
    for state in ("draft", "scheduled"):
        for section, factory in FACTORIES.items():
            hidden[(state, section)] = factory(
                **{state: True},
                slug=f"hidden-{state}-{section}",
                title=f"Hidden {state} {section}",
                tags=[tag],
                audio_url=f"https://cdn.example.com/hidden-{state}-{section}.mp3",
            )
    return hidden


def test_no_feed_lists_a_draft_or_a_scheduled_post_until_its_time_comes(client):
    tag = TagFactory(name="shared")
    for factory in FACTORIES.values():
        factory(tags=[tag], audio_url="https://cdn.example.com/public.mp3")
    hidden = _hidden_posts(tag)

    for url in all_feed_urls(tag.slug):
        xml = client.get(url).content.decode()
        for post in hidden.values():
            assert post.slug not in xml, f"{post.slug} leaks into {url}"
            assert post.title not in xml, f"{post.title} leaks into {url}"

    with time_machine.travel(hidden["scheduled", "essays"].publish_at + timedelta(minutes=1)):
        for section in FACTORIES:
            scheduled, draft = hidden["scheduled", section], hidden["draft", section]
            section_url = reverse("feeds:section", kwargs={"section": section})
            for url in all_feed_urls(tag.slug):
                found = links(fetch(client, url))
                assert absolute(draft) not in found, url
                if url.startswith(("/essays/", "/article-analyses/", "/dev-reflections/")):
                    assert (absolute(scheduled) in found) is (url == section_url), url
                else:
                    assert absolute(scheduled) in found, url


def test_a_section_feed_lists_only_its_own_type(client):
    posts = {section: [factory(), factory()] for section, factory in FACTORIES.items()}
    for section, own in posts.items():
        channel = fetch(client, reverse("feeds:section", kwargs={"section": section}))
        assert sorted(links(channel)) == sorted(absolute(post) for post in own)
        assert channel.findtext("link") == f"http://testserver/{section}/"
    assert client.get("/poems/index.xml").status_code == 404


def test_a_tag_feed_lists_only_the_tags_posts(client):
    python, ethics = TagFactory(name="python"), TagFactory(name="ethics")
    tagged = [EssayFactory(tags=[python]), DevReflectionFactory(tags=[python, ethics])]
    ArticleAnalysisFactory(tags=[ethics])
    EssayFactory()
    channel = fetch(client, reverse("feeds:tag", kwargs={"tag": "python"}))
    assert sorted(links(channel)) == sorted(absolute(post) for post in tagged)
    assert channel.findtext("link") == "http://testserver/tags/python/"
    assert "python" in channel.findtext("title")


def test_a_tag_feed_is_a_404_unless_a_published_post_carries_the_tag(client):
    TagFactory(name="unused")
    EssayFactory(draft=True, tags=[TagFactory(name="only-on-a-draft")])
    EssayFactory(scheduled=True, tags=[TagFactory(name="only-scheduled")])
    for slug in ("no-such-tag", "unused", "only-on-a-draft", "only-scheduled"):
        assert client.get(reverse("feeds:tag", kwargs={"tag": slug})).status_code == 404, slug


def test_the_podcast_feed_has_itunes_tags_and_an_enclosure_per_episode(client):
    SiteSettings.objects.create(
        author_name="Ada Author",
        podcast_title="Ada Speaks",
        podcast_description="Daily notes, read aloud.",
        podcast_category="Technology",
        podcast_explicit=False,
        podcast_artwork="podcast/cover.jpg",
        podcast_owner_email="ada@example.com",
    )
    mp3 = DevReflectionFactory(
        audio_url="https://cdn.example.com/ep1.mp3", audio_bytes=12_345_678, audio_seconds=754
    )
    m4a = EssayFactory(audio_url="https://cdn.example.com/ep2.m4a?v=2")
    EssayFactory()  # no audio: not an episode

    response = client.get(reverse("feeds:podcast"))
    assert f'xmlns:itunes="{ITUNES_NS}"' in response.content.decode()
    channel = fetch(client, reverse("feeds:podcast"))
    itunes = lambda name: f"{{{ITUNES_NS}}}{name}"  # noqa: E731
    assert channel.findtext("title") == "Ada Speaks"
    assert channel.findtext(itunes("author")) == "Ada Author"
    assert channel.findtext(itunes("summary")) == "Daily notes, read aloud."
    assert channel.find(itunes("category")).get("text") == "Technology"
    assert channel.findtext(itunes("explicit")) == "false"
    assert channel.find(itunes("image")).get("href") == "http://testserver/media/podcast/cover.jpg"
    owner = channel.find(itunes("owner"))
    assert owner.findtext(itunes("name")) == "Ada Author"
    assert owner.findtext(itunes("email")) == "ada@example.com"
    assert sorted(links(channel)) == sorted([absolute(mp3), absolute(m4a)])

    first = channel.find(f"item[link='{absolute(mp3)}']")
    enclosure = first.find("enclosure")
    assert enclosure.attrib == {
        "url": "https://cdn.example.com/ep1.mp3",
        "length": "12345678",
        "type": "audio/mpeg",
    }
    assert first.findtext(itunes("duration")) == "754"
    second = channel.find(f"item[link='{absolute(m4a)}']")
    assert second.find("enclosure").get("type") == "audio/mp4"
    assert second.find("enclosure").get("length") == "0"
    assert second.find(itunes("duration")) is None


def test_the_feed_links_for_the_head():
    site = SiteSettings(author_name="Ada Author", credential="", podcast_title="Ada Speaks")
    tag = TagFactory(name="python")
    html = render_to_string("includes/feed_links.html", {"site": site})
    assert html.count('rel="alternate" type="application/rss+xml"') == 2
    assert 'title="Ada Author" href="/index.xml"' in html
    assert 'title="Ada Speaks" href="/podcast/index.xml"' in html

    context = {"site": site, "feed_section": "essays", "heading": "Essays", "feed_tag": tag}
    html = render_to_string("includes/feed_links.html", context)
    assert html.count('rel="alternate" type="application/rss+xml"') == 4
    assert 'title="Ada Author: Essays" href="/essays/index.xml"' in html
    assert 'href="/tags/python/index.xml"' in html


def _add_posts(count, tag):
    with tags_in_bulk():
        for n in range(count):
            factory = list(FACTORIES.values())[n % 3]
            tags = [tag, TagFactory(name=f"t{n % 4}")]
            factory(tags=tags, audio_url="https://cdn.example.com/a.mp3")


def _feed_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        channel = fetch(client, url)
    return len(queries), len(channel.findall("item"))


EXPECTED_QUERIES = {
    # settings, posts with each type's table joined, their tags
    "all": 3,
    "section": 3,
    "podcast": 3,
    # ... and the tag itself
    "tag": 4,
}


def test_a_feeds_cost_does_not_grow_with_the_content(client):
    tag = TagFactory(name="common")
    urls = {
        "all": reverse("feeds:all"),
        "section": reverse("feeds:section", kwargs={"section": "article-analyses"}),
        "podcast": reverse("feeds:podcast"),
        "tag": reverse("feeds:tag", kwargs={"tag": "common"}),
    }
    _add_posts(5, tag)
    small = {name: _feed_queries(client, url) for name, url in urls.items()}
    _add_posts(55, tag)
    large = {name: _feed_queries(client, url) for name, url in urls.items()}

    assert {name: queries for name, (queries, _) in small.items()} == EXPECTED_QUERIES
    assert {name: queries for name, (queries, _) in large.items()} == EXPECTED_QUERIES
    assert small["all"][1] == 5 and small["section"][1] == 2
    # Sixty posts, of which a feed lists the newest fifty.
    assert large["all"][1] == large["podcast"][1] == large["tag"][1] == 50
    assert large["section"][1] == 20


def test_a_feed_reader_accepts_every_feed(client):
    import feedparser

    tag = TagFactory(name="ai")
    EssayFactory(
        tags=[tag], body="Tom & Jerry <b>bold</b>", audio_url="https://cdn.example.com/a.mp3"
    )
    ArticleAnalysisFactory(tags=[tag])
    DevReflectionFactory(tags=[tag], audio_url="https://cdn.example.com/b.mp3", audio_bytes=10)
    urls = ["/index.xml", "/podcast/index.xml", "/tags/ai/index.xml", "/essays/index.xml"]
    for url in urls:
        parsed = feedparser.parse(client.get(url).content)
        assert not parsed.bozo, (url, parsed.get("bozo_exception"))
        assert parsed.version == "rss20"
        assert parsed.entries and all(entry.get("published_parsed") for entry in parsed.entries)
        assert all(entry.get("content") for entry in parsed.entries)
