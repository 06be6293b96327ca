"""The podcast feed's Podcasting 2.0 and iTunes elements, the transcripts and chapters it
points to, and the artwork check in the site settings' admin."""

import io
import json
import uuid
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from core.models import SiteSettings
from essays.feeds import ITUNES_NS, PODCAST_NS
from essays.podcast import chapters, podcast_guid

from .factories import ArticleAnalysisFactory, DevReflectionFactory, EssayFactory

pytestmark = pytest.mark.django_db

FEED = "/podcast/index.xml"
BODY = """Intro text.

## Why tests matter (0:45)

Words.

## The *long* part (1:02:03)

More words.

## A heading without a time

## Setup (12:34)
"""


def itunes(name):
    return f"{{{ITUNES_NS}}}{name}"


def podcast(name):
    return f"{{{PODCAST_NS}}}{name}"


@pytest.fixture
def show():
    return SiteSettings.objects.create(
        author_name="Ada Author",
        credential="",
        tagline="Notes",
        podcast_title="Ada Speaks",
        podcast_description="Daily notes, read aloud.",
        podcast_artwork="podcast/cover.jpg",
        podcast_owner_email="ada@example.com",
    )


def channel_of(client, **headers):
    response = client.get(FEED, **headers)
    assert response.status_code == 200
    return ET.fromstring(response.content).find("channel")


