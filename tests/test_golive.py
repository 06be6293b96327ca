"""Go-live side effects (golive/): once per post go-live, at save or at its scheduled
instant, driven by the worker's clock; retried with only the hooks that failed.

In-process tests travel in time and run the hooks at once (immediate backend, or the
database backend with an in-process worker); the last test runs two real
``manage.py worker`` processes on a copy of the production site. Hooks post to a local
HTTP server the test starts.
"""

import json
import subprocess
import sys
import time
from datetime import timedelta
from urllib.parse import parse_qs

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from golive import hooks
from golive.models import GoLive, Tracking
from golive.tasks import deliver, due, sweep

from .factories import EssayFactory
from .hook_server import HookServer
from .test_tasks_queue import DATABASE_TASKS, run_worker_here, worker_site  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def server():
    with HookServer() as running:
        yield running


@pytest.fixture
def wired(server, settings):
    settings.WEBSUB_HUB_URL = server.url + "/hub"
    settings.GOLIVE_WEBHOOK_URLS = [server.url + "/hook"]
    settings.SITE_URL = "https://example.com"
    Tracking.objects.update_or_create(pk=1, defaults={"started_at": timezone.now()})
    return server


def scheduled(seconds, **fields):
    return EssayFactory(
        status="published", publish_at=timezone.now() + timedelta(seconds=seconds), **fields
    )


def test_a_scheduled_post_goes_live_once_at_its_instant(wired):
    post = scheduled(3600, title="Soon words", slug="soon-words")
    assert sweep() == []
    with time_machine.travel(post.publish_at - timedelta(seconds=1)):
        assert sweep() == []
    with time_machine.travel(post.publish_at + timedelta(seconds=30)):
        [record] = sweep()
        assert sweep() == []  # the next tick finds nothing
    record.refresh_from_db()
    assert record.state == GoLive.State.DONE
    assert record.hooks_done == [
        "golive.hooks.websub_ping",
        "golive.hooks.webhook",
        "golive.hooks.cdn_purge",  # no CDN_PURGE_URL: does nothing
        "golive.hooks.newsletter",  # no NEWSLETTER_WEBHOOK_URL: does nothing
        "indieweb.sending.send_webmentions",  # WEBMENTION_SEND off in tests: does nothing
    ]
    [body] = wired.to("/hook")
    sent = json.loads(body)
    assert sent["url"] == "https://example.com/soon-words/"
    assert (sent["title"], sent["kind"], sent["event"]) == ("Soon words", "essay", "post.published")
    [ping] = wired.to("/hub")
    form = parse_qs(ping.decode())
    assert form["hub.mode"] == ["publish"]
    assert "https://example.com/index.xml" in form["hub.url"]


def test_publish_now_goes_live_at_the_next_tick(wired):
    EssayFactory(status="published", publish_at=None, slug="now-words")
    assert len(sweep()) == 1
    assert len(wired.to("/hook")) == 1


def test_drafts_and_posts_live_before_tracking_began_get_nothing(wired):
    EssayFactory(status="draft")
    EssayFactory(status="published", publish_at=timezone.now() - timedelta(days=3))
    assert sweep() == []
    assert wired.requests == []


def test_a_post_published_again_at_a_new_time_goes_live_again(wired):
    post = EssayFactory(status="published", publish_at=None)
    sweep()
    post.status = "draft"
    post.save()
    [gone] = sweep()  # it went away (tests/test_golive_expiry.py)
    assert gone.kind == GoLive.Kind.GONE
    post.status, post.publish_at = "published", timezone.now() + timedelta(minutes=5)
    post.save()
    assert sweep() == []
    with time_machine.travel(post.publish_at + timedelta(seconds=1)):
        assert len(sweep()) == 1
    events = [json.loads(body)["event"] for body in wired.to("/hook")]
    assert events == ["post.published", "post.unpublished", "post.published"]
    assert list(post.go_lives.order_by("seq").values_list("kind", flat=True)) == [
        "live",
        "gone",
        "live",
    ]


def test_a_worker_that_was_down_catches_up(wired):
    posts = [scheduled(60 * n) for n in (1, 2, 3)]
    with time_machine.travel(timezone.now() + timedelta(hours=5)):
        assert {record.writing_id for record in sweep()} == {post.pk for post in posts}
    assert len(wired.to("/hook")) == 3


def test_two_workers_racing_record_one_go_live(wired, monkeypatch):
    post = EssayFactory(status="published", publish_at=None)
    stale = list(due())  # what a second worker read before the first one wrote
    assert len(sweep()) == 1
    monkeypatch.setattr("golive.tasks.due", lambda: stale)
    assert sweep() == []  # its insert loses to the unique constraint
    assert post.go_lives.count() == 1
    assert len(wired.to("/hook")) == 1


def test_no_hub_configured_means_no_ping(wired, settings):
    settings.WEBSUB_HUB_URL = ""
    EssayFactory(status="published", publish_at=None)
    sweep()
    assert wired.to("/hub") == []
    assert len(wired.to("/hook")) == 1


def test_a_registered_hook_runs_too(wired, monkeypatch):
    seen = []
    monkeypatch.setattr(hooks, "_registered", {})
    hooks.register(seen.append, name="tests.seen")
    post = EssayFactory(status="published", publish_at=None)
    sweep()
    assert [event.id for event in seen] == [post.pk]


