"""Login throttling (django-axes) and share-link throttling: five failures for one account
or from one address, then refused for 15 minutes, counted outside any one process. And
the Webmention endpoint's rate limit: so many POSTs a minute from one address."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from editorial.models import PreviewLink

from .factories import EssayFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def fresh_counts():
    caches["pages"].clear()
    yield
    caches["pages"].clear()


@pytest.fixture
def author(django_user_model):
    return django_user_model.objects.create_superuser("admin", "a@example.com", "right-one")


def log_in(client, username, password, address="203.0.113.5"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_wrong_passwords_lock_the_account_for_15_minutes(client, author):
    for _ in range(4):
        response = log_in(client, "admin", "wrong")
        assert response.status_code == 200  # the form again, with its error
    assert log_in(client, "admin", "wrong").status_code == 429  # the fifth: now paused
    # Even the right password, even from elsewhere: the account is paused.
    response = log_in(client, "admin", "right-one", address="198.51.100.7")
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.filter(username="admin").exists()  # in the database
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = log_in(client, "admin", "right-one", address="198.51.100.7")
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(author.pk)


def test_five_failures_from_one_address_lock_that_address(client, author):
    for n in range(5):
        log_in(client, f"guess-{n}", "wrong")
    assert log_in(client, "admin", "right-one").status_code == 429
    # Another address may still sign in.
    assert log_in(client, "admin", "right-one", address="198.51.100.7").status_code == 302


def forwarded(client, username, password, chain, balancer="10.0.0.2"):
    """A login through a load balancer at ``balancer`` that appended the address it was
    reached from to what the client sent as X-Forwarded-For."""
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        REMOTE_ADDR=balancer,
        headers={"X-Forwarded-For": chain},
    )


def test_behind_a_load_balancer_each_reader_is_counted_apart(client, author, settings):
    settings.PROXY_COUNT = 1
    # One reader guesses five times, writing a new made-up address before the real one
    # each time: the balancer's appended address is what counts.
    for n in range(5):
        forwarded(client, f"guess-{n}", "wrong", f"192.0.2.{n}, 203.0.113.5")
    assert forwarded(client, "admin", "right-one", "203.0.113.5").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    # Another reader through the same balancer is not locked out.
    assert forwarded(client, "admin", "right-one", "198.51.100.7").status_code == 302


def test_without_a_proxy_a_forwarded_header_is_never_believed(client, author, settings):
    settings.PROXY_COUNT = 0
    for n in range(5):
        forwarded(client, f"guess-{n}", "wrong", f"192.0.2.{n}", balancer="203.0.113.5")
    response = forwarded(client, "admin", "right-one", "198.51.100.7", balancer="203.0.113.5")
    assert response.status_code == 429


def test_a_forwarded_value_that_is_no_address_falls_back_to_the_connection(client, settings):
    settings.PROXY_COUNT = 1
    response = forwarded(client, "nobody", "wrong", "<script>, not-an-ip")
    assert response.status_code == 200  # the form again, no error page
    assert AccessAttempt.objects.get().ip_address == "10.0.0.2"


def test_a_success_clears_the_count(client, author):
    for _ in range(4):
        log_in(client, "admin", "wrong")
    assert log_in(client, "admin", "right-one").status_code == 302
    client.logout()
    for _ in range(4):
        log_in(client, "admin", "wrong")
    assert log_in(client, "admin", "right-one").status_code == 302


def test_share_links_are_throttled_the_same_way(client):
    post = EssayFactory(draft=True)
    link = PreviewLink.objects.create(writing=post)
    good = link.get_absolute_url()
    assert client.get(good).status_code == 200
    for n in range(5):
        assert client.get(reverse("preview", args=[f"guess-{n}"])).status_code == 404
    response = client.get(good)
    assert response.status_code == 429
    assert "Too many tries" in response.content.decode()
    assert client.get(good, REMOTE_ADDR="198.51.100.7").status_code == 200  # others may


def test_webmentions_are_limited_per_address_per_minute(client):
    """Each POST to the endpoint may cost a fetch of another site: 30 a minute from one
    address, accepted or refused alike; then 429 with Retry-After until the minute ends."""
    from indieweb.models import Mention
    from indieweb.views import RECEIVING

    post = EssayFactory(slug="target-words")
    endpoint = reverse("indieweb:webmention")
    good = {
        "source": "https://elsewhere.example/reply",
        "target": "http://testserver/target-words/",
    }
    bad = {"source": "https://elsewhere.example/reply", "target": "http://testserver/no-such/"}
    assert RECEIVING.limit == 30 and RECEIVING.seconds == 60
    for _ in range(RECEIVING.limit):
        assert client.post(endpoint, bad).status_code == 400
    response = client.post(endpoint, good)
    assert response.status_code == 429
    assert 55 <= int(response["Retry-After"]) <= 60
    assert response["Content-Type"].startswith("text/plain")
    assert "Too many Webmentions" in response.text
    assert not Mention.objects.exists()  # refused before anything was stored
    # Another address may still send; this one may again once the minute is over.
    assert client.post(endpoint, good, REMOTE_ADDR="198.51.100.7").status_code == 202
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert client.post(endpoint, good).status_code == 202
    assert Mention.objects.get().writing_id == post.pk


def test_the_window_ends_a_minute_after_it_began_in_a_file_cache(client, settings, tmp_path):
    """The file cache (the default without Redis) stores a value again with its default
    timeout (5 minutes) on ``incr``: the window must not move with it."""
    from indieweb.views import RECEIVING

    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        },
    }
    EssayFactory(slug="target-words")
    endpoint = reverse("indieweb:webmention")
    good = {"source": "https://elsewhere.example/a", "target": "http://testserver/target-words/"}
    start = timezone.now()
    for second in range(RECEIVING.limit):
        with time_machine.travel(start + timedelta(seconds=second), tick=False):
            assert client.post(endpoint, good).status_code == 202
    with time_machine.travel(start + timedelta(seconds=40), tick=False):
        response = client.post(endpoint, good)
        assert (response.status_code, response["Retry-After"]) == (429, "20")
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert client.post(endpoint, good).status_code == 202


def test_without_its_cache_the_webmention_throttle_lets_mentions_through(client, monkeypatch):
    from core import throttle
    from indieweb.views import RECEIVING

    class Down:
        def __getattr__(self, name):
            raise ConnectionError("the cache is down")

    monkeypatch.setattr(throttle, "caches", {"pages": Down()})
    EssayFactory(slug="target-words")
    data = {"source": "https://elsewhere.example/a", "target": "http://testserver/target-words/"}
    for _ in range(RECEIVING.limit + 1):
        assert client.post(reverse("indieweb:webmention"), data).status_code == 202
