"""Posts going away (golive/): when a post that went live stops being public (its
``expire_at`` passes, an editor makes it a draft or moves its publish time ahead), a
"gone" record runs the hooks that handle it, once; the CDN purge hook; the records that
need an editor's attention.

Time travels (time-machine); hooks post to a local HTTP server (tests/hook_server.py).
"""

import json
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from golive import hooks
from golive.apps import health
from golive.models import GoLive
from golive.tasks import due, gone, sweep

from .factories import EssayFactory, TagFactory
from .hook_server import HookServer
from .test_golive import server, wired  # noqa: F401
from .test_tasks_queue import DATABASE_TASKS, run_worker_here, worker_site  # noqa: F401

pytestmark = pytest.mark.django_db

GONE = GoLive.Kind.GONE


def live_post(**fields):
    """A post that went live now, recorded."""
    post = EssayFactory(status="published", publish_at=None, **fields)
    [record] = sweep()
    assert record.kind == GoLive.Kind.LIVE
    return post


def hook_events(hook_server):
    return [json.loads(body) for body in hook_server.to("/hook")]


def test_expiry_runs_the_gone_hooks_once_at_its_instant(wired):  # noqa: F811
    post = live_post(title="Brief words", slug="brief-words")
    post.expire_at = post.publish_at + timedelta(hours=1)
    post.save()
    assert sweep() == []
    with time_machine.travel(post.expire_at - timedelta(seconds=1)):
        assert sweep() == []
    with time_machine.travel(post.expire_at + timedelta(seconds=10)):
        [record] = sweep()
        assert sweep() == []  # the next tick finds nothing
    with time_machine.travel(post.expire_at + timedelta(days=2)):
        assert sweep() == []
    record.refresh_from_db()
    assert (record.kind, record.publish_at, record.state) == (GONE, post.expire_at, "done")
    # The newsletter and Webmentions are for go-lives only: they do not run, nor count.
    assert record.hooks_done == [
        "golive.hooks.websub_ping",
        "golive.hooks.webhook",
        "golive.hooks.cdn_purge",
    ]
    published, unpublished = hook_events(wired)
    assert published["event"] == "post.published"
    assert "unpublished_at" not in published
    assert unpublished["event"] == "post.unpublished"
    assert unpublished["url"] == "https://example.com/brief-words/"
    assert unpublished["published_at"] == post.publish_at.isoformat()
    assert unpublished["unpublished_at"] == post.expire_at.isoformat()
    assert len(wired.to("/hub")) == 2  # the feeds changed both times


def test_a_worker_that_was_down_dates_the_going_away_at_the_expiry(wired):  # noqa: F811
    post = live_post()
    post.expire_at = timezone.now() + timedelta(minutes=5)
    post.save()
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        [record] = sweep()
    assert record.publish_at == post.expire_at


def test_unpublishing_runs_the_gone_hooks_once(wired):  # noqa: F811
    post = live_post()
    with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False):
        post.status = "draft"
        post.save()
        [record] = sweep()
        assert record.publish_at == timezone.now()  # when the worker saw it
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert sweep() == []
    assert [event["event"] for event in hook_events(wired)] == [
        "post.published",
        "post.unpublished",
    ]
    assert post.go_lives.count() == 2


def test_moving_the_publish_time_ahead_takes_the_post_away_until_then(wired):  # noqa: F811
    post = live_post()
    post.publish_at = timezone.now() + timedelta(days=1)
    post.save()
    [record] = sweep()
    assert record.kind == GONE
    with time_machine.travel(post.publish_at + timedelta(seconds=5)):
        [again] = sweep()
    assert (again.kind, again.publish_at) == (GoLive.Kind.LIVE, post.publish_at)


def test_a_post_that_comes_back_at_the_same_time_goes_live_again(wired):  # noqa: F811
    post = live_post()
    post.expire_at = timezone.now() + timedelta(minutes=1)
    post.save()
    with time_machine.travel(post.expire_at + timedelta(seconds=1)):
        [record] = sweep()
        assert record.kind == GONE
        post.expire_at = None
        post.save()
        [back] = sweep()
    assert (back.kind, back.publish_at, back.seq) == ("live", post.publish_at, 3)
    assert [event["event"] for event in hook_events(wired)] == [
        "post.published",
        "post.unpublished",
        "post.published",
    ]


