"""Webmention (W3C): receiving (endpoint advertised, source and target checked, stored
pending, verified by a task, moderated, shown as plain text once approved) and sending (at
go-live, to each external link's endpoint). Every source and endpoint is a local HTTP
server the test starts: nothing reaches the network."""

import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from core import page_cache
from golive.hooks import Event
from golive.models import Tracking
from golive.tasks import sweep
from indieweb import fetch
from indieweb.models import Mention
from indieweb.sending import send_webmentions
from indieweb.tasks import verify_mention

from .factories import EssayFactory
from .test_tasks_queue import DATABASE_TASKS, run_worker_here

pytestmark = pytest.mark.django_db


class Site:
    """Pages by path: (status, headers, body); records every POST."""

    def __init__(self):
        self.pages, self.posts = {}, []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/slow":
                    time.sleep(1)
                status, headers, body = site.pages.get(self.path, (404, {}, ""))
                data = body.encode() if isinstance(body, str) else body
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                site.posts.append((self.path, parse_qs(body.decode())))
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def fresh_counts():
    """The endpoint's rate limit (tests/test_throttling.py) counts in the pages cache:
    each test starts from none."""
    caches["pages"].clear()
    yield
    caches["pages"].clear()


@pytest.fixture
def elsewhere(settings):
    settings.WEBMENTION_ALLOW_PRIVATE_HOSTS = True  # the local server is on 127.0.0.1
    site = Site()
    yield site
    site.close()


@pytest.fixture
def post():
    return EssayFactory(title="Target words", slug="target-words")


TARGET = "http://testserver/target-words/"


def replying(target, title="A reply", extra=""):
    return (
        f"<html><head><title>{title}</title><meta name='author' content='Ann Other'>"
        f"<meta name='description' content='I agree.'></head>"
        f"<body><p>Re: <a href='{target}'>this</a></p>{extra}</body></html>"
    )


def send(client, source, target=TARGET, capture=None):
    if capture is None:
        return client.post(reverse("indieweb:webmention"), {"source": source, "target": target})
    with capture(execute=True):
        return client.post(reverse("indieweb:webmention"), {"source": source, "target": target})


# Receiving -----------------------------------------------------------------------------


def test_the_endpoint_is_advertised_in_the_head_and_a_link_header(client, post):
    response = client.get(post.get_absolute_url())
    assert response["Link"] == '<http://testserver/webmention/>; rel="webmention"'
    assert '<link rel="webmention" href="http://testserver/webmention/">' in response.text


def test_a_mention_is_stored_pending_then_verified(
    client, post, elsewhere, django_capture_on_commit_callbacks
):
    elsewhere.pages["/reply"] = (200, {}, replying(TARGET))
    response = send(client, elsewhere.url + "/reply")
    assert response.status_code == 202
    mention = Mention.objects.get()
    assert (mention.writing_id, mention.status) == (post.pk, "pending")
    response = send(client, elsewhere.url + "/reply", capture=django_capture_on_commit_callbacks)
    assert Mention.objects.count() == 1  # sent again: the same row, checked again
    mention.refresh_from_db()
    assert mention.status == "verified"
    assert (mention.title, mention.author_name, mention.excerpt) == (
        "A reply",
        "Ann Other",
        "I agree.",
    )


