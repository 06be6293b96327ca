"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1) beside each RSS feed.

Each JSON feed is its RSS twin read another way: the same ``Feed`` object picks the
subject, the items (``Writing.objects.published()`` narrowed by the subject, newest
first) and their titles, summaries, dates and HTML, so the two cannot list different
posts, and a JSON feed costs the queries its RSS twin costs.
"""

from django.conf import settings
from django.http import JsonResponse
from django.urls import reverse

from . import feeds

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
CONTENT_TYPE = "application/feed+json"


class JsonFeed:
    """A view: ``JsonFeed(feeds.TagFeed(), "feeds:tag-json")``."""

    def __init__(self, rss, url_name):
        self.rss = rss
        self.url_name = url_name

    def __call__(self, request, **kwargs):
        rss, channel = self.rss, self.rss.get_object(request, **kwargs)
        absolute = request.build_absolute_uri
        site = channel.site
        data = {
            "version": JSON_FEED_VERSION,
            "title": rss.title(channel),
            "home_page_url": absolute(rss.link(channel)),
            "feed_url": absolute(reverse(self.url_name, kwargs=kwargs)),
            "description": rss.description(channel),
            "language": settings.LANGUAGE_CODE,
            "authors": [{"name": site.author_name, "url": absolute(reverse("home"))}],
        }
        if isinstance(rss, feeds.PodcastFeed) and channel.artwork_url:
            data["icon"] = channel.artwork_url
        data["items"] = [self.item(post, absolute) for post in rss.items(channel)]
        response = JsonResponse(
            _without_empty(data), json_dumps_params={"ensure_ascii": False, "indent": 1}
        )
        response["Content-Type"] = f"{CONTENT_TYPE}; charset=utf-8"
        return response

    def item(self, post, absolute):
        rss = self.rss
        url = absolute(post.get_absolute_url())
        item = {
            "id": url,
            "url": url,
            "title": rss.item_title(post),
            "content_html": rss.item_extra_kwargs(post)["content"],
            "summary": post.teaser,
            "date_published": post.publish_at.isoformat(),
            "date_modified": rss.item_updateddate(post).isoformat(),
            "authors": [{"name": rss.item_author_name(post)}],
            "tags": rss.item_categories(post),
        }
        if post.card_image:
            item["image"] = absolute(post.card_image.url)
        if isinstance(rss, feeds.PodcastFeed):
            item["attachments"] = [
                _without_empty(
                    {
                        "url": enclosure.url,
                        "mime_type": enclosure.mime_type,
                        "size_in_bytes": post.audio_bytes,
                        "duration_in_seconds": post.audio_seconds,
                    }
                )
                for enclosure in rss.item_enclosures(post)
            ]
        return _without_empty(item)


def _without_empty(data):
    return {key: value for key, value in data.items() if value not in (None, "", [])}
