"""What runs when a post goes live or goes away: the hooks named in ``GOLIVE_HOOKS``, in
order, then those added by ``register()``.

Each hook is a callable taking an ``Event`` (plain data: nothing to query). A hook
that raises is tried again later with the ones that failed (golive/tasks.py); one that
returned is never run again for that event. A hook runs at go-lives only, unless it says
otherwise in its ``on`` attribute, the event kinds it handles: ``@on(LIVE, GONE)`` (or
``hook.on = {"live", "gone"}``) makes it run when a post goes away too (expired, made a
draft again, or its publish time moved ahead). The WebSub ping, the webhook and the CDN
purge handle both; the newsletter and Webmentions, go-lives only.
"""

import hashlib
import hmac
import json
import logging
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string

from essays.models import Writing

from .models import GoLive

logger = logging.getLogger(__name__)

TIMEOUT = 10  # seconds; a hook that hangs longer fails and is tried again
LIVE, GONE = GoLive.Kind.LIVE.value, GoLive.Kind.GONE.value
_registered = {}


def on(*kinds):
    """Mark a hook as handling these event kinds (``LIVE``, ``GONE``)."""

    def mark(hook):
        hook.on = frozenset(kinds)
        return hook

    return mark


def handles(hook, kind):
    """Whether ``hook`` runs for events of this kind: go-lives only unless it says."""
    return kind in getattr(hook, "on", (LIVE,))


@dataclass(frozen=True)
class Event:
    id: int
    kind: str
    title: str
    url: str
    published_at: str
    feeds: tuple
    action: str = LIVE  # LIVE: the post went live; GONE: it went away
    unpublished_at: str | None = None  # when it went away (GONE only)
    deleted: bool = False  # GONE because the post was deleted
    # The pages to purge, fixed when the post was deleted (purge_urls can no longer ask).
    purge: tuple = ()

    @property
    def name(self):
        """``post.published`` or ``post.unpublished``."""
        return "post.unpublished" if self.action == GONE else "post.published"

    def payload(self):
        """The event as the webhooks' JSON: its name, then its fields."""
        data = {"event": self.name, **asdict(self)}
        del data["action"]  # "event" says it
        del data["purge"]
        if self.action != GONE:
            del data["unpublished_at"], data["deleted"]
        return data

    def snapshot(self):
        """The event as JSON data, for a record whose post is being deleted."""
        return asdict(self)

    @classmethod
    def of(cls, writing, publish_at, action=LIVE, unpublished_at=None):
        site = settings.SITE_URL
        feeds = [reverse("feeds:all")]
        try:
            feeds.append(reverse("feeds:section", kwargs={"section": writing.section}))
        except NoReverseMatch:
            pass
        return cls(
            id=writing.pk,
            kind=writing.kind,
            title=str(writing),
            url=site + writing.get_absolute_url(),
            published_at=publish_at.isoformat() if publish_at else None,
            feeds=tuple(site + feed for feed in feeds),
            action=action,
            unpublished_at=unpublished_at.isoformat() if unpublished_at else None,
        )

    @classmethod
    def for_record(cls, record):
        """The event of a ``GoLive`` record; a "gone" one carries the publish time of the
        go-live it ends."""
        if record.event is not None:  # its post was deleted
            event = record.event
            return cls(**{**event, "feeds": tuple(event["feeds"]), "purge": tuple(event["purge"])})
        writing = record.writing.specific
        if record.kind != GONE:
            return cls.of(writing, record.publish_at)
        went_live = record.went_live()
        published_at = went_live.publish_at if went_live else writing.publish_at
        return cls.of(writing, published_at, GONE, record.publish_at)


def register(hook, name=None):
    """Run ``hook`` at every go-live (and, per its ``on``, when a post goes away), after
    those of ``GOLIVE_HOOKS``."""
    _registered[name or f"{hook.__module__}.{hook.__qualname__}"] = hook
    return hook


def hooks(kind=None):
    """(name, callable) for every hook, or every hook handling events of ``kind``, in
    the order they run."""
    found = [(path, import_string(path)) for path in settings.GOLIVE_HOOKS]
    found += _registered.items()
    return [(name, hook) for name, hook in found if kind is None or handles(hook, kind)]


def _post(url, data, content_type, headers=None):
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": content_type, **(headers or {})}
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
        return response.status