def test_two_workers_racing_record_one_going_away(wired, monkeypatch):  # noqa: F811
    """Each worker dates an unpublish by when it saw it: two times, but one place in the
    post's history, so one record."""
    post = live_post()
    post.status = "draft"
    post.save()
    stale = list(gone())  # what a second worker read before the first one wrote
    assert len(sweep()) == 1
    monkeypatch.setattr("golive.tasks.gone", lambda: stale)
    with time_machine.travel(timezone.now() + timedelta(seconds=3)):
        assert sweep() == []  # its insert loses to the unique constraint
    assert post.go_lives.filter(kind=GONE).count() == 1
    assert len(hook_events(wired)) == 2


def test_a_stale_go_live_cannot_follow_a_going_away(wired, monkeypatch):  # noqa: F811
    """A worker that read the post as public before it was recorded live and taken down
    writes nothing: the place it read is taken."""
    post = EssayFactory(status="published", publish_at=None)
    stale = list(due())
    sweep()
    post.status = "draft"
    post.save()
    sweep()
    monkeypatch.setattr("golive.tasks.due", lambda: stale)
    assert sweep() == []
    assert post.go_lives.count() == 2


def test_nothing_goes_away_that_never_went_live(wired):  # noqa: F811
    # Live before tracking began (the archive), then expired and unpublished.
    archived = EssayFactory(
        status="published",
        publish_at=timezone.now() - timedelta(days=30),
        expire_at=timezone.now() + timedelta(minutes=1),
    )
    unpublished = EssayFactory(status="published", publish_at=timezone.now() - timedelta(days=9))
    # Scheduled, then taken back before its time.
    withdrawn = EssayFactory(status="published", publish_at=timezone.now() + timedelta(hours=1))
    # Went live and expired while no worker ran: never announced, so never withdrawn.
    missed = EssayFactory(
        status="published",
        publish_at=timezone.now() + timedelta(minutes=1),
        expire_at=timezone.now() + timedelta(minutes=2),
    )
    EssayFactory(status="draft")
    unpublished.status = withdrawn.status = "draft"
    unpublished.save()
    withdrawn.save()
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert sweep() == []
    assert not GoLive.objects.exists()
    assert wired.requests == []
    assert archived.go_lives.count() == missed.go_lives.count() == 0


def test_a_hook_declares_the_events_it_handles(wired, monkeypatch):  # noqa: F811
    monkeypatch.setattr(hooks, "_registered", {})
    lives, everything = [], []
    hooks.register(lives.append, name="tests.lives")  # no ``on``: go-lives only
    hooks.register(hooks.on(hooks.LIVE, hooks.GONE)(lambda e: everything.append(e)), "tests.all")
    post = live_post()
    post.status = "draft"
    post.save()
    sweep()
    assert [event.action for event in lives] == ["live"]
    assert [(event.action, event.name) for event in everything] == [
        ("live", "post.published"),
        ("gone", "post.unpublished"),
    ]


# The CDN purge hook


def test_the_cdn_purge_posts_the_changed_pages_with_the_token(wired, settings, monkeypatch):  # noqa: F811
    settings.CDN_PURGE_URL = wired.url + "/purge"
    settings.CDN_PURGE_TOKEN = "s3cret"
    headers = []
    opened = urllib.request.urlopen

    def watched(request, *args, **kwargs):
        headers.append((request.full_url, dict(request.header_items())))
        return opened(request, *args, **kwargs)

    monkeypatch.setattr(urllib.request, "urlopen", watched)
    post = live_post(slug="purged", tags=[TagFactory(name="bread")], audio_url="https://a/1.mp3")
    post.status = "draft"
    post.save()
    [record] = sweep()
    record.refresh_from_db()
    assert "golive.hooks.cdn_purge" in record.hooks_done
    went_live, went_away = [json.loads(body) for body in wired.to("/purge")]
    site = "https://example.com"
    assert went_live == went_away
    assert set(went_live) == {"urls"}
    assert went_live["urls"][0] == site + "/purged/"
    assert set(went_live["urls"]) == {
        site + path
        for path in [
            "/purged/",
            "/purged.md",
            "/",
            "/writing/",
            "/blog/",
            "/tags/",
            "/sitemap.xml",
            "/index.xml",
            "/index.json",
            "/essays/",
            "/essays/index.xml",
            "/essays/index.json",
            "/tags/bread/",
            "/tags/bread/index.xml",
            "/tags/bread/index.json",
            "/podcast/",
            "/podcast/index.xml",
            "/podcast/index.json",
        ]
    }
    purges = [sent for url, sent in headers if url.endswith("/purge")]
    assert [sent["Authorization"] for sent in purges] == ["Bearer s3cret"] * 2
    assert purges[0]["Content-type"] == "application/json"


