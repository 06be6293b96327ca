"""``manage.py worker``: runs the task queue (django-tasks-db's ``db_worker``) and, in a
thread beside it, the go-live clock: at start (catching up on whatever went live while
no worker ran) and every ``GOLIVE_INTERVAL`` seconds, it records new go-lives and posts
that went away, and enqueues their hooks (golive/tasks.py). The same thread puts back in
the queue, at start and every minute, tasks that a dead worker left running
(``core.tasks.requeue_stale``).
Run one or several, on any machines that share the database."""

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections
from django_tasks_db.management.commands import db_worker

from core.tasks import requeue_stale
from golive.tasks import sweep

logger = logging.getLogger("golive")
REQUEUE_EVERY = 60  # seconds


def clock(interval, stop):
    requeued_at = None
    while True:
        try:
            if requeued_at is None or time.monotonic() - requeued_at >= REQUEUE_EVERY:
                requeued_at = time.monotonic()
                requeue_stale()
            if interval > 0:
                sweep()
        except Exception:  # the database away for a moment: try at the next tick
            logger.exception("Go-live sweep failed")
        finally:
            close_old_connections()
        if stop.wait(interval if interval > 0 else REQUEUE_EVERY):
            return


class Command(db_worker.Command):
    help = "Run the background task worker and the go-live clock."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # The reloader's parent would outlive `make run`'s kill of its child: off by default.
        parser.set_defaults(reload=False)
        parser.add_argument(
            "--golive-interval",
            type=float,
            default=None,
            help="Seconds between go-live checks (default: GOLIVE_INTERVAL); 0 turns them off.",
        )

    def handle(self, *args, golive_interval=None, **options):
        interval = settings.GOLIVE_INTERVAL if golive_interval is None else golive_interval
        if not options.get("batch"):
            stop = threading.Event()
            threading.Thread(target=clock, args=(interval, stop), daemon=True).start()
        else:
            requeue_stale()
            sweep()
        return super().handle(*args, **options)
