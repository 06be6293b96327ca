"""Finding go-lives (the worker's clock calls ``sweep``) and running their hooks."""

import logging
import traceback

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from core.tasks import retrying_task
from essays.models import Writing

from .hooks import Event, hooks
from .models import GoLive, Tracking

logger = logging.getLogger(__name__)
BATCH = 100


def due():
    """Posts public now, gone live since tracking began, with no go-live recorded for
    their current publish time."""
    recorded = GoLive.objects.filter(writing=OuterRef("pk"), publish_at=OuterRef("publish_at"))
    return (
        Writing.objects.published()
        .filter(publish_at__gt=Tracking.start())
        .exclude(Exists(recorded))
        .order_by("publish_at", "pk")
    )


def sweep():
    """Record each due go-live once and enqueue its hooks; returns the records made.
    Safe to run from any number of workers at once: the unique constraint decides."""
    made = []
    for writing in due()[:BATCH]:
        try:
            with transaction.atomic():
                record = GoLive.objects.create(writing=writing, publish_at=writing.publish_at)
                # In the same transaction: a record never exists without its task.
                deliver.enqueue(record.pk)
        except IntegrityError:  # another worker recorded it first
            continue
        made.append(record)
    if made:
        logger.info("Go-live: %d post(s) went live", len(made))
    return made


@retrying_task
def deliver(golive_id):
    """Run the hooks of one go-live that have not run yet; raises if any failed (the
    task is then tried again, with the failed ones only)."""
    record = GoLive.objects.select_related("writing").get(pk=golive_id)
    if record.state == GoLive.State.DONE:
        return []
    event = Event.of(record.writing.specific, record.publish_at)
    errors = []
    for name, hook in hooks():
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