def test_no_cdn_purge_url_means_no_purge_and_no_token_no_header(wired, settings, monkeypatch):  # noqa: F811
    live_post()
    assert wired.to("/purge") == []
    settings.CDN_PURGE_URL = wired.url + "/purge"
    headers = []
    opened = urllib.request.urlopen
    monkeypatch.setattr(
        urllib.request,
        "urlopen",
        lambda request, **kw: headers.append(dict(request.header_items())) or opened(request, **kw),
    )
    post = live_post(slug="plain")
    assert json.loads(wired.to("/purge")[0])["urls"][:2] == [
        "https://example.com/plain/",
        "https://example.com/",
    ]
    assert post.go_lives.get().state == "done"
    assert all("Authorization" not in sent for sent in headers)


# Failures and what needs attention


@override_settings(TASKS=DATABASE_TASKS)
def test_a_failing_gone_hook_is_retried_then_failed_and_needs_attention(wired, settings):  # noqa: F811
    settings.TASK_MAX_ATTEMPTS = 2
    post = live_post(title="Withdrawn words")
    run_worker_here()  # the go-live's hooks run
    wired.status = 500
    post.status = "draft"
    post.save()
    [record] = sweep()
    run_worker_here()
    record.refresh_from_db()
    assert (record.state, record.attempts) == ("pending", 1)
    assert "HTTP Error 500" in record.last_error
    assert list(GoLive.objects.needing_attention()) == []  # retrying, not late yet
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert list(GoLive.objects.needing_attention()) == [record]  # late: overdue
        assert health() == {"ok": False, "failed": 0, "overdue": 1}
        run_worker_here()  # the second and last try
        record.refresh_from_db()
        assert (record.state, record.attempts) == ("failed", 2)
        assert list(GoLive.objects.needing_attention()) == [record]
        assert health() == {"ok": True, "failed": 1, "overdue": 0}
    assert [event["event"] for event in hook_events(wired)] == ["post.published"] + [
        "post.unpublished"
    ] * 2


def test_needing_attention_is_failed_and_late_pending_newest_first(django_assert_num_queries):
    post = EssayFactory(status="published", publish_at=timezone.now() - timedelta(days=1))
    now = timezone.now()

    def record(seconds_ago, state, kind="live"):
        return GoLive.objects.create(
            writing=post, kind=kind, publish_at=now - timedelta(seconds=seconds_ago), state=state
        )

    old_failure = record(3600, "failed")
    record(600, "done")
    late = record(120, "pending", kind="gone")
    record(30, "pending")  # not late yet
    recent_failure = record(10, "failed", kind="gone")
    with django_assert_num_queries(1):
        found = list(GoLive.objects.needing_attention())
        titles = [item.writing.title for item in found]
    assert found == [recent_failure, late, old_failure]
    assert titles == [post.title] * 3


def test_the_admin_lists_and_filters_by_kind(wired, admin_client):  # noqa: F811
    post = live_post(title="Come and gone")
    post.status = "draft"
    post.save()
    sweep()
    page = admin_client.get("/admin/golive/golive/?kind=gone&state=done")
    assert page.status_code == 200
    assert b"Come and gone" in page.content
    assert b"Went away" in page.content
    assert b"Went live</td>" not in page.content
    assert b"Went live</td>" in admin_client.get("/admin/golive/golive/?kind=live").content


# Real workers

BRIEF = """
import json
from datetime import timedelta
import django
django.setup()
from django.utils import timezone
from essays.models import Essay
post = Essay.objects.create(title="Brief", slug="brief", body="Words.", status="published",
                            publish_at=timezone.now() + timedelta(seconds=0.5),
                            expire_at=timezone.now() + timedelta(seconds=4))
print(json.dumps(post.expire_at.timestamp()))
"""


