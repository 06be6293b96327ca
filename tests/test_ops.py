"""Running the site on several servers: sessions on Redis, the deploy checks for
``INSTANCES`` > 1 (core/checks.py), and the request log (core/logs.py)."""

import io
import json
import logging
import os
import socket
import subprocess
import sys
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import path

from core.logs import JsonFormatter
from core.request_id import RequestIdFilter

ROOT = Path(__file__).resolve().parent.parent
REDIS = "redis://127.0.0.1:6379/0"
REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"
LOCMEM = "django.core.cache.backends.locmem.LocMemCache"
CACHED_DB = "django.contrib.sessions.backends.cached_db"
SESSIONS = "core.sessions"  # cached_db, which lets the database answer while Redis is away

# The settings modules as each environment makes them, all in one interpreter: each case
# imports them afresh under its own environment (no Django setup: only the settings).
PROBE = """
import importlib, json, os, sys

results = []
for module, env in json.loads(sys.argv[1]):
    saved = dict(os.environ)
    os.environ.update(env)
    for name in [name for name in sys.modules if name.startswith("site_cms.settings")]:
        del sys.modules[name]
    try:
        s = importlib.import_module(module)
    except Exception as error:
        results.append({"error": f"{type(error).__name__}: {error}"})
    else:
        results.append({
            "SESSION_ENGINE": getattr(s, "SESSION_ENGINE", None),
            "SESSION_CACHE_ALIAS": getattr(s, "SESSION_CACHE_ALIAS", None),
            "CACHES": s.CACHES,
            "STORAGES": s.STORAGES,
            "TASKS": s.TASKS,
            "DATABASES": {"default": {"ENGINE": s.DATABASES["default"]["ENGINE"]}},
            "INSTANCES": s.INSTANCES,
            "PROXY_COUNT": s.PROXY_COUNT,
            "formatter": s.LOGGING["handlers"]["console"]["formatter"],
        })
    os.environ.clear()
    os.environ.update(saved)
print(json.dumps(results, default=str))
"""
PRODUCTION = "site_cms.settings.production"
SHARED = {
    "REDIS_URL": REDIS,
    "AWS_STORAGE_BUCKET_NAME": "site-media",
    "DATABASE_URL": "postgres://site:pw@db.internal:5432/site_cms",
    "INSTANCES": "3",
    "AXES_PROXY_COUNT": "1",
}


def settings_under(*cases):
    """The settings each (module, environment) makes, or the error it raises."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST"))
        and key not in {"REDIS_URL", "LOG_FORMAT", "INSTANCES", "DATABASE_URL", "TASKS_BACKEND"}
        and not key.startswith("AWS_")
    }
    env["SECRET_KEY"] = "x" * 50
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(cases)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def made():
    """Production with Redis and the rest shared; production and dev with nothing set; and
    two mistakes."""
    return settings_under(
        (PRODUCTION, SHARED),
        (PRODUCTION, {}),
        ("site_cms.settings.dev", {}),
        (PRODUCTION, {"LOG_FORMAT": "plain"}),
        (PRODUCTION, {"INSTANCES": "0"}),
        (PRODUCTION, {"LOG_FORMAT": "xml"}),
    )


def test_sessions_are_cached_db_on_redis_only_when_there_is_redis(made):
    shared, alone, dev = made[:3]
    assert shared["SESSION_ENGINE"] == SESSIONS
    sessions = shared["CACHES"][shared["SESSION_CACHE_ALIAS"]]
    assert (sessions["BACKEND"], sessions["LOCATION"]) == (REDIS_CACHE, REDIS)
    # Without Redis: Django's default, database sessions.
    assert alone["SESSION_ENGINE"] is None and dev["SESSION_ENGINE"] is None
    assert "sessions" not in alone["CACHES"]


def test_log_format_is_json_in_production_and_plain_text_in_dev(made):
    shared, alone, dev, plain = made[:4]
    assert (shared["formatter"], alone["formatter"], dev["formatter"]) == ("json", "json", "plain")
    assert plain["formatter"] == "plain"


def test_instances_defaults_to_one_and_mistakes_are_refused(made):
    assert made[0]["INSTANCES"] == 3 and made[1]["INSTANCES"] == 1
    assert "INSTANCES must be a number, 1 or more" in made[4]["error"]
    assert "LOG_FORMAT must be plain or json" in made[5]["error"]


# -- Sessions on Redis -------------------------------------------------------------------


def _redis_or_skip():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    import redis

    return redis.Redis.from_url(REDIS)


def _session_queries(queries):
    return [query["sql"] for query in queries if "django_session" in query["sql"]]


@pytest.mark.django_db
def test_a_session_made_on_one_server_is_read_from_redis_on_another(django_user_model):
    store = _redis_or_skip()
    prefix = f"site_cms-test-{uuid.uuid4().hex}"
    caches = {
        **settings.CACHES,
        "sessions": {"BACKEND": REDIS_CACHE, "LOCATION": REDIS, "KEY_PREFIX": prefix},
    }
    user = django_user_model.objects.create_superuser("editor", "e@example.com", "pw")
    try:
        with override_settings(
            CACHES=caches, SESSION_ENGINE=SESSIONS, SESSION_CACHE_ALIAS="sessions"
        ):
            one = Client()
            one.force_login(user)
            key = one.cookies[settings.SESSION_COOKIE_NAME].value
            [stored] = store.keys(f"{prefix}:*")
            assert stored.decode().endswith(key)

            # Another server, the same cookie: signed in, and the session came from Redis.
            other = Client()
            other.cookies[settings.SESSION_COOKIE_NAME] = key
            with CaptureQueriesContext(connection) as queries:
                assert other.get("/admin/").status_code == 200
            assert _session_queries(queries.captured_queries) == []

            # Redis restarted, empty: still signed in, from the database, and cached again.
            store.delete(stored)
            with CaptureQueriesContext(connection) as queries:
                assert other.get("/admin/").status_code == 200
            assert len(_session_queries(queries.captured_queries)) == 1
            assert store.keys(f"{prefix}:*") == [stored]
    finally:
        for leftover in store.scan_iter(f"{prefix}:*"):
            store.delete(leftover)


@pytest.mark.django_db
def test_while_redis_is_away_sessions_come_from_the_database(django_user_model):
    away = {
        **settings.CACHES,
        "sessions": {
            "BACKEND": REDIS_CACHE,
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens: refused at once
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
    django_user_model.objects.create_superuser("editor", "e@example.com", "pw")
    with override_settings(CACHES=away, SESSION_ENGINE=SESSIONS, SESSION_CACHE_ALIAS="sessions"):
        editor = Client()
        signed_in = editor.post("/admin/login/", {"username": "editor", "password": "pw"})
        assert signed_in.status_code == 302
        assert editor.get("/admin/").status_code == 200


# -- The deploy checks for several servers ----------------------------------------------

OURS = {f"site_cms.W10{n}" for n in range(1, 8)}
SQLITE = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "x"}}
POSTGRES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "x"}}


def warned(**overrides):
    """Our warnings' ids under these settings (the database named is never opened)."""
    overrides.setdefault("DATABASES", SQLITE)
    with pytest.warns(UserWarning, match="DATABASES"), override_settings(**overrides):
        found = run_checks(include_deployment_checks=True, tags=["site_cms"])
        return {message.id for message in found} & OURS