@override_settings(TASKS=DATABASE_TASKS)
def test_a_failed_hook_is_retried_alone_with_backoff_then_given_up(wired, settings):
    settings.TASK_MAX_ATTEMPTS = 3
    wired.status = 500  # the hub and the webhook both fail
    settings.GOLIVE_WEBHOOK_URLS = [wired.url + "/hook"]
    settings.WEBSUB_HUB_URL = ""
    post = EssayFactory(status="published", publish_at=None)
    [record] = sweep()
    run_worker_here()
    record.refresh_from_db()
    assert (record.state, record.attempts, record.hooks_done) == (
        "pending",
        1,
        # The newsletter and Webmention hooks have nothing to do here, and are done.
        [
            "golive.hooks.websub_ping",
            "golive.hooks.cdn_purge",
            "golive.hooks.newsletter",
            "indieweb.sending.send_webmentions",
        ],
    )
    assert "HTTP Error 500" in record.last_error
    retry = DBTaskResult.objects.get(status="READY", task_path="golive.tasks.deliver")
    assert retry.args_kwargs["kwargs"] == {"attempt": 2}
    assert retry.run_after > timezone.now() + timedelta(seconds=25)

    with time_machine.travel(retry.run_after + timedelta(seconds=1)):
        run_worker_here()  # the second try fails too; the third, 60 s later...
    third = DBTaskResult.objects.get(status="READY", task_path="golive.tasks.deliver")
    wired.status = 204  # ...succeeds
    with time_machine.travel(third.run_after + timedelta(seconds=1)):
        run_worker_here()
    record.refresh_from_db()
    assert (record.state, record.attempts) == ("done", 3)
    assert len(wired.to("/hook")) == 3
    assert wired.to("/hub") == []
    assert DBTaskResult.objects.filter(status="FAILED").count() == 2
    assert post.go_lives.count() == 1


@override_settings(TASKS=DATABASE_TASKS)
def test_a_hook_that_keeps_failing_is_marked_failed(wired, settings, admin_client):
    settings.TASK_MAX_ATTEMPTS = 2
    wired.status = 500
    EssayFactory(status="published", publish_at=None, title="Unlucky")
    [record] = sweep()
    run_worker_here()
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        run_worker_here()
    record.refresh_from_db()
    assert record.state == GoLive.State.FAILED
    assert not DBTaskResult.objects.filter(status="READY").exists()
    page = admin_client.get("/admin/golive/golive/?state=failed")
    assert b"Unlucky" in page.content


def test_deliver_does_nothing_for_a_go_live_already_done(wired):
    EssayFactory(status="published", publish_at=None)
    [record] = sweep()
    deliver.call(record.pk)
    assert len(wired.to("/hook")) == 1


# A real worker


SCHEDULE = """
import sys
from datetime import timedelta
import django
django.setup()
from django.utils import timezone
from essays.models import Essay
import json
times = {}
for slug, seconds in zip(sys.argv[1::2], sys.argv[2::2]):
    post = Essay.objects.create(title=slug, slug=slug, body="Words.", status="published",
                                publish_at=timezone.now() + timedelta(seconds=float(seconds)))
    times[slug] = post.publish_at.timestamp()
print(json.dumps(times))
"""


@pytest.mark.gunicorn
def test_two_real_workers_deliver_each_go_live_once(worker_site):  # noqa: F811
    """A post that went live while no worker ran (caught up at start) and one scheduled
    a few seconds ahead: two workers, one delivery each, within seconds of publish_at."""
    with HookServer() as server:
        env = worker_site.env(
            GOLIVE_WEBHOOK_URLS=server.url + "/hook",
            WEBSUB_HUB_URL=server.url + "/hub",
            GOLIVE_INTERVAL="0.5",
            SITE_URL="https://example.com",
        )
        made = subprocess.run(
            [sys.executable, "-c", SCHEDULE, "while-down", "0.1", "ahead", "4"],
            env=env,
            cwd=worker_site.root,
            check=True,
            capture_output=True,
            text=True,
        )
        publish_at = json.loads(made.stdout.strip().splitlines()[-1])
        time.sleep(0.5)  # "while-down" is live, and no worker runs
        workers = [worker_site.start_worker(env) for _ in range(2)]
        try:
            deadline = time.monotonic() + 60
            while len(server.to("/hook")) < 2 and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(2)  # four more ticks of each clock: nothing more comes
        finally:
            logs = [worker_site.stop_worker(worker) for worker in workers]
        sent = [json.loads(body)["url"] for body in server.to("/hook")]
        mine = sorted(url for url in sent if url.endswith(("/while-down/", "/ahead/")))
        assert mine == ["https://example.com/ahead/", "https://example.com/while-down/"], logs
        assert len(server.to("/hub")) == len(sent)
        arrivals = [moment for path, moment in server.arrivals if path == "/hook"]
        bodies = [
            json.loads(body)["url"].strip("/").rsplit("/", 1)[-1] for body in server.to("/hook")
        ]
        lag = dict(zip(bodies, arrivals, strict=True))["ahead"] - publish_at["ahead"]
        print(f"webhook {lag:.2f} s after publish_at (2 workers, 0.5 s clock)")
        assert 0 <= lag < 30
