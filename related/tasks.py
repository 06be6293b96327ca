"""The refresh task, and how saves ask for it.

Saves and tag changes call ``schedule()``; the task runs once the transaction
commits (at once outside one), so that a worker would see what was saved. Everything
scheduled in one transaction (an admin save: the post, then its tags) is refreshed by
one task. On the database backend (``manage.py worker``) the save returns without
waiting for it, and a refresh that fails is tried again (core/tasks.py); with the
immediate backend (the tests) it runs in the saving process.
"""

import threading

from django.db import DEFAULT_DB_ALIAS, transaction

from core.tasks import retrying_task

_pending = threading.local()


@retrying_task
def refresh_related(writing_ids):
    """Bring these posts' suggestions, and the lists they touch, up to date."""
    # Imported here, not above: the store loads the engine's libraries (seconds), and
    # every process imports this module at start-up (through the signals).
    from . import store

    return store.refresh(writing_ids)


def schedule(writing_ids, using=DEFAULT_DB_ALIAS):
    ids = _pending.__dict__.setdefault("ids", set())
    ids.update(writing_ids)
    # One callback per call; the first to run takes every pending id. Ids left by a
    # rolled-back transaction ride along with the next commit: a harmless refresh.
    transaction.on_commit(_enqueue, using=using)


def _enqueue():
    ids = _pending.__dict__.pop("ids", set())
    if ids:
        refresh_related.enqueue(sorted(ids))
