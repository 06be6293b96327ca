"""Finding go-lives and posts that went away (the worker's clock calls ``sweep``) and
running their hooks."""

import logging
import traceback
from dataclasses import replace
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

from core.tasks import retrying_task
from essays.models import Writing

from .hooks import GONE, Event, hooks, purge_urls
from .models import GoLive, Tracking

logger = logging.getLogger(__name__)
BATCH = 100
Kind = GoLive.Kind


def due():
    """Posts public now, gone live since tracking began, whose newest record is not a
    "live" one for their current publish time: they went live. Each carries ``last_seq``,
    the place of that newest record (None without one)."""
    newest = GoLive.objects.filter(writing=OuterRef("pk")).order_by("-seq")
    return (
        Writing.objects.published()
        .filter(publish_at__gt=Tracking.start())
        .annotate(
            last_seq=Subquery(newest.values("seq")[:1]),
            last_kind=Subquery(newest.values("kind")[:1]),
            last_at=Subquery(newest.values("publish_at")[:1]),
        )
        .filter(Q(last_seq__isnull=True) | Q(last_kind=Kind.GONE) | ~Q(last_at=F("publish_at")))
        .order_by("publish_at", "pk")
    )


def gone():
    """The "live" records that are their post's newest while the post is not public now
    (expired, made a draft again, or its publish time moved ahead): each post went away.
    A post never recorded live is not among them."""
    later = GoLive.objects.filter(writing=OuterRef("writing"), seq__gt=OuterRef("seq"))
    return (
        GoLive.objects.filter(kind=Kind.LIVE)
        .exclude(Exists(later))
        .exclude(writing__in=Writing.objects.published().values("pk"))
        .select_related("writing")
        .order_by("publish_at", "pk")
    )


def went_away_at(writing, live_at):
    """Its expiry time if that is why the post is not public (so a late worker still
    dates it right), else now: the moment the worker saw it unpublished."""
    now = timezone.now()  # after the query that found it, so never before its expiry
    if writing.expire_at is not None and live_at < writing.expire_at <= now:
        return writing.expire_at
    return now


def _record(**fields):
    """Make one record and enqueue its hooks, or None if another worker made the record
    at that place first."""
    try:
        with transaction.atomic():
            record = GoLive.objects.create(**fields)
            # In the same transaction: a record never exists without its task.
            deliver.enqueue(record.pk)
    except IntegrityError:
        return None
    return record


def sweep():
    """Record each due go-live and each post that went away once, and enqueue their
    hooks; returns the records made. Safe to run from any number of workers at once:
    the unique place in each post's history decides."""
    made = []
    for writing in due()[:BATCH]:
        seq = (writing.last_seq or 0) + 1
        made.append(
            _record(writing=writing, kind=Kind.LIVE, publish_at=writing.publish_at, seq=seq)
        )
    for live in gone()[:BATCH]:
        at = went_away_at(live.writing, live.publish_at)
        made.append(_record(writing=live.writing, kind=Kind.GONE, publish_at=at, seq=live.seq + 1))
    made = [record for record in made if record is not None]
    if made:
        logger.info("Go-live: %d post(s) went live or away", len(made))
    return made


def deleted_event(writing):
    """For a post about to be deleted: the event of its going away if its newest record
    is "live" (it is public, or went away a moment ago, unseen yet), else None. Made while
    the post is still there to ask: its title, URL, and the pages to purge."""
    newest = GoLive.objects.filter(writing_id=writing.pk).order_by("-seq").first()
    if newest is None or newest.kind != Kind.LIVE:
        return None
    event = Event.of(writing.specific, newest.publish_at, GONE, timezone.now())
    return replace(event, deleted=True, purge=tuple(purge_urls(event)))


def record_deleted(event):
    """The one record a deleted live post leaves: its going away, told from ``event``."""
    at = datetime.fromisoformat(event.unpublished_at)
    return _record(writing=None, kind=Kind.GONE, publish_at=at, seq=1, event=event.snapshot())


@retrying_task
def deliver(golive_id):
    """Run the hooks of one record that have not run yet, those that handle its kind
    (``hooks.handles``); raises if any failed (the task is then tried again, with the
    failed ones only)."""
    record = GoLive.objects.select_related("writing").get(pk=golive_id)
    if record.state == GoLive.State.DONE:
        return []
    event = Event.for_record(record)
    errors = []
    for name, hook in hooks(record.kind):
        if name in record.hooks_done:
            continue
        try:
            hook(event)
        except Exception as error:
            logger.warning("Go-live hook %s failed for %s: %s", name, event.url, error)
            errors.append(f"{name}: {''.join(traceback.format_exception_only(error)).strip()}")
        else:
            record.hooks_done.append(name)
    record.attempts += 1
    record.last_error = "\n".join(errors)
    if not errors:
        record.state, record.done_at = GoLive.State.DONE, timezone.now()
    elif record.attempts >= settings.TASK_MAX_ATTEMPTS:
        record.state = GoLive.State.FAILED
    record.save(update_fields=["hooks_done", "attempts", "last_error", "state", "done_at"])
    if errors:
        raise RuntimeError(f"{len(errors)} go-live hook(s) failed: {record.last_error}")
    return record.hooks_done
