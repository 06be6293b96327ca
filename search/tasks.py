"""Re-indexing after bulk edits and imports, off the request path.

One post's save, or its tags, writes its entry at once (one upsert): search finds it
on the next request. A batch (an import, a bulk edit, a tag renamed on many posts) may touch
thousands: when a worker runs the task queue, its re-indexing is a task enqueued once
the batch commits, tried again if it fails (core/tasks.py). With the immediate backend
(the tests, ``TASKS_BACKEND=immediate``), or on another database than the default, it is
done at once, as before.
"""

from django.db import DEFAULT_DB_ALIAS, transaction
from django.tasks import default_task_backend

from core.tasks import retrying_task


@retrying_task
def index_writings(writing_ids):
    """Write the entries of these posts from the posts as they are now."""
    from .index import index_posts
    from .signals import posts_with_tags

    return index_posts(posts_with_tags(writing_ids, DEFAULT_DB_ALIAS))


@retrying_task
def refresh_writing_tags(writing_ids):
    """Re-read these posts' tag names into their entries."""
    from .index import refresh_tags

    refresh_tags(writing_ids)
    return len(writing_ids)


def later(task, writing_ids, using):
    """Enqueue ``task`` for these posts once the transaction commits; False when it
    must be done now instead: one post (cheap, and its author expects to find it), no
    worker, or not the default database."""
    if len(writing_ids) < 2 or using != DEFAULT_DB_ALIAS:
        return False
    if not default_task_backend.supports_defer:
        return False
    ids = sorted(writing_ids)
    transaction.on_commit(lambda: task.enqueue(ids), using=using)
    return True