@pytest.mark.parametrize(
    ("source", "target", "reason"),
    [
        ("https://elsewhere.example/a", "http://testserver/no-such-post/", "not a post"),
        ("https://elsewhere.example/a", "https://another.example/target-words/", "not on this"),
        ("https://elsewhere.example/a", "ftp://testserver/target-words/", "http(s)"),
        ("javascript:alert(1)", TARGET, "source must be"),
        ("http://testserver/other/", TARGET, "source is on this site"),
        ("", TARGET, "source must be"),
        # What PostgreSQL or http.client would refuse later, refused with a reason now.
        ("https://elsewhere.example/a\x00b", TARGET, "control character"),
        ("https://exa mple.com/", TARGET, "control character"),
        ("https://elsewhere.example/" + "a" * 2000, TARGET, "longer than 2000"),
        ("https://elsewhere.example/a", TARGET + "?" + "q" * 2000, "target is longer"),
        ("https://user:pw@elsewhere.example/a", TARGET, "user name or password"),
        ("https://elsewhere.example:99999/a", TARGET, "port or host"),
        ("https://ex%ZZample.com/a", TARGET, "no valid host name"),
        ("https://-bad-.example/a", TARGET, "no valid host name"),
        ("http://127.0.0.1:9/a", TARGET, "not on a public network"),
        ("http://[::1]/a", TARGET, "not on a public network"),
        ("http://10.0.0.5/a", TARGET, "not on a public network"),
    ],
)
def test_bad_mentions_are_refused(client, post, source, target, reason):
    response = send(client, source, target)
    assert response.status_code == 400
    assert reason in response.text
    assert not Mention.objects.exists()


@pytest.mark.parametrize("trait", ["draft", "scheduled"])
def test_a_post_not_public_cannot_be_mentioned(client, trait):
    EssayFactory(slug="hidden", **{trait: True})
    assert (
        send(client, "https://elsewhere.example/a", "http://testserver/hidden/").status_code == 400
    )


def test_the_endpoint_takes_posts_only_and_says_so(client):
    response = client.get(reverse("indieweb:webmention"))
    assert (response.status_code, response["Allow"]) == (405, "POST")
    assert "Webmention endpoint" in response.text and "POST source and target" in response.text


def test_a_post_without_the_slash_is_not_redirected(client, post):
    response = client.post(
        "/webmention", {"source": "https://elsewhere.example/a", "target": TARGET}
    )
    assert response.status_code == 202


@pytest.mark.parametrize(
    ("page", "error"),
    [
        ((200, {}, replying("http://testserver/another/")), "no link to the target"),
        ((410, {}, "gone"), "410"),
        ((200, {}, "x" * (fetch.MAX_BYTES + 10)), "over"),
    ],
)
def test_a_source_that_does_not_link_here_is_invalid(
    client, post, elsewhere, django_capture_on_commit_callbacks, page, error
):
    elsewhere.pages["/reply"] = page
    send(client, elsewhere.url + "/reply", capture=django_capture_on_commit_callbacks)
    mention = Mention.objects.get()
    assert mention.status == "invalid"
    assert error in mention.error


