"""What runs when a post goes live: the hooks named in ``GOLIVE_HOOKS``, in order.

Each hook is a callable taking an ``Event`` (plain data: nothing to query). A hook
that raises is tried again later with the ones that failed (golive/tasks.py); one that
returned is never run again for that go-live. ``register()`` adds a hook from code.
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
_registered = {}


@dataclass(frozen=True)
class Event:
    id: int
    kind: str
    title: str
    url: str
    published_at: str
    feeds: tuple

    @classmethod
    def of(cls, writing, publish_at):
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
            published_at=publish_at.isoformat(),
            feeds=tuple(site + feed for feed in feeds),
        )


def register(hook, name=None):
    """Run ``hook`` at every go-live, after those of ``GOLIVE_HOOKS``."""
    _registered[name or f"{hook.__module__}.{hook.__qualname__}"] = hook
    return hook


def hooks():
    """(name, callable) for every hook, in the order they run."""
    found = [(path, import_string(path)) for path in settings.GOLIVE_HOOKS]
    return found + list(_registered.items())


def _post(url, data, content_type, headers=None):
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": content_type, **(headers or {})}
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
        return response.status


def websub_ping(event):
    """Tell the WebSub hub (``WEBSUB_HUB_URL``) that the feeds changed; none set: skip."""
    if not settings.WEBSUB_HUB_URL:
        return
    data = urllib.parse.urlencode(
        [("hub.mode", "publish"), *(("hub.url", feed) for feed in event.feeds)]
    ).encode()
    _post(settings.WEBSUB_HUB_URL, data, "application/x-www-form-urlencoded")


def webhook(event):
    """POST the post's id, type, title, URL and publish time as JSON to each of
    ``GOLIVE_WEBHOOK_URLS``."""
    body = json.dumps({"event": "post.published", **asdict(event)}).encode()
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
        "event": "post.published",
        **asdict(event),
        "summary": post.description,
        "content_html": html,
    }
    body = json.dumps(payload).encode()
    signature = sign(body, settings.NEWSLETTER_WEBHOOK_SECRET)
    headers = {"X-Newsletter-Signature": signature, "X-Newsletter-Post-Id": str(event.id)}
    _post(settings.NEWSLETTER_WEBHOOK_URL, body, "application/json", headers)
