"""The page cache end to end: a real gunicorn with two workers and production settings,
once with the default file cache and once with the local Redis.

Each site is a copy of the session's production site (tests/test_deploy.py: its
migrated, seeded database and its collected static files) with its own cache. Changes
come from a helper process, through the ORM as a shell would make them: a post scheduled
a few seconds ahead, then a new title.
"""

import json
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from .test_deploy import DEADLINE, HTTPS, ROOT, _free_port, _get, production_env

REDIS = "redis://127.0.0.1:6379/0"
# The helper: loads the related engine (seconds) first, so that the clock starts after.
HELPER = """
import json, sys
from datetime import timedelta

import django
django.setup()
from django.utils import timezone
from essays.models import Essay
import related.store

print("ready", flush=True)
for line in sys.stdin:
    command, *args = line.split(maxsplit=1)
    if command == "schedule":
        post = Essay.objects.create(
            title="Scheduled words", slug="scheduled-words", body="Soon.", status="published",
            publish_at=timezone.now() + timedelta(seconds=float(args[0])),
        )
        print(json.dumps([post.get_absolute_url(), post.publish_at.timestamp()]), flush=True)
    elif command == "retitle":
        post = Essay.objects.get(slug="scheduled-words")
        post.title = args[0].strip()
        post.save()
        print(json.dumps("saved"), flush=True)
"""
# Enough requests that both workers answer some.
ROUNDS = 8

pytestmark = pytest.mark.gunicorn


def _redis_is_up():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


class CachedSite:
    """gunicorn (two workers) and the helper, on a copy of the production site."""

    def __init__(self, production_site, folder, **env):
        source = production_site.folder
        with sqlite3.connect(source / "db.sqlite3") as old, sqlite3.connect(folder / "db") as new:
            old.backup(new)
        self.env = production_env(
            folder,
            DATABASE_URL=f"sqlite:///{folder / 'db'}",
            STATIC_ROOT=str(source / "static"),
            **env,
        )
        self.log = folder / "gunicorn.log"
        self.url = f"http://127.0.0.1:{_free_port()}"
        self.server = self.helper = None

    def start(self):
        with self.log.open("w") as log:
            self.server = subprocess.Popen(
                [
                    *[sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
                    *["--bind", self.url.removeprefix("http://"), "--workers", "2"],
                    "--no-control-socket",
                    # Each request's worker, to show that both answered.
                    *["--access-logfile", "-", "--access-logformat", "worker=%(p)s %(r)s"],
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.helper = subprocess.Popen(
            [sys.executable, "-c", HELPER],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.helper.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + DEADLINE
        while not self._answers():
            assert self.server.poll() is None, self.log.read_text()
            assert time.monotonic() < deadline, self.log.read_text()
            time.sleep(0.1)

    def _answers(self):
        try:
            return self.get("/").status == 200
        except OSError:
            return False

    def get(self, path):
        return _get(self.url + path, **HTTPS)

    def ask(self, command):
        """Have the helper make a change; its answer, once saved."""
        self.helper.stdin.write(command + "\n")
        self.helper.stdin.flush()
        return json.loads(self.helper.stdout.readline())

    def workers_that_answered(self):
        return set(re.findall(r"^worker=(<\d+>)", self.log.read_text(), re.MULTILINE))

    def stop(self):
        if self.helper is not None:
            self.helper.stdin.close()
            self.helper.wait(timeout=10)
        if self.server is not None and self.server.poll() is None:
            self.server.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
            self.server.wait(timeout=10)


@pytest.fixture(params=["files", "redis"])
def site(request, production_site, tmp_path):
    production_site.steps_run()
    env = {"PAGE_CACHE_DIR": str(tmp_path / "page-cache")}
    prefix = f"site-cms-test-{uuid.uuid4().hex}"
    if request.param == "redis":
        if not _redis_is_up():
            pytest.skip("no Redis on 127.0.0.1:6379")
        env.update(REDIS_URL=REDIS, CACHE_KEY_PREFIX=prefix)
    served = CachedSite(production_site, Path(tmp_path), **env)
    try:
        served.start()
        yield served
    finally:
        served.stop()
        if request.param == "redis":
            import redis

            client = redis.Redis.from_url(REDIS)
            for key in client.scan_iter(f"{prefix}:*"):
                client.delete(key)


def _rounds(site, path):
    return [site.get(path) for _ in range(ROUNDS)]


def _before(site, path, live_at):
    """The answers to ``path`` asked for (and answered) before ``live_at``: on a busy
    machine the rounds may run past it."""
    pages = []
    for _ in range(ROUNDS):
        page = site.get(path)
        if time.time() < live_at - 0.05:
            pages.append(page)
    return pages


def test_a_scheduled_post_goes_live_on_time_and_a_save_reaches_every_worker(site):
    url, live_at = site.ask("schedule 6")
    home = _before(site, "/", live_at)
    post = _before(site, url, live_at)
    assert home and post, "the machine was too slow to ask before the go-live"
    assert all("Scheduled words" not in page.text for page in home)
    assert {page.status for page in post} == {404}
    assert "hit" in {page.headers["X-Cache"] for page in home}
    assert all(int(page.headers["Cache-Control"].rpartition("=")[2]) <= 6 for page in home)

    while time.time() < live_at + 1:
        page = site.get(url)
        if page.status == 200:
            break
        assert time.time() < live_at + 1, "the post did not go live within a second"
        time.sleep(0.05)
    assert time.time() >= live_at
    assert all(page.status == 200 for page in _rounds(site, url))
    assert all("Scheduled words" in page.text for page in _rounds(site, "/"))

    assert "hit" in {page.headers["X-Cache"] for page in _rounds(site, url)}
    assert site.ask("retitle Words retitled") == "saved"
    for page in _rounds(site, url) + _rounds(site, "/"):
        assert "Words retitled" in page.text and "Scheduled words" not in page.text
    assert len(site.workers_that_answered()) == 2


@pytest.fixture
def own_redis(tmp_path):
    """A Redis server of the test's own, on a free port: killed by the test, never the
    shared one."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    port = _free_port()
    server = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
    try:
        yield server, f"redis://127.0.0.1:{port}/0"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_killing_redis_while_serving_leaves_every_page_at_200(production_site, own_redis, tmp_path):
    production_site.steps_run()
    redis_server, url = own_redis
    served = CachedSite(production_site, Path(tmp_path), REDIS_URL=url)
    pages = ["/", "/blog/", "/writing/", "/index.xml", "/sitemap.xml", "/books/", "/about/"]
    try:
        served.start()
        for path in pages * 2:
            assert served.get(path).status == 200, path
        assert served.get("/").headers["X-Cache"] == "hit"
        redis_server.kill()
        redis_server.wait()
        for path in pages * 3:  # both workers, with the cache gone
            response = served.get(path)
            assert response.status == 200, path
            assert "X-Cache" not in response.headers
    finally:
        served.stop()