def test_a_slow_source_times_out(
    client, post, elsewhere, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(fetch, "TIMEOUT", 0.2)
    elsewhere.pages["/slow"] = (200, {}, replying(TARGET))
    send(client, elsewhere.url + "/slow", capture=django_capture_on_commit_callbacks)
    assert Mention.objects.get().status == "invalid"


def test_a_source_on_a_private_network_is_never_fetched(
    client, post, elsewhere, settings, django_capture_on_commit_callbacks
):
    settings.WEBMENTION_ALLOW_PRIVATE_HOSTS = False
    elsewhere.pages["/reply"] = (200, {}, replying(TARGET))
    # A name, accepted; the address it resolves to is checked as it is fetched.
    source = elsewhere.url.replace("127.0.0.1", "localhost") + "/reply"
    assert send(client, source, capture=django_capture_on_commit_callbacks).status_code == 202
    mention = Mention.objects.get()
    assert (mention.status, "not a public host" in mention.error) == ("invalid", True)


@pytest.mark.parametrize(
    "source",
    [
        "http://elsewhere.example:99999/a",
        "http://user:pw@elsewhere.example/a",
        "http://elsewhere.example/a b",
        "http://[zz]/a",
    ],
)
def test_a_stored_source_that_cannot_be_fetched_is_invalid_not_retried(post, settings, source):
    """A mention stored before the endpoint checked so much: its check ends, no retry."""
    settings.WEBMENTION_ALLOW_PRIVATE_HOSTS = True
    mention = Mention.objects.create(writing=post, source=source, target=TARGET)
    assert verify_mention.call(mention.pk) == "invalid"
    mention.refresh_from_db()
    assert mention.status == "invalid" and mention.error


def _moderate(admin_client, mention, action):
    url = reverse("admin:indieweb_mention_changelist")
    return admin_client.post(url, {"action": action, ACTION_CHECKBOX_NAME: [mention.pk]})


def test_approved_mentions_show_under_the_post_as_plain_text(
    client, admin_client, post, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_ENABLED = True
    caches[page_cache.ALIAS].clear()
    hostile = Mention.objects.create(
        writing=post,
        source="https://elsewhere.example/reply",
        target=TARGET,
        status="verified",
        title="<script>alert(1)</script>Reply",
        author_name="<b>Ann</b>",
        excerpt="<img src=x onerror=alert(1)>",
    )
    assert "Mentions" not in client.get(post.get_absolute_url()).text  # cached now
    assert client.get(post.get_absolute_url())["X-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        _moderate(admin_client, hostile, "approve")
    hostile.refresh_from_db()
    assert hostile.status == "approved"
    page = client.get(post.get_absolute_url()).text  # the approval made the cache stale
    assert '<a class="u-url" href="https://elsewhere.example/reply" rel="nofollow ugc">' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Reply" in page
    assert "&lt;b&gt;Ann&lt;/b&gt;" in page and "<img src=x" not in page
    with django_capture_on_commit_callbacks(execute=True):
        _moderate(admin_client, hostile, "reject")
    assert "elsewhere.example/reply" not in client.get(post.get_absolute_url()).text


def _staff(django_user_model, client, group):
    user = django_user_model.objects.create_user(group.lower(), is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return client


def test_an_editor_moderates_mentions_and_a_contributor_cannot(client, django_user_model, post):
    mention = Mention.objects.create(
        writing=post, source="https://elsewhere.example/r", target=TARGET, status="verified"
    )
    changelist = reverse("admin:indieweb_mention_changelist")
    contributor = _staff(django_user_model, client, "Contributor")
    assert contributor.get(changelist).status_code == 403
    assert _moderate(contributor, mention, "approve").status_code == 403
    mention.refresh_from_db()
    assert mention.status == "verified"
    contributor.logout()

    editor = _staff(django_user_model, client, "Editor")
    page = editor.get(changelist + "?status=verified")
    assert page.status_code == 200 and "elsewhere.example/r" in page.text
    assert _moderate(editor, mention, "approve").status_code == 302
    mention.refresh_from_db()
    assert mention.status == "approved"
    assert "elsewhere.example/r" in client.get(post.get_absolute_url()).text
    _moderate(editor, mention, "reject")
    mention.refresh_from_db()
    assert mention.status == "rejected"
    delete = reverse("admin:indieweb_mention_delete", args=[mention.pk])
    assert editor.post(delete, {"post": "yes"}).status_code == 302
    assert not Mention.objects.exists()


def test_pending_verified_and_invalid_mentions_are_never_shown(client, post):
    for n, status in enumerate(["pending", "verified", "invalid", "rejected"]):
        Mention.objects.create(
            writing=post, source=f"https://e.example/{n}", target=TARGET, status=status
        )
    assert "e.example" not in client.get(post.get_absolute_url()).text


# Sending --------------------------------------------------------------------------------


def test_a_go_live_notifies_each_external_link_s_endpoint(settings, elsewhere):
    settings.WEBMENTION_SEND = True
    settings.SITE_URL = "https://example.com"
    Tracking.objects.update_or_create(pk=1, defaults={"started_at": timezone.now()})
    site = elsewhere.url
    elsewhere.pages["/by-header"] = (200, {"Link": '</wm-a>; rel="webmention"'}, "<p>a</p>")
    elsewhere.pages["/by-html"] = (
        200,
        {},
        '<html><head><link rel="webmention" href="/wm-b"></head></html>',
    )
    elsewhere.pages["/no-endpoint"] = (200, {}, "<p>nothing</p>")
    body = (
        f"See [a]({site}/by-header), [b]({site}/by-html#part), [c]({site}/no-endpoint), "
        f"[missing]({site}/missing), [mine](https://example.com/other/) "
        f"and [b again]({site}/by-html)."
    )
    EssayFactory(slug="sender", body=body, publish_at=None)
    [record] = sweep()
    record.refresh_from_db()
    assert record.state == "done"
    sent = {path: form for path, form in elsewhere.posts}
    assert sent == {
        "/wm-a": {"source": ["https://example.com/sender/"], "target": [f"{site}/by-header"]},
        "/wm-b": {"source": ["https://example.com/sender/"], "target": [f"{site}/by-html"]},
    }
    assert len(elsewhere.posts) == 2  # each target once


def test_sending_is_bounded(settings, elsewhere):
    settings.WEBMENTION_SEND, settings.WEBMENTION_SEND_MAX = True, 3
    for n in range(6):
        elsewhere.pages[f"/p{n}"] = (200, {"Link": '</wm>; rel="webmention"'}, "")
    body = " ".join(f"[{n}]({elsewhere.url}/p{n})" for n in range(6))
    post = EssayFactory(body=body)
    sent = send_webmentions(Event.of(post, post.publish_at))
    assert len(sent) == len(elsewhere.posts) == 3


def test_nothing_is_sent_when_sending_is_off(elsewhere):
    elsewhere.pages["/p"] = (200, {"Link": '</wm>; rel="webmention"'}, "")
    post = EssayFactory(body=f"[p]({elsewhere.url}/p)")
    assert send_webmentions(Event.of(post, post.publish_at)) == []
    assert elsewhere.posts == []


# Round trip -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_round_trip_between_two_hosts_of_the_site(live_server, settings, admin_client):
    """The receiving site is the live server under "localhost", the sending site the same
    server under "127.0.0.1": one sends at go-live, the other receives, verifies the
    source over HTTP, and shows the mention once approved (two separate instances, each
    with its own database and worker: tests/test_webmention_instances.py). Tasks go
    through the queue and a worker, as in production (the go-live hook must not hold a
    transaction open while the receiver writes: SQLite would refuse)."""
    settings.TASKS = DATABASE_TASKS
    settings.WEBMENTION_SEND = settings.WEBMENTION_ALLOW_PRIVATE_HOSTS = True
    receiver = live_server.url  # http://localhost:PORT
    sender = receiver.replace("localhost", "127.0.0.1")
    target = EssayFactory(title="Receiving words", slug="receiving-words")
    target_url = f"{receiver}/receiving-words/"
    settings.SITE_URL = sender
    Tracking.objects.update_or_create(
        pk=1, defaults={"started_at": timezone.now() - timedelta(seconds=1)}
    )
    EssayFactory(
        title="Sending words",
        slug="sending-words",
        body=f"I [reply]({target_url}).",
        publish_at=None,
    )
    [record] = sweep()
    run_worker_here()  # the go-live hook discovers the endpoint and posts to it
    record.refresh_from_db()
    assert record.state == "done"
    run_worker_here()  # the receiver's verification (if that batch did not reach it)
    mention = Mention.objects.get()
    assert mention.writing_id == target.pk
    assert mention.source == f"{sender}/sending-words/"
    assert mention.status == "verified"  # fetched the source, found the link
    assert mention.title.startswith("Sending words")
    assert f"{sender}/sending-words/" not in admin_client.get("/receiving-words/").text
    _moderate(admin_client, mention, "approve")
    settings.SITE_URL = receiver
    page = admin_client.get("/receiving-words/").text
    assert f'href="{sender}/sending-words/"' in page


def test_a_deleted_post_takes_its_mentions_along(post):
    Mention.objects.create(writing=post, source="https://e.example/1", target=TARGET)
    post.delete()
    assert not Mention.objects.exists()
