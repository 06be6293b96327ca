"""RSS feeds: all writing, each type, each tag, and the podcast.

Every feed lists ``Writing.objects.published()`` narrowed by its subject, and
nothing else, so a draft or a scheduled post cannot leak into one. Items carry the
full HTML stored on save (already sanitised) in ``content:encoded``, the teaser as
their description, and a feed costs the same few queries however long it is.
"""

import mimetypes
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Enclosure, Rss201rev2Feed
from django.utils.html import escape

from core import fragments
from core.models import SiteSettings
from core.safe_urls import safe_url

from . import podcast
from .models import SECTION_BY_KIND, SECTIONS, Tag, Writing

FEED_LENGTH = 50
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
DEFAULT_AUDIO_TYPE = "audio/mpeg"
ANALYSIS_PARTIAL = "essays/articleanalysis_detail.html#analysis_body"


class FullContentRss(Rss201rev2Feed):
    """RSS 2.0 with each post's whole HTML in ``content:encoded``."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:content": CONTENT_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["content"])


class PodcastRss(FullContentRss):
    """Adds the iTunes tags that Apple Podcasts and most podcast apps read, and the
    Podcasting 2.0 ones (podcastindex.org's namespace) that the newer apps read."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:itunes": ITUNES_NS, "xmlns:podcast": PODCAST_NS}

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        handler.addQuickElement("itunes:author", self.feed["itunes_author"])
        handler.addQuickElement("itunes:summary", self.feed["description"])
        handler.addQuickElement("itunes:category", None, {"text": self.feed["itunes_category"]})
        handler.addQuickElement("itunes:explicit", self.feed["itunes_explicit"])
        if self.feed["itunes_image"]:
            handler.addQuickElement("itunes:image", None, {"href": self.feed["itunes_image"]})
        if self.feed["itunes_email"]:
            handler.startElement("itunes:owner", {})
            handler.addQuickElement("itunes:name", self.feed["itunes_author"])
            handler.addQuickElement("itunes:email", self.feed["itunes_email"])
            handler.endElement("itunes:owner")
        handler.addQuickElement("podcast:guid", self.feed["podcast_guid"])
        owner = {"owner": self.feed["itunes_email"]} if self.feed["itunes_email"] else {}
        handler.addQuickElement("podcast:locked", self.feed["podcast_locked"], owner)
        handler.addQuickElement(
            "podcast:person",
            self.feed["itunes_author"],
            {"role": "host", "href": self.feed["link"]},
        )

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item["itunes_duration"] is not None:
            handler.addQuickElement("itunes:duration", item["itunes_duration"])
        for name in ("season", "episode"):
            if item[name] is not None:
                handler.addQuickElement(f"itunes:{name}", str(item[name]))
                handler.addQuickElement(f"podcast:{name}", str(item[name]))
        handler.addQuickElement("itunes:episodeType", "full")
        handler.addQuickElement(
            "podcast:transcript", None, {"url": item["transcript_url"], "type": "text/html"}
        )
        if item["chapters_url"]:
            handler.addQuickElement(
                "podcast:chapters",
                None,
                {"url": item["chapters_url"], "type": podcast.CHAPTERS_TYPE},
            )


def full_html(post):
    """The whole post as HTML, put together from what was rendered on save."""
    if post.kind == Writing.Kind.ANALYSIS:
        # The page's own markup for the quote, source, Summary and Analysis.
        return render_to_string(ANALYSIS_PARTIAL, {"post": post})
    return post.body_html


@dataclass
class Channel:
    """What one request's feed is about: the site settings and its subject (kind, tag)."""

    site: SiteSettings
    subject: object = None
    artwork_url: str = ""
    request: object = None


class WritingFeed(Feed):
    """All published writing, newest first, at /index.xml as on the Hugo site."""

    feed_type = FullContentRss

    def get_object(self, request, **kwargs):
        return Channel(fragments.site_settings(request), self.get_subject(**kwargs), "", request)

    def get_subject(self):
        return None

    def select(self, posts, subject):
        """Narrow the published posts to this feed's subject."""
        return posts

    def title(self, channel):
        return channel.site.display_name

    def link(self, channel):
        return reverse("home")

    def description(self, channel):
        return channel.site.tagline

    def items(self, channel):
        posts = self.select(Writing.objects.published(), channel.subject)
        posts = posts.newest().with_specific().for_listing()[:FEED_LENGTH]
        items = [post.specific for post in posts]
        # Item methods only see the item, and this Feed instance serves every
        # request, so the author travels on the items rather than on ``self``.
        for item in items:
            item.feed_author = channel.site.author_name
            item.feed_absolute = channel.request.build_absolute_uri
        return items

    def item_title(self, post):
        return post.title

    def item_description(self, post):
        # Readers render <description> as HTML: the plain-text teaser goes in escaped, so
        # that "<svg onload=…>" in a description arrives as text, never as markup.
        return escape(post.teaser)

    def item_author_name(self, post):
        if post.byline:
            return f"{post.feed_author} and {post.byline}"
        return post.feed_author

    def item_pubdate(self, post):
        return post.publish_at

    def item_updateddate(self, post):
        # A post written ahead and scheduled was last saved before it went live.
        return max(post.updated, post.publish_at)

    def item_categories(self, post):
        return [tag.name for tag in post.tags.all()]

    def item_extra_kwargs(self, post):
        return {"content": full_html(post)}


class SectionFeed(WritingFeed):
    """One type of writing: /essays/index.xml and the like."""

    def get_subject(self, section):
        return Writing.Kind(SECTIONS[section])

    def select(self, posts, kind):
        return posts.of_kind(kind)

    def title(self, channel):
        return f"{Writing.section_heading(channel.subject)} | {channel.site.display_name}"

    def link(self, channel):
        return reverse("essays:section", kwargs={"section": SECTION_BY_KIND[channel.subject]})


class TagFeed(WritingFeed):
    """The posts carrying one tag. A tag no published post carries is a 404."""

    def get_subject(self, tag):
        return get_object_or_404(Tag.objects.in_use(), slug=tag)

    def select(self, posts, tag):
        return posts.filter(tags=tag)

    def title(self, channel):
        return f"Posts tagged “{channel.subject.name}” | {channel.site.display_name}"

    def link(self, channel):
        return channel.subject.get_absolute_url()


class PodcastFeed(WritingFeed):
    """The posts with an audio version, as a podcast."""

    feed_type = PodcastRss

    def select(self, posts, subject):
        return posts.podcast_episodes()

    def title(self, channel):
        return channel.site.podcast_title or f"{channel.site.display_name}: audio"

    def link(self, channel):
        return reverse("podcast")

    def description(self, channel):
        return channel.site.podcast_description or channel.site.tagline

    def get_object(self, request, **kwargs):
        channel = super().get_object(request, **kwargs)
        artwork = channel.site.podcast_artwork
        channel.artwork_url = request.build_absolute_uri(artwork.url) if artwork else ""
        return channel

    def feed_extra_kwargs(self, channel):
        return {
            "itunes_image": channel.artwork_url,
            "itunes_email": channel.site.podcast_owner_email,
            "itunes_author": channel.site.author_name,
            "itunes_category": channel.site.podcast_category,
            "itunes_explicit": "true" if channel.site.podcast_explicit else "false",
            "podcast_guid": podcast.show_guid(channel.site),
            "podcast_locked": "yes" if channel.site.podcast_locked else "no",
        }

    def item_enclosures(self, post):
        url = safe_url(post.audio_url)
        if not url:
            return []
        guessed, _encoding = mimetypes.guess_type(urlsplit(url).path)
        mime_type = guessed if guessed and guessed.startswith("audio/") else DEFAULT_AUDIO_TYPE
        # RSS requires a length; 0 is the accepted "unknown".
        return [Enclosure(url, str(post.audio_bytes or 0), mime_type)]

    def item_extra_kwargs(self, post):
        # Apple's preferred form of the duration: whole seconds.
        duration = None if post.audio_seconds is None else str(post.audio_seconds)
        chapters = podcast.chapters(post)
        return {
            **super().item_extra_kwargs(post),
            "itunes_duration": duration,
            "season": post.podcast_season,
            "episode": post.podcast_episode,
            "transcript_url": post.feed_absolute(podcast.transcript_url(post)),
            "chapters_url": chapters and post.feed_absolute(podcast.chapters_url(post)),
        }