def test_the_show_guid_is_the_specs_uuid5_of_the_feed_url():
    # The spec's namespace and rule: the URL without its scheme and trailing slashes.
    expected = uuid.uuid5(uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"), "example.com/feed")
    assert podcast_guid("https://example.com/feed/") == str(expected)
    assert podcast_guid("http://example.com/feed") == str(expected)
    # The spec's own example.
    assert podcast_guid("https://mp3s.nashownotes.com/pc20rss.xml") == (
        "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    )


def test_every_required_itunes_and_podcasting_20_element(client, show):
    episode = DevReflectionFactory(
        body=BODY,
        audio_url="https://cdn.example.com/ep1.mp3",
        audio_bytes=1234,
        audio_seconds=4000,
        podcast_season=2,
        podcast_episode=7,
    )
    plain = EssayFactory(
        body="No timed headings.\n\n## Just a heading", audio_url="https://cdn.example.com/ep2.mp3"
    )

    channel = channel_of(client)
    # Apple's required channel tags.
    assert channel.findtext("title") == "Ada Speaks"
    assert channel.findtext("description") == "Daily notes, read aloud."
    assert channel.findtext("language") == "en-us"
    assert channel.findtext("link") == "http://testserver/podcast/"
    assert channel.find(itunes("image")).get("href") == "http://testserver/media/podcast/cover.jpg"
    assert channel.find(itunes("category")).get("text") == "Technology"
    assert channel.findtext(itunes("explicit")) == "false"
    assert channel.findtext(itunes("author")) == "Ada Author"
    assert channel.find(itunes("owner")).findtext(itunes("email")) == "ada@example.com"
    # Podcasting 2.0's.
    assert channel.findtext(podcast("guid")) == podcast_guid(settings.SITE_URL + FEED)
    locked = channel.find(podcast("locked"))
    assert (locked.text, locked.get("owner")) == ("yes", "ada@example.com")
    person = channel.find(podcast("person"))
    assert (person.text, person.get("role")) == ("Ada Author", "host")
    assert person.get("href") == "http://testserver/podcast/"

    items = {item.findtext("link"): item for item in channel.findall("item")}
    item = items[f"http://testserver{episode.get_absolute_url()}"]
    assert item.findtext("title") == episode.title
    assert item.find("enclosure").get("url") == "https://cdn.example.com/ep1.mp3"
    assert item.findtext("guid")
    assert item.findtext(itunes("duration")) == "4000"
    assert item.findtext(itunes("season")) == item.findtext(podcast("season")) == "2"
    assert item.findtext(itunes("episode")) == item.findtext(podcast("episode")) == "7"
    transcript = item.find(podcast("transcript"))
    assert transcript.get("type") == "text/html"
    assert transcript.get("url") == (f"http://testserver/podcast/{episode.slug}/transcript.html")
    chapters_tag = item.find(podcast("chapters"))
    assert chapters_tag.get("type") == "application/json+chapters"
    assert chapters_tag.get("url") == f"http://testserver/podcast/{episode.slug}/chapters.json"

    other = items[f"http://testserver{plain.get_absolute_url()}"]
    assert other.find(podcast("chapters")) is None, "no timed heading, no chapters"
    assert other.find(podcast("season")) is None and other.find(podcast("episode")) is None
    assert other.find(podcast("transcript")) is not None


def test_the_podcast_feed_is_valid_to_feedparser(client, show):
    DevReflectionFactory(body=BODY, audio_url="https://cdn.example.com/a.mp3", podcast_episode=1)
    ArticleAnalysisFactory(audio_url="https://cdn.example.com/b.mp3")
    parsed = feedparser.parse(client.get(FEED).content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    assert parsed.namespaces["podcast"] == PODCAST_NS
    assert parsed.namespaces["itunes"] == ITUNES_NS
    assert parsed.feed.author == "Ada Author"
    assert parsed.feed.podcast_person == {"href": "http://testserver/podcast/", "role": "host"}
    assert parsed.feed.image.href == "http://testserver/media/podcast/cover.jpg"
    assert all(entry.enclosures for entry in parsed.entries)


def test_the_show_guid_never_follows_the_host_a_request_names(client, show, settings):
    settings.ALLOWED_HOSTS = ["testserver", "www.example.com"]
    settings.SITE_URL = "https://example.com"
    made = podcast_guid("https://example.com/podcast/index.xml")
    for host in ("testserver", "www.example.com"):
        assert channel_of(client, HTTP_HOST=host).findtext(podcast("guid")) == made


def test_the_show_guid_is_kept_when_the_site_moves(admin_client, client, show, settings):
    settings.SITE_URL = "https://old.example"
    url = reverse("admin:core_sitesettings_change", args=[show.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name != "podcast_artwork"
    }
    data["podcast_guid"] = ""
    assert admin_client.post(url, data).status_code == 302
    show.refresh_from_db()
    assert str(show.podcast_guid) == podcast_guid("https://old.example/podcast/index.xml")
    settings.SITE_URL = "https://new.example"
    assert channel_of(client).findtext(podcast("guid")) == str(show.podcast_guid)


def test_the_migration_keeps_the_guid_the_feed_had(settings):
    from importlib import import_module

    from django.apps import apps

    settings.SITE_URL = "https://example.com"
    SiteSettings.objects.create(author_name="Ada")
    migration = import_module("core.migrations.0004_podcast_guid")
    migration.keep_the_guid(apps, None)
    assert str(SiteSettings.load().podcast_guid) == podcast_guid(
        "https://example.com/podcast/index.xml"
    )


def test_an_unlocked_show_says_no(client, show):
    show.podcast_locked = False
    show.save()
    assert channel_of(client).findtext(podcast("locked")) == "no"


def test_chapters_come_from_timed_headings(client, show):
    episode = DevReflectionFactory(body=BODY, audio_url="https://cdn.example.com/a.mp3")
    assert [(start, title) for start, title, _id in chapters(episode)] == [
        (45, "Why tests matter"),
        (754, "Setup"),
        (3723, "The long part"),
    ]
    response = client.get(reverse("feeds:chapters", kwargs={"slug": episode.slug}))
    assert response["Content-Type"] == "application/json+chapters"
    data = json.loads(response.content)
    assert data["version"] == "1.2.0"
    page = f"http://testserver{episode.get_absolute_url()}"
    assert data["chapters"][0]["title"] == "Why tests matter"
    assert data["chapters"][0]["startTime"] == 45
    assert data["chapters"][0]["url"].startswith(f"{page}#why-tests-matter")
    assert [chapter["startTime"] for chapter in data["chapters"]] == [45, 754, 3723]


def test_the_transcript_is_the_posts_text(client, show):
    episode = DevReflectionFactory(body=BODY, audio_url="https://cdn.example.com/a.mp3")
    response = client.get(reverse("feeds:transcript", kwargs={"slug": episode.slug}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert episode.body_html in html
    assert "<script" not in html


def test_no_transcript_or_chapters_for_a_hidden_post_or_one_without_audio(client, show):
    hidden = [
        DevReflectionFactory(draft=True, body=BODY, audio_url="https://cdn.example.com/a.mp3"),
        DevReflectionFactory(scheduled=True, body=BODY, audio_url="https://cdn.example.com/a.mp3"),
        DevReflectionFactory(body=BODY),
    ]
    for post in hidden:
        for name in ("feeds:transcript", "feeds:chapters"):
            assert client.get(reverse(name, kwargs={"slug": post.slug})).status_code == 404
    no_chapters = EssayFactory(body="Plain.", audio_url="https://cdn.example.com/a.mp3")
    url = reverse("feeds:chapters", kwargs={"slug": no_chapters.slug})
    assert client.get(url).status_code == 404


def _png(size, mode="RGB", fmt="PNG"):
    out = io.BytesIO()
    Image.new(mode, size, "white").save(out, fmt)
    return out.getvalue()


def test_a_large_artwork_that_is_not_square_is_told_its_own_size():
    size = (4000, 3000)
    from website.admin import SiteSettingsForm

    upload = SimpleUploadedFile("wide.png", _png(size, "RGB", "PNG"))
    data = {
        field.name: field.value_from_object(SiteSettings())
        for field in SiteSettings._meta.concrete_fields
        if field.name not in ("id", "podcast_artwork")
    }
    data = {key: value for key, value in data.items() if value is not None}
    form = SiteSettingsForm(data=data, files={"podcast_artwork": upload})
    assert not form.is_valid()
    assert "this is 4000 × 3000 pixels" in str(form.errors["podcast_artwork"])


@pytest.mark.parametrize(
    ("size", "fmt", "ok"),
    [
        ((1400, 1400), "PNG", True),
        ((3000, 3000), "JPEG", True),
        ((1399, 1399), "PNG", False),
        # Every upload is scaled down to 3,000 px a side (IMAGE_ORIGINAL_MAX_SIDE): fine.
        ((3200, 3200), "PNG", True),
        ((1000, 1000), "JPEG", False),
        ((1400, 1500), "PNG", False),
        ((1400, 1400), "GIF", False),
        ((1400, 1400), "WEBP", False),
    ],
)
def test_the_artwork_follows_apples_rules(size, fmt, ok):
    from website.admin import SiteSettingsForm

    name = f"cover.{fmt.lower()}"
    upload = SimpleUploadedFile(name, _png(size, "RGB" if fmt != "GIF" else "P", fmt))
    data = {
        field.name: field.value_from_object(SiteSettings())
        for field in SiteSettings._meta.concrete_fields
        if field.name not in ("id", "podcast_artwork")
    }
    data = {key: value for key, value in data.items() if value is not None}
    form = SiteSettingsForm(data=data, files={"podcast_artwork": upload})
    assert form.is_valid() is ok, form.errors
    assert ("podcast_artwork" in form.errors) is not ok
