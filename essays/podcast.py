"""Podcasting 2.0 for the episodes: the show's GUID, each episode's transcript and chapters.

An episode's transcript is its post, served as an HTML file of its own. Its chapters are
the post's headings that end in a time: ``## Why tests matter (12:34)`` starts a chapter
"Why tests matter" at 12 minutes 34 seconds (``(1:02:03)`` for an hour and more). A post
with no timed heading has no chapters. Both are read from the HTML stored on save, and
only for published episodes (``Writing.objects.published()``), as the feed lists them.
"""

import re
import uuid
from html import unescape
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import strip_tags

from core import fragments

from .models import Writing

# The namespace the Podcasting 2.0 spec fixes for podcast:guid (a UUIDv5 of the feed URL).
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
CHAPTERS_TYPE = "application/json+chapters"
_HEADING = re.compile(r"<h([2-6])\b([^>]*)>(.*?)</h\1>", re.S | re.I)
_ID = re.compile(r'\bid="([^"]+)"')
_TIME = re.compile(r"\s*\((?:(\d{1,2}):)?(\d{1,3}):([0-5]\d)\)\s*$")


def podcast_guid(feed_url):
    """The show's podcast:guid: a UUIDv5 of the feed URL without its scheme and final slashes."""
    parts = urlsplit(feed_url)
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, f"{parts.netloc}{parts.path}".rstrip("/")))


def show_guid(site):
    """The show's GUID: the one kept in the site settings, else the one made from the
    feed's public address (``SITE_URL``, never the host a request named)."""
    if site.podcast_guid:
        return str(site.podcast_guid)
    return podcast_guid(settings.SITE_URL + reverse("feeds:podcast"))


def episode_html(post):
    """The episode's text as HTML: its body, or an analysis's parts."""
    from .feeds import full_html  # the feed's own rendering of a post

    return full_html(post)


def chapters(post):
    """[(seconds, title, heading id)] for the post's timed headings, in order of time."""
    found = []
    for _level, attrs, inner in _HEADING.findall(episode_html(post)):
        text = unescape(strip_tags(inner)).strip()
        time = _TIME.search(text)
        if not time or not text[: time.start()].strip():
            continue
        hours, minutes, seconds = (int(part or 0) for part in time.groups())
        anchor = _ID.search(attrs)
        found.append(
            (
                hours * 3600 + minutes * 60 + seconds,
                text[: time.start()].strip(),
                anchor and anchor[1],
            )
        )
    return sorted(found, key=lambda chapter: chapter[0])


def _episode(slug):
    posts = Writing.objects.published().podcast_episodes().with_specific()
    return get_object_or_404(posts, slug=slug).specific


def transcript(request, slug):
    """The episode's text as an HTML transcript (podcast:transcript)."""
    post = _episode(slug)
    context = {"post": post, "site": fragments.site_settings(request), "text": episode_html(post)}
    return render(request, "essays/transcript.html", context)


def chapters_json(request, slug):
    """The episode's chapters in the Podcasting 2.0 JSON chapters format."""
    post = _episode(slug)
    found = chapters(post)
    if not found:
        raise Http404("This episode has no chapters.")
    page = request.build_absolute_uri(post.get_absolute_url())
    data = {
        "version": "1.2.0",
        "title": post.title,
        "chapters": [
            {"startTime": start, "title": title, "url": f"{page}#{anchor}" if anchor else page}
            for start, title, anchor in found
        ],
    }
    return JsonResponse(data, content_type=CHAPTERS_TYPE, json_dumps_params={"ensure_ascii": False})


def transcript_url(post):
    return reverse("feeds:transcript", kwargs={"slug": post.slug})


def chapters_url(post):
    return reverse("feeds:chapters", kwargs={"slug": post.slug})
