"""``/healthz`` (core/health.py) and request ids (core/request_id.py)."""

import logging
from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.request_id import RequestIdFilter
from golive.models import GoLive

from .factories import EssayFactory
from .test_tasks_queue import DATABASE_TASKS

pytestmark = pytest.mark.django_db


def test_healthy_is_200_with_every_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "storage", "tasks", "golive"}
    assert all(check["ok"] for check in body["checks"].values())


def test_a_database_down_is_503_naming_no_secret(client):
    with mock.patch(
        "core.health.connection.cursor",
        side_effect=OperationalError('could not connect to "db.internal" as user "site"'),
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["checks"]["database"] == {
        "ok": False,
        "error": "OperationalError",
        "ms": body["checks"]["database"]["ms"],
    }
    assert body["checks"]["tasks"] == {"ok": False, "error": "database"}
    assert "db.internal" not in response.content.decode()
    assert body["checks"]["cache"]["ok"]


@override_settings(TASKS=DATABASE_TASKS, HEALTHZ_MAX_TASK_LAG=60)
def test_a_queue_no_worker_keeps_up_with_fails_but_not_the_servers_own_scope(client):
    from search.tasks import refresh_writing_tags

    result = refresh_writing_tags.enqueue([])
    DBTaskResult.objects.filter(pk=result.id).update(
        enqueued_at=timezone.now() - timedelta(minutes=5)
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    tasks = response.json()["checks"]["tasks"]
    assert (tasks["ok"], tasks["due"]) == (False, 1)
    assert 299 <= tasks["lag_seconds"] <= 310
    assert client.get("/healthz?scope=server").status_code == 200


def test_an_overdue_go_live_fails_a_failed_one_is_counted(client):
    post = EssayFactory(status="published")
    GoLive.objects.create(
        writing=post, publish_at=timezone.now() - timedelta(minutes=5), state="failed"
    )
    golive = client.get("/healthz").json()["checks"]["golive"]
    assert (golive["ok"], golive["failed"], golive["overdue"]) == (True, 1, 0)
    GoLive.objects.create(writing=post, publish_at=timezone.now() - timedelta(minutes=2))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["golive"]["overdue"] == 1


def test_every_answer_has_a_request_id_and_a_sane_one_is_kept(client):
    made = client.get("/healthz")["X-Request-ID"]
    assert len(made) == 32
    assert client.get("/", headers={"X-Request-ID": "lb-1234abcd"})["X-Request-ID"] == (
        "lb-1234abcd"
    )
    forged = client.get("/", headers={"X-Request-ID": "x\n2026 ERROR forged"})
    assert forged["X-Request-ID"] != "x\n2026 ERROR forged"


def test_log_lines_made_during_a_request_carry_its_id(client):
    seen = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(record.request_id)

    handler = Keep()
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("core.health")
    logger.addHandler(handler)
    try:
        with mock.patch.dict(
            "core.health.CHECKS", {"storage": lambda: logger.warning("slow") or {}}
        ):
            client.get("/healthz", headers={"X-Request-ID": "trace-0001"})
        logger.warning("outside")
    finally:
        logger.removeHandler(handler)
    assert seen == ["trace-0001", "-"]
