"""``manage.py worker``: runs the task queue (django-tasks-db's ``db_worker``) and, in a
thread beside it, the go-live clock: at start (catching up on whatever went live while
no worker ran) and every ``GOLIVE_INTERVAL`` seconds, it records new go-lives and
enqueues their hooks (golive/tasks.py). Run one or several, on any machines that share
the database."""

import logging
import threading

from django.conf import settings
from django.db import close_old_connections
from django_tasks_db.management.commands import db_worker

from golive.tasks import sweep

logger = logging.getLogger("golive")


def clock(interval, stop):
    while True:
        try:
            sweep()
        except Exception:  # the database away for a moment: try at the next tick
            logger.exception("Go-live sweep failed")
        finally:
            close_old_connections()
        if stop.wait(interval):
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
        if interval > 0 and not options.get("batch"):
            stop = threading.Event()
            threading.Thread(target=clock, args=(interval, stop), daemon=True).start()
        elif options.get("batch"):
            sweep()
        return super().handle(*args, **options)
