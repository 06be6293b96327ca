"""The page cache's bookkeeping: one generation for every cached page, and when it ends.

Each cached page is stored under the current *generation*, a random token kept in the
``pages`` cache with the next instant at which something published goes live or expires.
Saving or deleting anything readers can see (``settings.PAGE_CACHE_MODELS``) drops that
record once the transaction commits: the next request draws a new generation, and every
page cached before is out of reach, on every worker and every server sharing the cache.
The record, each page and each ``s-maxage`` end by that next instant, so a scheduled
post appears on time with nothing run then.

The cache is a convenience, never a dependency: when its backend fails (Redis down), pages
are rendered as if there were no cache, and this process leaves the cache alone for
``RETRY_SECONDS``, with one warning each time.
"""

import hashlib
import logging
import math
import secrets
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Min, Q
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.http import HttpResponse
from django.utils import timezone

from .publishing import Publishable, Status

ALIAS = "pages"
STATE_KEY = "page-cache:generation"
RETRY_SECONDS = 10

logger = logging.getLogger(__name__)


class Unavailable(Exception):
    """The cache backend failed, now or a moment ago: serve without it."""


class _Outage:
    """When the backend last failed, in this process."""

    until = 0.0


@contextmanager
def _backend():
    """The pages cache, unless it failed in the last RETRY_SECONDS; a failure inside the
    block becomes Unavailable, logged once."""
    if time.monotonic() < _Outage.until:
        raise Unavailable
    try:
        yield caches[ALIAS]
    except Exception as error:
        _Outage.until = time.monotonic() + RETRY_SECONDS
        logger.warning(
            "The page cache failed (%r): pages are served uncached for %s s.",
            error,
            RETRY_SECONDS,
        )
        raise Unavailable from error


@dataclass(frozen=True)
class Generation:
    token: str
    # The next go-live or expiry (Unix time), or None when nothing is scheduled.
    ends: float | None

    def seconds_left(self, cap):
        """Whole seconds, at most ``cap``, that anything cached now may live."""
        if self.ends is None:
            return cap
        return max(0, min(cap, math.floor(self.ends - time.time())))


def current_generation():
    """The generation pages are cached under now, drawn anew when there is none (a change
    dropped it, or its scheduled end came). Raises Unavailable."""
    with _backend() as cache:
        stored = cache.get(STATE_KEY)
        if stored is not None:
            generation = Generation(*stored)
            if generation.ends is None or generation.ends > time.time():
                return generation
        generation = Generation(secrets.token_hex(8), next_change())
        timeout = generation.seconds_left(settings.PAGE_CACHE_SECONDS)
        # Another worker may have drawn one a moment ago: take it, so both share pages.
        if timeout and not cache.add(STATE_KEY, (generation.token, generation.ends), timeout):
            stored = cache.get(STATE_KEY)
            generation = Generation(*stored) if stored else generation
        return generation


def next_change():
    """When something published next goes live or expires (Unix time), or None: one
    query per table of publishable things."""
    now = timezone.now()
    moments = []
    for model in _publishable_tables():
        found = model._base_manager.filter(status=Status.PUBLISHED).aggregate(
            publish=Min("publish_at", filter=Q(publish_at__gt=now)),
            expire=Min("expire_at", filter=Q(expire_at__gt=now)),
        )
        moments += [moment for moment in found.values() if moment is not None]
    return min(moments).timestamp() if moments else None


def _publishable_tables():
    """The models that hold publish times in their own table (not the types of writing,
    whose times are their base row's, nor proxies)."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, Publishable)
        and not model._meta.proxy
        and model._meta.get_field("publish_at").model is model
    ]


def page_key(generation, request):
    """The key of the page a request asks for: GET and HEAD share it; scheme, host, path
    and query string tell pages apart."""
    address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"page:{generation.token}:{address}"


def fetch(key):
    """The cached response under ``key``, or None. Raises Unavailable."""
    with _backend() as cache:
        stored = cache.get(key)
    if stored is None:
        return None
    status, headers, content = stored
    return HttpResponse(content, status=status, headers=headers)


def store(key, response, timeout):
    """Keep the response for ``timeout`` seconds. Raises Unavailable."""
    with _backend() as cache:
        cache.set(key, (response.status_code, list(response.items()), response.content), timeout)


def invalidate(using=DEFAULT_DB_ALIAS):
    """Make every cached page stale once the transaction commits (at once outside one).

    Not before the commit: a request in between would cache what the database still
    shows, the old content, under the new generation.
    """
    transaction.on_commit(_drop_generation, using=using)


def _drop_generation():
    # Tried even during an outage: a record that survives it would serve stale pages.
    try:
        caches[ALIAS].delete(STATE_KEY)
    except Exception:
        logger.exception(
            "The page cache could not be invalidated: pages cached before this change may "
            "be served until they expire (PAGE_CACHE_SECONDS)."
        )


def _changed(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    invalidate(using)


def _links_changed(sender, action, using, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        invalidate(using)


def connect():
    """Invalidate on every save and deletion of the models of ``PAGE_CACHE_MODELS``, their
    subclasses and proxies (the types of writing), and on changes of their many-to-many
    links (a post's tags); and after ``migrate`` (a data migration sends no model signal).

    Each sender is named: a receiver for every model would stop Django from deleting any
    model's rows in bulk. ``QuerySet.update()``, ``bulk_create()`` and raw SQL send no
    signal: code that writes what readers see that way calls ``invalidate()`` itself.
    """
    watched = tuple(apps.get_model(label) for label in settings.PAGE_CACHE_MODELS)
    for model in apps.get_models():
        if not issubclass(model, watched):
            continue
        label = model._meta.label
        post_save.connect(_changed, sender=model, dispatch_uid=f"page-cache:saved:{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"page-cache:deleted:{label}")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                _links_changed, sender=through, dispatch_uid=f"page-cache:links:{through}"
            )
    post_migrate.connect(_changed, dispatch_uid="page-cache:migrated")