@pytest.mark.gunicorn
def test_two_real_workers_run_an_expiry_once(worker_site):  # noqa: F811
    """A post live for a few seconds: two workers, one go-live and one going away each
    delivered once, the second within seconds of expire_at, with nobody visiting."""
    with HookServer() as hook_server:
        env = worker_site.env(
            GOLIVE_WEBHOOK_URLS=hook_server.url + "/hook",
            GOLIVE_INTERVAL="0.5",
            SITE_URL="https://example.com",
        )
        workers = [worker_site.start_worker(env) for _ in range(2)]
        try:
            made = subprocess.run(
                [sys.executable, "-c", BRIEF],
                env=env,
                cwd=worker_site.root,
                check=True,
                capture_output=True,
                text=True,
            )
            expire_at = json.loads(made.stdout.strip().splitlines()[-1])
            deadline = time.monotonic() + 60
            while len(hook_server.to("/hook")) < 2 and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(2)  # four more ticks of each clock: nothing more comes
        finally:
            logs = [worker_site.stop_worker(worker) for worker in workers]
        sent = [json.loads(body) for body in hook_server.to("/hook")]
        mine = [body["event"] for body in sent if body["url"].endswith("/brief/")]
        assert mine == ["post.published", "post.unpublished"], logs
        arrivals = [moment for path, moment in hook_server.arrivals if path == "/hook"]
        lag = arrivals[[body["event"] for body in sent].index("post.unpublished")] - expire_at
        print(f"post.unpublished {lag:.2f} s after expire_at (2 workers, 0.5 s clock)")
        assert 0 <= lag < 60


# A live post deleted


def test_deleting_a_live_post_in_the_admin_tells_the_hooks_it_went_away(
    wired,  # noqa: F811
    settings,
    admin_client,
):
    settings.CDN_PURGE_URL = wired.url + "/purge"
    post = live_post(title="Taken down", slug="taken-down", tags=[TagFactory(name="bread")])
    response = admin_client.post(f"/admin/essays/essay/{post.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    published, unpublished = hook_events(wired)
    assert (published["event"], unpublished["event"]) == ("post.published", "post.unpublished")
    assert "deleted" not in published and unpublished["deleted"] is True
    assert unpublished["url"] == "https://example.com/taken-down/"
    assert unpublished["title"] == "Taken down"
    assert unpublished["published_at"] == published["published_at"]
    assert "purge" not in unpublished
    # The purge names the post's own list pages, found while it was still there.
    gone_purge = json.loads(wired.to("/purge")[1])["urls"]
    assert "https://example.com/taken-down/" in gone_purge
    assert "https://example.com/tags/bread/" in gone_purge
    [record] = GoLive.objects.all()
    assert (record.writing_id, record.kind, record.state) == (None, GONE, "done")
    assert record.post_name == "Taken down (deleted)"
    assert sweep() == []  # nothing more to tell
    assert len(hook_events(wired)) == 2
    # The admin lists it, by its old title.
    listed = admin_client.get("/admin/golive/golive/")
    assert listed.status_code == 200
    assert "Taken down (deleted)" in listed.content.decode()
    assert admin_client.get(f"/admin/golive/golive/{record.pk}/change/").status_code == 200


def test_deleting_a_post_that_is_not_live_tells_nothing(wired):  # noqa: F811
    EssayFactory(status="draft").delete()
    EssayFactory(status="published", publish_at=timezone.now() + timedelta(days=1)).delete()
    withdrawn = live_post()
    withdrawn.status = "draft"
    withdrawn.save()
    [went_away] = sweep()
    withdrawn.delete()  # it went away already, and was told
    assert [event["event"] for event in hook_events(wired)] == [
        "post.published",
        "post.unpublished",
    ]
    assert not GoLive.objects.exists()


@override_settings(TASKS=DATABASE_TASKS)
def test_a_deleted_posts_failed_going_away_needs_attention(wired, settings, admin_user, client):  # noqa: F811
    from editorial.desk import desk

    settings.TASK_MAX_ATTEMPTS = 1
    post = live_post(title="Gone for good")
    run_worker_here()
    wired.status = 500
    post.delete()
    run_worker_here()
    [record] = GoLive.objects.needing_attention()
    assert (record.writing_id, record.state) == (None, "failed")
    assert [item.post_name for item in desk(admin_user)["go_lives"]] == ["Gone for good (deleted)"]
    client.force_login(admin_user)
    home = client.get("/admin/")
    assert home.status_code == 200
    assert "Gone for good (deleted): side effects" not in home.content.decode()
    assert "Gone for good (deleted)</th>" in home.content.decode()
    assert health() == {"ok": True, "failed": 1, "overdue": 0}
