"""Background work on the database queue (django-tasks-db): a save enqueues and returns,
a worker runs the task, a failed task is tried again with backoff a bounded number of
times and shows in the admin. The last test runs a real ``manage.py worker``."""

import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.tasks import task_backends
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from related import store
from related.models import IndexEntry
from related.tasks import refresh_related

from .factories import EssayFactory
from .test_deploy import ROOT, production_env

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
BREAD = "Sourdough bread needs a starter, flour, water and salt; the starter ferments the dough."


def run_worker_here():
    """What `manage.py worker --batch` does: run every task that is due, then return.

    In the test's own transaction: the worker's ``close_old_connections()`` between tasks
    (a connection per task, in production) would close the connection the test holds.
    """
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        _worker()


def _worker():
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_TASKS)
def test_a_save_enqueues_its_refresh_and_returns_without_running_it(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        post = EssayFactory(slug="bread", body=BREAD, status="published")
    [queued] = DBTaskResult.objects.all()
    assert (queued.task_path, queued.status) == ("related.tasks.refresh_related", "READY")
    # With the ids earlier tests' rolled-back transactions left (related/tasks.py).
    assert post.pk in queued.args_kwargs["args"][0]
    assert not IndexEntry.objects.filter(pk=post.pk).exists()  # nothing ran yet

    run_worker_here()
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    assert IndexEntry.objects.filter(pk=post.pk).exists()


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_TASKS, TASK_MAX_ATTEMPTS=3, TASK_RETRY_SECONDS=30)
def test_a_failed_task_is_retried_with_backoff_then_given_up(monkeypatch, admin_client):
    def broken(ids):
        raise ConnectionError("the engine is away")

    monkeypatch.setattr(store, "refresh", broken)
    refresh_related.enqueue([1])
    run_worker_here()
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs == {"args": [[1]], "kwargs": {"attempt": 2}}
    wait = (retry.run_after - timezone.now()).total_seconds()
    assert 25 < wait <= 30

    run_worker_here()  # not due yet: nothing runs
    assert DBTaskResult.objects.filter(status="FAILED").count() == 1
    with time_machine.travel(retry.run_after + timedelta(seconds=1)):
        run_worker_here()
        third = DBTaskResult.objects.get(status="READY")
        assert third.args_kwargs["kwargs"] == {"attempt": 3}
        assert 55 < (third.run_after - timezone.now()).total_seconds() <= 60  # doubled
    with time_machine.travel(third.run_after + timedelta(seconds=1)):
        run_worker_here()
    assert DBTaskResult.objects.filter(status="FAILED").count() == 3
    assert not DBTaskResult.objects.filter(status="READY").exists()  # given up

    page = admin_client.get("/admin/django_tasks_database/dbtaskresult/?status=FAILED")
    assert page.status_code == 200
    assert page.content.count(b"refresh_related") >= 3
    failed = DBTaskResult.objects.filter(status="FAILED").first()
    detail = admin_client.get(f"/admin/django_tasks_database/dbtaskresult/{failed.pk}/change/")
    assert b"the engine is away" in detail.content


@pytest.mark.django_db
def test_the_immediate_backend_runs_at_once_and_does_not_retry(monkeypatch):
    assert type(task_backends["default"]).__name__ == "ImmediateBackend"
    calls = []

    def broken(ids):
        calls.append(ids)
        raise ConnectionError("away")

    monkeypatch.setattr(store, "refresh", broken)
    result = refresh_related.enqueue([1])
    assert result.status == "FAILED"
    assert calls == [[1]]


# A real worker process, on a copy of the session's production site.


class WorkerSite:
    root = ROOT

    def __init__(self, production_site, folder):
        self.source, self.folder = production_site.folder, folder
        self.db = folder / "db.sqlite3"
        with sqlite3.connect(self.source / "db.sqlite3") as old, sqlite3.connect(self.db) as new:
            old.backup(new)

    def env(self, **extra):
        return production_env(
            self.folder,
            DATABASE_URL=f"sqlite:///{self.db}",
            STATIC_ROOT=str(self.source / "static"),
            **extra,
        )

    def start_worker(self, env):
        log = (self.folder / f"worker-{time.monotonic_ns()}.log").open("w")
        command = [sys.executable, "manage.py", "worker", "--no-startup-delay", "--interval", "0.2"]
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        process.log = log
        return process

    def stop_worker(self, process):
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.log.close()
        return f"exit {process.returncode}\n" + open(process.log.name).read()

    def query(self, sql, *params):
        with sqlite3.connect(self.db, timeout=20) as db:
            return db.execute(sql, params).fetchall()


@pytest.fixture
def worker_site(production_site, tmp_path):
    assert all(step["ok"] for step in production_site.steps_run().values())
    site = WorkerSite(production_site, tmp_path)
    yield site
    shutil.rmtree(tmp_path, ignore_errors=True)


SAVE = """
import json, time
import django
django.setup()
from django.db import transaction
from essays.models import Essay
start = time.perf_counter()
with transaction.atomic():
    post = Essay.objects.create(title="Queued", slug="queued", status="published", body="BODY")
print(json.dumps([post.pk, time.perf_counter() - start]))
""".replace("BODY", BREAD)


@pytest.mark.gunicorn
def test_a_real_worker_runs_what_a_save_enqueued(worker_site):
    import json

    env = worker_site.env()
    saved = subprocess.run(
        [sys.executable, "-c", SAVE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert saved.returncode == 0, saved.stderr
    pk, seconds = json.loads(saved.stdout.strip().splitlines()[-1])
    find = "SELECT id, status FROM django_tasks_database_dbtaskresult WHERE args_kwargs LIKE ?"
    [(task_id, status)] = worker_site.query(find, f"%[[{pk}]]%")
    assert status == "READY"
    assert not worker_site.query("SELECT 1 FROM related_indexentry WHERE writing_id = ?", pk)

    worker = worker_site.start_worker(env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            [(status,)] = worker_site.query(
                "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = ?", task_id
            )
            if status != "READY" and status != "RUNNING":
                break
            time.sleep(0.2)
    finally:
        log = worker_site.stop_worker(worker)
    assert status == "SUCCESSFUL", log
    assert worker_site.query("SELECT 1 FROM related_indexentry WHERE writing_id = ?", pk)
    assert log.startswith("exit 0"), log
    print(f"save with its enqueue: {seconds * 1000:.1f} ms")
