"""Work left to the worker (besides renditions, tests/test_image_tasks.py): search
re-indexing after a batch of saves (an import, a bulk edit), and tasks that a dead worker
left running, put back in the queue."""

from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.tasks import requeue_stale
from essays.models import Essay
from essays.signals import batched_changes
from search.models import SearchEntry

from .factories import EssayFactory
from .test_tasks_queue import DATABASE_TASKS, run_worker_here

pytestmark = pytest.mark.django_db


@override_settings(TASKS=DATABASE_TASKS)
def test_a_batch_of_saves_is_reindexed_by_the_worker(django_capture_on_commit_callbacks):
    posts = [EssayFactory(title=f"Plain {n}") for n in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        with batched_changes():
            for post in posts:
                Essay.objects.filter(pk=post.pk).update(title=f"Sourdough {post.pk}")
                Essay.objects.get(pk=post.pk).save()
    # The batch returned without touching the index: a task waits for the worker.
    [queued] = DBTaskResult.objects.filter(task_path="search.tasks.index_writings")
    assert queued.args_kwargs["args"] == [sorted(post.pk for post in posts)]
    assert not SearchEntry.objects.filter(title__startswith="Sourdough").exists()
    run_worker_here()
    assert SearchEntry.objects.filter(title__startswith="Sourdough").count() == 3


@override_settings(TASKS=DATABASE_TASKS)
def test_one_save_is_indexed_at_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        EssayFactory(title="Sourdough alone")
    assert SearchEntry.objects.filter(title="Sourdough alone").exists()
    assert not DBTaskResult.objects.filter(task_path__startswith="search.").exists()


# One override for both: the settings fixture, changed inside this one, would restore
# the database backend at teardown.
@override_settings(TASKS=DATABASE_TASKS, TASK_RUNNING_TIMEOUT=600)
def test_a_task_left_running_by_a_dead_worker_is_queued_again():
    from search.tasks import refresh_writing_tags

    result = refresh_writing_tags.enqueue([])
    row = DBTaskResult.objects.get(pk=result.id)
    row.status, row.started_at, row.worker_ids = "RUNNING", timezone.now(), ["dead"]
    row.save()
    assert requeue_stale() == 0  # still within its time
    with time_machine.travel(timezone.now() + timedelta(seconds=601)):
        assert requeue_stale() == 1
        row.refresh_from_db()
        assert row.status == "READY"
        run_worker_here()
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"