def test_one_server_gets_no_warning_whatever_it_keeps_to_itself():
    # The test profile: media in memory, caches in memory, tasks in the process, SQLite.
    assert warned(INSTANCES=1) == set()


def test_several_servers_are_warned_of_each_thing_one_keeps_to_itself():
    assert warned(INSTANCES=2) == OURS - {"site_cms.W104"}  # database sessions are shared
    disk = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    assert "site_cms.W101" in warned(INSTANCES=2, STORAGES={**settings.STORAGES, **disk})
    for backend in ("filebased.FileBasedCache", "dummy.DummyCache"):
        caches = {"default": {"BACKEND": f"django.core.cache.backends.{backend}", "LOCATION": "/x"}}
        assert "site_cms.W102" in warned(INSTANCES=2, CACHES={**settings.CACHES, **caches})


@pytest.mark.parametrize(
    ("engine", "alias", "warns"),
    [
        ("django.contrib.sessions.backends.file", "default", True),
        ("django.contrib.sessions.backends.cache", "default", True),
        (CACHED_DB, "default", True),
        (CACHED_DB, "sessions", False),
        (SESSIONS, "default", True),
        (SESSIONS, "sessions", False),
        ("django.contrib.sessions.backends.db", "default", False),
        ("django.contrib.sessions.backends.signed_cookies", "default", False),
    ],
)
def test_sessions_kept_in_one_process_or_machine_are_warned_of(engine, alias, warns):
    caches = {**settings.CACHES, "sessions": {"BACKEND": REDIS_CACHE, "LOCATION": REDIS}}
    ids = warned(INSTANCES=2, SESSION_ENGINE=engine, SESSION_CACHE_ALIAS=alias, CACHES=caches)
    assert ("site_cms.W104" in ids) is warns


