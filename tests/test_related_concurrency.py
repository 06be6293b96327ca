"""Busy editors: several processes saving posts at once never lose a related-list refresh
(no deadlock, no duplicate rank), and the lists end as a rebuild from scratch makes them.

Each process is a real interpreter with its own connection, on a database of the test's
own (a SQLite file, or a PostgreSQL database created and dropped here), as gunicorn's
workers would be.
"""

import json
import os
import socket
import subprocess
import sys
import uuid

import pytest

from .test_deploy import ROOT

PROCESSES = 4
POSTS_EACH = 4
ROUNDS = 2

SETUP = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from essays.models import Essay, Tag
tags = [Tag.objects.create(name=f"topic {{n}}") for n in range(6)]
for n in range({total}):
    post = Essay.objects.create(
        title=f"Post {{n}}", slug=f"post-{{n}}", status="published",
        body=" ".join(["words about tools and craft"] * (n % 5 + 3) + [f"unique{{n}}"]),
    )
    post.tags.set(tags[n % 3 : n % 3 + 3])
print("ready")
"""

# Saves its posts ROUNDS times, each in its own transaction (the refresh runs on commit,
# in this process, as on a worker with the immediate task backend), and counts the
# refreshes that failed.
SAVER = """
import logging, sys
import django
django.setup()
from django.db import transaction
from essays.models import Essay, Tag

failed = []
class Failures(logging.Handler):
    def emit(self, record):
        if "FAILED" in record.getMessage() or record.exc_info:
            failed.append(record.getMessage())
logging.getLogger("django.tasks").addHandler(Failures())
import related.store  # the engine loads before the start line, not inside the race

first, count, rounds = map(int, sys.argv[1:4])
tags = list(Tag.objects.order_by("pk"))
print("ready", flush=True)
sys.stdin.readline()  # all start together
for round in range(rounds):
    for n in range(first, first + count):
        with transaction.atomic():
            post = Essay.objects.get(slug=f"post-{n}")
            post.body += f" more{round}"
            post.save()
            post.tags.set(tags[(n + round) % 4 : (n + round) % 4 + 2])
print(len(failed), flush=True)
"""

LISTS = """
import json
import django
django.setup()
from related import store
from related.models import RelatedLink

def lists():
    found = {}
    for source, target, rank in RelatedLink.objects.values_list("source", "target", "rank"):
        found.setdefault(source, {})[rank] = target
    return {str(k): [v[r] for r in sorted(v)] for k, v in found.items()}

before = lists()
store.rebuild()
print(json.dumps([before, lists()]))
"""


def _run(env, script, *args, **kwargs):
    return subprocess.run(
        [sys.executable, "-c", script, *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        **kwargs,
    )


def _postgres_is_up():
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'db.sqlite3'}"
        return
    if not _postgres_is_up():
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    name = f"site_cms_busy_{uuid.uuid4().hex[:12]}"
    admin = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc"]
    subprocess.run([*admin, f"CREATE DATABASE {name}"], check=True, capture_output=True)
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        drop = f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        subprocess.run([*admin, drop], check=True, capture_output=True)


@pytest.mark.gunicorn
def test_concurrent_saves_lose_no_refresh(database_url):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DJANGO_SETTINGS_MODULE="site_cms.settings.dev",
        DATABASE_URL=database_url,
        # The refresh runs in the saving process, as this race needs (no worker here).
        TASKS_BACKEND="immediate",
    )
    _run(
        env,
        "import django; django.setup(); from django.core.management import "
        "call_command; call_command('migrate', verbosity=0)",
    )
    _run(env, SETUP.format(total=PROCESSES * POSTS_EACH))
    savers = [
        subprocess.Popen(
            [sys.executable, "-c", SAVER, str(n * POSTS_EACH), str(POSTS_EACH), str(ROUNDS)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(PROCESSES)
    ]
    for saver in savers:
        assert saver.stdout.readline().strip() == "ready", saver.stderr.read()
    for saver in savers:
        saver.stdin.write("go\n")
        saver.stdin.flush()
    failures = []
    for saver in savers:
        out, err = saver.communicate(timeout=120)
        assert saver.returncode == 0, err
        failures.append(int(out.strip().splitlines()[-1]))
    refreshes = PROCESSES * POSTS_EACH * ROUNDS
    assert failures == [0] * PROCESSES, f"{sum(failures)} of {refreshes} refreshes failed"
    stored, rebuilt = json.loads(_run(env, LISTS).stdout.strip().splitlines()[-1])
    assert len(stored) == PROCESSES * POSTS_EACH
    assert stored == rebuilt