@on(LIVE, GONE)
def websub_ping(event):
    """Tell the WebSub hub (``WEBSUB_HUB_URL``) that the feeds changed; none set: skip."""
    if not settings.WEBSUB_HUB_URL:
        return
    data = urllib.parse.urlencode(
        [("hub.mode", "publish"), *(("hub.url", feed) for feed in event.feeds)]
    ).encode()
    _post(settings.WEBSUB_HUB_URL, data, "application/x-www-form-urlencoded")


@on(LIVE, GONE)
def webhook(event):
    """POST the event (``post.published`` or ``post.unpublished``) and the post's id,
    type, title, URL and publish time (and, gone, ``unpublished_at``) as JSON to each of
    ``GOLIVE_WEBHOOK_URLS``."""
    body = json.dumps(event.payload()).encode()
    for url in settings.GOLIVE_WEBHOOK_URLS:
        _post(url, body, "application/json")


def sign(body, secret):
    """The value of ``X-Newsletter-Signature``: HMAC-SHA256 of the body, in hex."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _newsletter_sent_before(event):
    records = GoLive.objects.filter(writing_id=event.id).values_list("hooks_done", flat=True)
    return any("golive.hooks.newsletter" in done for done in records)


def newsletter(event):
    """POST the post (title, URL, summary, HTML) to ``NEWSLETTER_WEBHOOK_URL``, signed;
    each post once: a post published again at a new time is not sent again."""
    if not settings.NEWSLETTER_WEBHOOK_URL or _newsletter_sent_before(event):
        return
    post = Writing.objects.filter(pk=event.id).first()
    if post is None:
        return
    post = post.specific
    html = "\n".join(getattr(post, field) for _source, field in post.markdown_fields())
    payload = {
        **event.payload(),
        "summary": post.description,
        "content_html": html,
    }
    body = json.dumps(payload).encode()
    signature = sign(body, settings.NEWSLETTER_WEBHOOK_SECRET)
    headers = {"X-Newsletter-Signature": signature, "X-Newsletter-Post-Id": str(event.id)}
    _post(settings.NEWSLETTER_WEBHOOK_URL, body, "application/json", headers)


def purge_urls(event):
    """The public URLs whose pages change when this post comes or goes: the post and its
    Markdown twin, the home page and the lists (the writing hub, the blog, its section,
    its tags, the podcast if it has audio), their feeds, the sitemap. (Pages past the
    first of each list, and the sidebars of other pages, are left to the CDN's own
    expiry.) For a deleted post, those fixed as it was deleted."""
    if event.purge:
        return list(event.purge)
    names = ["home", "writing", "essays:blog", "essays:tags", "sitemap"]
    names += ["feeds:all", "feeds:all-json"]
    pages = [(name, {}) for name in names]
    post = Writing.objects.filter(pk=event.id).prefetch_related("tags").first()
    if post is not None:
        section = {"section": post.section}
        pages += [("markdown-twin", {"slug": post.slug}), ("essays:section", section)]
        pages += [("feeds:section", section), ("feeds:section-json", section)]
        for tag in post.tags.all():
            for name in ("essays:tag", "feeds:tag", "feeds:tag-json"):
                pages.append((name, {"tag": tag.slug}))
        if post.audio_url:
            pages += [("podcast", {}), ("feeds:podcast", {}), ("feeds:podcast-json", {})]
    urls = [event.url]
    for name, kwargs in pages:
        try:
            url = settings.SITE_URL + reverse(name, kwargs=kwargs)
        except NoReverseMatch:  # e.g. a tag slug the URL pattern refuses
            continue
        if url not in urls:
            urls.append(url)
    return urls


@on(LIVE, GONE)
def cdn_purge(event):
    """POST ``{"urls": [...]}`` (``purge_urls``) as JSON to ``CDN_PURGE_URL``, with
    ``Authorization: Bearer <CDN_PURGE_TOKEN>`` if a token is set; no URL set: skip."""
    if not settings.CDN_PURGE_URL:
        return
    body = json.dumps({"urls": purge_urls(event)}).encode()
    headers = {}
    if settings.CDN_PURGE_TOKEN:
        headers["Authorization"] = f"Bearer {settings.CDN_PURGE_TOKEN}"
    _post(settings.CDN_PURGE_URL, body, "application/json", headers)