def test_the_settings_the_readme_gives_for_several_servers_pass(made):
    shared = made[0]
    assert shared["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    keys = ("CACHES", "STORAGES", "TASKS", "DATABASES", "SESSION_ENGINE", "SESSION_CACHE_ALIAS")
    keys += ("PROXY_COUNT",)
    assert warned(INSTANCES=shared["INSTANCES"], **{key: shared[key] for key in keys}) == set()


def test_each_warning_says_what_to_set():
    with pytest.warns(UserWarning), override_settings(INSTANCES=2, DATABASES=SQLITE):
        found = run_checks(include_deployment_checks=True, tags=["site_cms"])
        messages = [message for message in found if message.id in OURS]
    hints = {message.id: message.hint for message in messages}
    assert "AWS_STORAGE_BUCKET_NAME" in hints["site_cms.W101"]
    assert "REDIS_URL" in hints["site_cms.W102"] and "REDIS_URL" in hints["site_cms.W103"]
    assert "TASKS_BACKEND" in hints["site_cms.W105"]
    assert "DATABASE_URL" in hints["site_cms.W106"]
    assert "AXES_PROXY_COUNT" in hints["site_cms.W107"]
    assert all("INSTANCES is 2" in message.msg for message in messages)


# -- The request log ---------------------------------------------------------------------


def boom(request):
    logging.getLogger("website.views").warning("about to fail")
    raise RuntimeError("the view failed")


urlpatterns = [path("boom/", boom)]
handler500 = "core.outage.server_error"


@pytest.fixture
def log_lines():
    """What the production handler would write (JSON, with request ids), line by line."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    requests = logging.getLogger("site_cms.requests")
    root = logging.getLogger()
    level = requests.level
    requests.setLevel(logging.INFO)
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        requests.setLevel(level)


def _requests(lines):
    return [line for line in lines if line["logger"] == "site_cms.requests"]


@pytest.mark.django_db
def test_each_request_is_one_json_line_with_its_id_and_no_query_string(client, log_lines):
    response = client.get("/healthz?token=s3cret", headers={"X-Request-ID": "lb-0001abcd"})
    [line] = _requests(log_lines())
    assert line == {
        "time": line["time"],
        "level": "INFO",
        "logger": "site_cms.requests",
        "message": f"GET /healthz 200 {line['duration_ms']}ms",
        "method": "GET",
        "path": "/healthz",
        "status": 200,
        "duration_ms": line["duration_ms"],
        "request_id": response["X-Request-ID"],
        "remote_ip": "127.0.0.1",
        "user_id": None,
        "bytes": len(response.content),
    }
    assert response["X-Request-ID"] == "lb-0001abcd"
    assert 0 < line["duration_ms"] < 10_000
    assert datetime.fromisoformat(line["time"]).tzinfo is not None
    assert "s3cret" not in json.dumps(log_lines())


@pytest.mark.django_db
def test_a_404_and_a_500_are_logged_with_their_status_and_the_error_with_its_id(client, log_lines):
    client.raise_request_exception = False
    missing = client.get("/no-such-post/")
    with override_settings(ROOT_URLCONF="tests.test_ops"):
        failed = client.get("/boom/?token=s3cret")
    assert (missing.status_code, failed.status_code) == (404, 500)
    lines = log_lines()
    assert [(line["path"], line["status"]) for line in _requests(lines)] == [
        ("/no-such-post/", 404),
        ("/boom/", 500),
    ]
    failed_id = failed["X-Request-ID"]
    assert _requests(lines)[0]["request_id"] == missing["X-Request-ID"] != failed_id
    # The app's own records and Django's error for that request carry its id too.
    [warning] = [line for line in lines if line["message"] == "about to fail"]
    [error] = [line for line in lines if line["level"] == "ERROR"]
    assert warning["request_id"] == error["request_id"] == failed_id
    assert error["logger"] == "django.request"
    assert "RuntimeError: the view failed" in error["exc"]
    assert "s3cret" not in json.dumps(lines)


@pytest.mark.django_db
def test_the_user_and_a_trusted_proxys_client_address_are_logged(staff_client, log_lines):
    staff_client.get("/admin/", headers={"X-Forwarded-For": "198.51.100.7"})
    with override_settings(PROXY_COUNT=1):
        Client().get("/healthz", headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.9"})
    staff, reader = _requests(log_lines())
    assert staff["user_id"] is not None and staff["remote_ip"] == "127.0.0.1"
    assert (reader["user_id"], reader["remote_ip"]) == (None, "203.0.113.9")


@pytest.mark.django_db
def test_a_path_cannot_forge_a_plain_log_line(client):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    requests = logging.getLogger("site_cms.requests")
    level = requests.level
    requests.addHandler(handler)
    requests.setLevel(logging.INFO)
    try:
        client.get("/x%0A2026-12-02 ERROR forged/")
    finally:
        requests.removeHandler(handler)
        requests.setLevel(level)
    assert stream.getvalue().count("\n") == 1
    assert "/x\\x0a2026-12-02 ERROR forged/ 404" in stream.getvalue()


SPLIT = """
import logging, logging.config
from site_cms.settings.base import logging_config

logging.config.dictConfig(logging_config("json"))
logging.getLogger("site_cms.requests").info("GET / 200 1.0ms", extra={"path": "/"})
logging.getLogger("golive.tasks").warning("a hook failed")
"""


def test_request_lines_go_to_stdout_and_the_rest_to_stderr():
    """A platform reads request logs from stdout; a command's stdout stays its data."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "site_cms.settings.base", "SECRET_KEY": "x"}
    result = subprocess.run(
        [sys.executable, "-c", SPLIT], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    [request] = [json.loads(line) for line in result.stdout.splitlines()]
    [other] = [json.loads(line) for line in result.stderr.splitlines()]
    assert (request["logger"], request["path"], request["request_id"]) == (
        "site_cms.requests",
        "/",
        None,
    )
    assert (other["logger"], other["level"]) == ("golive.tasks", "WARNING")
