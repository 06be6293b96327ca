"""The feeds, at the Hugo site's paths: /index.xml, /<section>/index.xml, /tags/<tag>/index.xml;
beside each its JSON Feed twin (index.json); the podcast episodes' transcripts and chapters."""

from django.urls import path

from core import converters as core_converters  # noqa: F401  (registers <pathslug:...>)

from . import (
    converters,  # noqa: F401  (registers <section:...>)
    feeds,
    json_feeds,
    podcast,
)

app_name = "feeds"
urlpatterns = [
    path("index.xml", feeds.WritingFeed(), name="all"),
    path("<section:section>/index.xml", feeds.SectionFeed(), name="section"),
    path("tags/<slug:tag>/index.xml", feeds.TagFeed(), name="tag"),
    path("podcast/index.xml", feeds.PodcastFeed(), name="podcast"),
    # JSON Feed 1.1 twins: the same items, read from the same Feed objects.
    path("index.json", json_feeds.JsonFeed(feeds.WritingFeed(), "feeds:all-json"), name="all-json"),
    path(
        "<section:section>/index.json",
        json_feeds.JsonFeed(feeds.SectionFeed(), "feeds:section-json"),
        name="section-json",
    ),
    path(
        "tags/<slug:tag>/index.json",
        json_feeds.JsonFeed(feeds.TagFeed(), "feeds:tag-json"),
        name="tag-json",
    ),
    path(
        "podcast/index.json",
        json_feeds.JsonFeed(feeds.PodcastFeed(), "feeds:podcast-json"),
        name="podcast-json",
    ),
    path("podcast/<pathslug:slug>/transcript.html", podcast.transcript, name="transcript"),
    path("podcast/<pathslug:slug>/chapters.json", podcast.chapters_json, name="chapters"),
]
