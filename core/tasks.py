"""Tasks that are tried again when they fail.

Django's tasks framework runs a task once. ``retrying_task`` makes a task that, when it
raises, enqueues itself again after a growing delay (``TASK_RETRY_SECONDS``, doubled
each time) until ``TASK_MAX_ATTEMPTS`` tries have failed. Each failed try stays in the
queue's table as a failed result, with its traceback (*Tasks Database Backend* in the admin).
A backend that cannot defer a task (the immediate one) gets no retry: it runs in the
process that asked, which should not sleep.

A worker that dies mid-task (killed, its machine gone) leaves the task RUNNING for ever.
``requeue_stale`` puts back in the queue every task RUNNING for longer than
``TASK_RUNNING_TIMEOUT`` seconds (30 minutes; no task of the site takes near that long);
``manage.py worker`` calls it at start and every minute. The task then runs again from
its start: every task here can be run twice (go-live hooks record those done).
"""

import functools
import logging
from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone

logger = logging.getLogger(__name__)


def retry_delay(attempt):
    """Seconds to wait after failed try number ``attempt`` (1, 2...)."""
    return settings.TASK_RETRY_SECONDS * 2 ** (attempt - 1)


def retrying_task(function=None, **options):
    """``@task``, tried again on failure. The task takes an extra keyword, ``attempt``."""

    def decorate(func):
        @functools.wraps(func)
        def run(*args, attempt=1, **kwargs):
            try:
                return func(*args, **kwargs)
            except Exception:
                _retry(the_task, args, kwargs, attempt)
                raise

        the_task = task(**options)(run)
        return the_task

    return decorate(function) if function else decorate


def requeue_stale(seconds=None):
    """Put tasks left RUNNING longer than ``seconds`` back in the queue; how many."""
    from django_tasks_db.models import DBTaskResult

    seconds = settings.TASK_RUNNING_TIMEOUT if seconds is None else seconds
    cutoff = timezone.now() - timedelta(seconds=seconds)
    stale = DBTaskResult.objects.filter(status="RUNNING", started_at__lt=cutoff)
    count = stale.update(status="READY", started_at=None, run_after=timezone.now())
    if count:
        logger.warning("Requeued %d task(s) left running for over %d s", count, seconds)
    return count


def _retry(the_task, args, kwargs, attempt):
    if attempt >= settings.TASK_MAX_ATTEMPTS or not the_task.get_backend().supports_defer:
        logger.error("Task %s failed for good after %d tries", the_task.name, attempt)
        return
    delay = retry_delay(attempt)
    later = the_task.using(run_after=timezone.now() + timedelta(seconds=delay))
    later.enqueue(*args, attempt=attempt + 1, **kwargs)
    logger.warning("Task %s failed (try %d); trying again in %d s", the_task.name, attempt, delay)
