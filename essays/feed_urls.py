"""The feeds, at the Hugo site's paths: /index.xml, /<section>/index.xml, /tags/<tag>/index.xml."""

from django.urls import path

from . import (
    converters,  # noqa: F401  (registers <section:...>)
    feeds,
)

app_name = "feeds"
urlpatterns = [
    path("index.xml", feeds.WritingFeed(), name="all"),
    path("<section:section>/index.xml", feeds.SectionFeed(), name="section"),
    path("tags/<slug:tag>/index.xml", feeds.TagFeed(), name="tag"),
    path("podcast/index.xml", feeds.PodcastFeed(), name="podcast"),
]
