"""A Webmention round trip between two separate instances of the site, for real.

Each instance is a gunicorn (production settings) and a ``manage.py worker``, on its own
port, with its own SQLite database (a copy of the session's migrated production site,
tests/test_deploy.py), page cache and SITE_URL, and private-network fetches allowed
(both are on 127.0.0.1). Instance B has a public post and an editor; on instance A a
post that links to it is scheduled three seconds ahead. It proves, by HTTP against the
running instances:

- B's post names its endpoint; A's post goes live at its time;
- A's worker, at that go-live, finds B's endpoint on B's page and sends the mention;
- B's worker verifies it by fetching A's post, and it waits in B's admin, unseen;
- B's editor, signed in through the admin's login form, approves it;
- B's post then shows it (its page cache made stale), the source's title escaped.

Data is made with ``manage.py shell -c``, as an operator would.
"""

import re
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from .test_deploy import DEADLINE, _free_port, _get, production_env
from .test_topology import PASSWORD, Staff, Topology

pytestmark = pytest.mark.gunicorn

AHEAD = 3  # seconds between scheduling A's post and its publish_at
# The flow, from A's post being scheduled to the mention shown on B: far less in practice.
FLOW_SECONDS = 40
TITLE = 'Re: <b>Receiving</b> words & "more"'

RECEIVING = """
from datetime import timedelta
from django.contrib.auth.models import Group, User
from django.utils import timezone
from essays.models import Essay
from golive.models import Tracking

now = timezone.now()
# Go-lives are tracked from now: only what this test publishes has side effects.
Tracking.objects.update_or_create(pk=1, defaults=dict(started_at=now))
Essay.objects.create(title="Receiving words", slug="receiving-words", body="Words.",
    status="published", publish_at=now - timedelta(days=1))
editor = User.objects.create_user("admin", password={password!r}, is_staff=True)
editor.groups.add(Group.objects.get(name="Editor"))
"""
SENDING_TRACKING = """
from django.utils import timezone
from golive.models import Tracking

Tracking.objects.update_or_create(pk=1, defaults=dict(started_at=timezone.now()))
"""
SENDING = """
from datetime import timedelta
from django.utils import timezone
from essays.models import Essay

post = Essay.objects.create(title={title!r}, slug="sending-words", status="published",
    description="I <i>agree</i>.", body="I [reply]({target}) to it.",
    publish_at=timezone.now() + timedelta(seconds={ahead}))
print("publish_at", post.publish_at.timestamp())
"""


