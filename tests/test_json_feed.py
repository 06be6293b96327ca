"""JSON Feed 1.1 beside every RSS feed: the same items, the same visibility rule, the same cost."""

import json
from datetime import timedelta

import feedparser
import pytest
import time_machine
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import SiteSettings

from .factories import ArticleAnalysisFactory, DevReflectionFactory, EssayFactory, TagFactory

pytestmark = pytest.mark.django_db

FACTORIES = {
    "essays": EssayFactory,
    "article-analyses": ArticleAnalysisFactory,
    "dev-reflections": DevReflectionFactory,
}


def twins(tag_slug):
    """(RSS URL, JSON URL) of every feed."""
    pairs = [(reverse("feeds:all"), reverse("feeds:all-json"))]
    pairs.append((reverse("feeds:podcast"), reverse("feeds:podcast-json")))
    for section in FACTORIES:
        kwargs = {"section": section}
        pairs.append(
            (reverse("feeds:section", kwargs=kwargs), reverse("feeds:section-json", kwargs=kwargs))
        )
    kwargs = {"tag": tag_slug}
    pairs.append((reverse("feeds:tag", kwargs=kwargs), reverse("feeds:tag-json", kwargs=kwargs)))
    return pairs


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/feed+json; charset=utf-8"
    data = json.loads(response.content)
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["title"] and data["home_page_url"].startswith("http://testserver/")
    assert data["feed_url"] == f"http://testserver{url}"
    for item in data["items"]:
        assert {"id", "url", "title", "content_html", "date_published"} <= item.keys()
    return data


def test_the_json_feeds_live_beside_the_rss_ones():
    assert reverse("feeds:all-json") == "/index.json"
    assert reverse("feeds:section-json", kwargs={"section": "essays"}) == "/essays/index.json"
    assert reverse("feeds:tag-json", kwargs={"tag": "ai"}) == "/tags/ai/index.json"
    assert reverse("feeds:podcast-json") == "/podcast/index.json"


def test_every_json_feed_lists_what_its_rss_twin_lists(client):
    tag = TagFactory(name="ai")
    for factory in FACTORIES.values():
        factory(tags=[tag], audio_url="https://cdn.example.com/a.mp3")
        factory(tags=[tag])
    for rss_url, json_url in twins("ai"):
        rss = [entry.link for entry in feedparser.parse(client.get(rss_url).content).entries]
        data = fetch(client, json_url)
        assert [item["url"] for item in data["items"]] == rss, json_url
        assert rss, rss_url


def test_an_item_carries_the_post(client):
    SiteSettings.objects.create(author_name="Ada Author", credential="")
    tag = TagFactory(name="python")
    essay = EssayFactory(title="Cats & Dogs", body="Tom & *Jerry*", tags=[tag], byline="Bo")
    [item] = fetch(client, reverse("feeds:all-json"))["items"]
    assert item["id"] == item["url"] == f"http://testserver{essay.get_absolute_url()}"
    assert item["title"] == "Cats & Dogs"
    assert item["content_html"] == essay.body_html
    assert item["summary"] == essay.teaser
    assert item["date_published"] == essay.publish_at.isoformat()
    assert item["tags"] == ["python"]
    assert item["authors"] == [{"name": "Ada Author and Bo"}]


def test_a_podcast_item_has_its_audio_as_an_attachment(client):
    SiteSettings.objects.create(podcast_artwork="podcast/cover.jpg")
    DevReflectionFactory(
        audio_url="https://cdn.example.com/ep.mp3", audio_bytes=1000, audio_seconds=60
    )
    data = fetch(client, reverse("feeds:podcast-json"))
    assert data["icon"] == "http://testserver/media/podcast/cover.jpg"
    assert data["items"][0]["attachments"] == [
        {
            "url": "https://cdn.example.com/ep.mp3",
            "mime_type": "audio/mpeg",
            "size_in_bytes": 1000,
            "duration_in_seconds": 60,
        }
    ]


def test_no_json_feed_lists_a_draft_or_a_scheduled_post_until_its_time(client):
    tag = TagFactory(name="shared")
    for factory in FACTORIES.values():
        factory(tags=[tag], audio_url="https://cdn.example.com/p.mp3")
    hidden = {}
    for state in ("draft", "scheduled"):
        for section, factory in FACTORIES.items():
            hidden[state, section] = factory(
                **{state: True},
                slug=f"hidden-{state}-{section}",
                title=f"Hidden {state} {section}",
                tags=[tag],
                audio_url="https://cdn.example.com/h.mp3",
            )
    for _rss, url in twins("shared"):
        text = client.get(url).content.decode()
        for post in hidden.values():
            assert post.slug not in text and post.title not in text, (post.slug, url)

    with time_machine.travel(hidden["scheduled", "essays"].publish_at + timedelta(minutes=1)):
        text = client.get(reverse("feeds:all-json")).content.decode()
        for section in FACTORIES:
            assert hidden["scheduled", section].slug in text
            assert hidden["draft", section].slug not in text
    TagFactory(name="unused")
    assert client.get(reverse("feeds:tag-json", kwargs={"tag": "unused"})).status_code == 404


def test_a_json_feed_costs_what_its_rss_twin_costs(client):
    tag = TagFactory(name="common")
    for n in range(6):
        list(FACTORIES.values())[n % 3](tags=[tag], audio_url="https://cdn.example.com/a.mp3")
    for rss_url, json_url in twins("common"):
        with CaptureQueriesContext(connection) as rss:
            client.get(rss_url)
        with CaptureQueriesContext(connection) as as_json:
            client.get(json_url)
        assert len(as_json) == len(rss), json_url


def test_the_head_advertises_the_json_feeds():
    site = SiteSettings(author_name="Ada Author", credential="", podcast_title="Ada Speaks")
    tag = TagFactory(name="python")
    html = render_to_string("includes/feed_links.html", {"site": site})
    assert html.count('type="application/feed+json"') == 2
    assert 'title="Ada Author" href="/index.json"' in html
    assert 'title="Ada Speaks" href="/podcast/index.json"' in html
    context = {"site": site, "feed_section": "essays", "heading": "Essays", "feed_tag": tag}
    html = render_to_string("includes/feed_links.html", context)
    assert html.count('type="application/feed+json"') == 4
    assert 'href="/essays/index.json"' in html and 'href="/tags/python/index.json"' in html


def test_a_post_page_advertises_the_json_feed(client):
    essay = EssayFactory()
    html = client.get(essay.get_absolute_url()).content.decode()
    assert '<link rel="alternate" type="application/feed+json"' in html