class Instance(Topology):
    """One site: its folder, database, environment, gunicorn and worker."""

    def __init__(self, name, folder, production_site):
        folder.mkdir()
        source = production_site.folder
        with (
            sqlite3.connect(source / "db.sqlite3") as old,
            sqlite3.connect(folder / "db.sqlite3") as new,
        ):
            old.backup(new)
        self.name, self.url = name, f"http://127.0.0.1:{_free_port()}"
        env = production_env(
            folder,
            STATIC_ROOT=str(source / "static"),
            SITE_URL=self.url,
            # Plain HTTP on 127.0.0.1: no proxy in front, and fetches between the two.
            SECURE_SSL_REDIRECT="false",
            WEBMENTION_ALLOW_PRIVATE_HOSTS="true",
            GOLIVE_INTERVAL="0.3",
            REDIS_URL="",  # each its own file cache: a shared Redis would mix the two
            LOG_FORMAT="plain",
        )
        super().__init__(folder, env)

    def shell(self, name, code):
        return self.start(name, [sys.executable, "manage.py", "shell", "-c", code])

    def serve(self):
        self.start(
            "gunicorn",
            [
                *[sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
                *["--bind", self.url.removeprefix("http://"), "--workers", "2"],
                "--no-control-socket",
            ],
        )

    def work(self):
        self.start(
            "worker",
            [sys.executable, "manage.py", "worker", "--no-startup-delay", "--interval", "0.2"],
        )

    def done(self, name):
        """Wait for a one-off command (``shell``) and check that it succeeded."""
        process = self.processes[name]
        assert process.wait(timeout=DEADLINE) == 0, f"{self.name} {name}\n{self.log(name)}"
        process.log.close()

    def get(self, path):
        return _get(self.url + path)

    def logs(self):
        return "\n".join(f"--- {self.name} {name}\n{self.log(name)}" for name in self.processes)

    def wait_until_up(self):
        deadline = time.monotonic() + DEADLINE
        while True:
            for name in ("gunicorn", "worker"):
                stopped = self.processes[name].poll() is not None
                assert not stopped, f"{self.name} {name} stopped\n{self.logs()}"
            try:
                if self.get("/").status == 200:
                    return
            except OSError:
                pass
            assert time.monotonic() < deadline, f"{self.name}: no answer\n{self.logs()}"
            time.sleep(0.2)


def _stop(*sites):
    """All at once (each waits for nothing from the others): SIGINT, gunicorn's quick
    shutdown and the worker's; a process still there after 10 s is killed."""
    processes = [p for site in sites for p in site.processes.values()]
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.log.close()


@pytest.fixture
def instances(tmp_path, production_site):
    pytest.importorskip("gunicorn")
    production_site.steps_run()  # the migrated database and collected static files
    a = Instance("A", tmp_path / "a", production_site)
    b = Instance("B", tmp_path / "b", production_site)
    try:
        # Everything at once, but each worker after its database is set up.
        for site in (a, b):
            site.serve()
        a.shell("setup", SENDING_TRACKING)
        b.shell("setup", RECEIVING.format(password=PASSWORD))
        for site in (a, b):
            site.done("setup")
            site.work()
        for site in (a, b):
            site.wait_until_up()
        yield a, b
    finally:
        _stop(a, b)


def _wait(condition, what, seconds=FLOW_SECONDS):
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        assert time.monotonic() < deadline, what()
        time.sleep(0.3)
    return found


def _mentions_section(page):
    found = re.search(r'<section class="mentions".*?</section>', page, re.S)
    return found.group(0) if found else ""


def test_a_webmention_round_trip_between_two_instances(instances):
    a, b = instances
    target, source = f"{b.url}/receiving-words/", f"{a.url}/sending-words/"

    def logs():
        return a.logs() + "\n" + b.logs()

    # B's post is public and names its endpoint; nothing mentions it yet.
    page = b.get("/receiving-words/")
    assert page.status == 200
    assert page.headers["Link"] == f'<{b.url}/webmention/>; rel="webmention"'
    assert f'<link rel="webmention" href="{b.url}/webmention/">' in page.text
    assert _mentions_section(page.text) == ""
    editor = Staff(b.url)
    editor.log_in()  # B's login form, as an editor (not the author: editors moderate)
    mentions = "/admin/indieweb/mention/"
    status, listing = editor.request(mentions)
    assert status == 200 and source not in listing

    # A's post, scheduled a moment ahead, goes live at its time.
    a.shell("schedule", SENDING.format(title=TITLE, target=target, ahead=AHEAD))
    a.done("schedule")
    publish_at = float(re.search(r"publish_at (\S+)", a.log("schedule")).group(1))
    status = a.get("/sending-words/").status
    if time.time() < publish_at:  # asked and answered before its time (a loaded machine
        assert status == 404  # may take longer than AHEAD to get here)
    _wait(lambda: a.get("/sending-words/").status == 200, lambda: "A's post never went live")

    # A's worker sends the mention at the go-live; B's worker verifies it over HTTP.
    def verified():
        status, text = editor.request(mentions + "?status=verified")
        assert status == 200, text
        return source in text and text

    listing = _wait(verified, lambda: f"no verified mention on B\n{logs()}")
    assert "Verified: awaiting moderation" in listing
    [pk] = re.findall(r'name="_selected_action" value="(\d+)"', listing)  # sent once
    # Verified by B's worker (a task), not while A's request to the endpoint waited.
    verification = rf"Webmention {re.escape(source)} \S+ {re.escape(target)}: verified"
    assert re.search(verification, b.log("worker")), b.log("worker")

    # Not shown until approved; the page is in B's page cache now.
    assert source not in b.get("/receiving-words/").text
    assert b.get("/receiving-words/").headers["X-Cache"] == "hit"
    status, _text = editor.post_form(
        mentions, {"action": "approve", "_selected_action": pk, "index": "0"}
    )
    assert status == 302
    status, listing = editor.request(mentions + "?status=approved")
    assert status == 200 and source in listing

    # Shown under B's post (the approval made the cached page stale), as plain text read
    # from A's post: its HTML escaped.
    page = b.get("/receiving-words/")
    assert page.status == 200
    section = _mentions_section(page.text)
    assert f'<a class="u-url" href="{source}" rel="nofollow ugc">' in section, page.text
    assert "Re: &lt;b&gt;Receiving&lt;/b&gt; words &amp; &quot;more&quot;" in section
    assert '<p class="p-content">I &lt;i&gt;agree&lt;/i&gt;.</p>' in section
    assert "<b>" not in section and "<i>" not in section
