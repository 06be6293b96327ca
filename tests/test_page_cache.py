"""The page cache: anonymous reads served from it, never stale, never past a go-live.

The test profile turns the cache off (the other tests pin query counts); these turn it
on, on the profile's in-memory ``pages`` cache. Changes invalidate once their transaction
commits, so the saves here run their on-commit callbacks.
"""

import logging
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse, HttpResponseRedirect
from django.test import Client, RequestFactory
from django.urls import reverse

from core import page_cache
from core.middleware import PageCacheMiddleware
from core.models import Redirect, SiteSettings
from essays.models import Writing
from pages.models import Page, Project
from related.models import RelatedChoice

from .factories import BookFactory, EssayFactory, TagFactory

NOON = datetime(2026, 3, 1, 12, 0, tzinfo=ZoneInfo("UTC"))
SECOND = timedelta(seconds=1)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True
    caches[page_cache.ALIAS].clear()
    page_cache._Outage.until = 0.0
    yield
    page_cache._Outage.until = 0.0


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a change as if its transaction committed."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_a_second_read_is_served_from_the_cache_without_a_query(client, django_assert_num_queries):
    post = EssayFactory(title="Cached words")
    first = client.get(post.get_absolute_url())
    assert first.status_code == 200 and first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        again = client.get(post.get_absolute_url())
    assert again["X-Cache"] == "hit"
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert "Cached words" in again.text


def test_get_and_head_share_a_page_and_hosts_and_queries_do_not(client):
    client.get("/")
    assert client.head("/")["X-Cache"] == "hit"
    assert client.get("/", HTTP_HOST="localhost")["X-Cache"] == "miss"
    assert client.get("/?page=2")["X-Cache"] == "miss"
    assert client.get("/", secure=True)["X-Cache"] == "miss"


def test_a_404_and_a_redirect_are_cached_too(client):
    Redirect.objects.create(old_path="/old-address/", new_path="/")
    for path in ("/no-such-thing/", "/old-address/"):
        client.get(path)
    assert client.get("/no-such-thing/")["X-Cache"] == "hit"
    moved = client.get("/old-address/")
    assert moved.status_code == 301 and moved["X-Cache"] == "hit"
    assert moved["Location"] == "/"


def test_a_save_makes_every_cached_page_stale_once_committed(client, committed):
    post = EssayFactory(title="Before")
    for url in (post.get_absolute_url(), "/"):
        client.get(url)
    post.title = "After"
    with committed():
        post.save()
    page = client.get(post.get_absolute_url())
    assert page["X-Cache"] == "miss" and "After" in page.text
    assert client.get("/")["X-Cache"] == "miss"


def test_nothing_changes_for_readers_before_the_commit(client, django_capture_on_commit_callbacks):
    post = EssayFactory(title="Before")
    client.get(post.get_absolute_url())
    with django_capture_on_commit_callbacks() as callbacks:
        post.title = "After"
        post.save()
    assert client.get(post.get_absolute_url())["X-Cache"] == "hit"
    for callback in callbacks:
        callback()
    assert "After" in client.get(post.get_absolute_url()).text


def _deleting_a_post():
    post = EssayFactory()
    return lambda: Writing.objects.filter(pk=post.pk).delete()


def _tagging_a_post():
    post, tag = EssayFactory(), TagFactory()
    return lambda: post.tags.add(tag)


def _clearing_a_tag():
    tag = TagFactory()
    tag.writings.add(EssayFactory())
    return tag.writings.clear


def _renaming_a_tag():
    tag = TagFactory()

    def rename():
        tag.name = "renamed"
        tag.save()

    return rename


def _pinning():
    source, target = EssayFactory(), EssayFactory()
    return lambda: RelatedChoice.objects.create(
        source=source, target=target, action=RelatedChoice.Action.PIN
    )


# Each prepares what it needs (its own saves invalidate already) and returns the change.
CHANGES = {
    "post saved": lambda: EssayFactory,
    "post deleted": _deleting_a_post,
    "tag added to a post": _tagging_a_post,
    "tag's posts cleared": _clearing_a_tag,
    "tag renamed": _renaming_a_tag,
    "book saved": lambda: BookFactory,
    "page saved": lambda: lambda: Page.objects.create(title="About", slug="about"),
    "project saved": lambda: lambda: Project.objects.create(name="A thing"),
    "site settings saved": lambda: SiteSettings(author_name="Someone Else").save,
    "redirect saved": lambda: lambda: Redirect.objects.create(old_path="/a/", new_path="/"),
    "related pin saved": _pinning,
}


@pytest.mark.parametrize("prepare", CHANGES.values(), ids=CHANGES.keys())
def test_every_change_readers_can_see_invalidates(client, committed, prepare):
    change = prepare()
    client.get("/")
    assert client.get("/")["X-Cache"] == "hit"
    with committed():
        change()
    assert client.get("/")["X-Cache"] == "miss"


# Models readers never see, or that only code which invalidates itself writes.
NOT_WATCHED = {
    "editorial.Revision",  # an editor's history
    "editorial.PreviewLink",  # previews are never cached
    "editorial.Autosave",  # typing kept for its writer; never a page
    "editorial.EditorNote",  # notes between staff; readers never see them
    "transfer.ImportRecord",  # the importer's memory
    "transfer.ImportRun",  # the last imports' warnings, for the admin desk
    "golive.GoLive",  # the worker's record of side effects; readers never see it
    "golive.Tracking",
    "search.SearchEntry",  # written in bulk: search/index.py invalidates
    "related.IndexEntry",  # the engine's vectors: related/store.py invalidates
    "related.RelatedLink",  # written with raw SQL: related/store.py invalidates
}


def test_every_model_of_the_site_is_watched_or_said_not_to_need_it():
    watched = tuple(apps.get_model(label) for label in settings.PAGE_CACHE_MODELS)
    local = [
        model
        for config in apps.get_app_configs()
        if Path(config.path).parent == settings.BASE_DIR
        for model in config.get_models()
    ]
    unwatched = {model._meta.label for model in local if not issubclass(model, watched)}
    assert unwatched == NOT_WATCHED


def test_a_scheduled_post_appears_on_time_and_nothing_outlives_its_instant(client, settings):
    settings.PAGE_CACHE_SECONDS = settings.PAGE_CACHE_CDN_SECONDS = 24 * 60 * 60
    with time_machine.travel(NOON, tick=False) as traveller:
        post = EssayFactory(title="Scheduled words", publish_at=NOON + timedelta(hours=2))
        urls = ["/", reverse("essays:blog"), reverse("feeds:all")]
        for url in urls:
            page = client.get(url)
            assert "Scheduled words" not in page.text
            assert page["Cache-Control"] == "public, max-age=0, s-maxage=7200"
        assert client.get(post.get_absolute_url()).status_code == 404

        traveller.move_to(NOON + timedelta(hours=2) - SECOND)
        for url in urls:
            page = client.get(url)
            assert page["X-Cache"] == "hit" and "Scheduled words" not in page.text
            assert page["Cache-Control"].endswith("s-maxage=1")

        traveller.move_to(NOON + timedelta(hours=2))
        for url in urls:
            page = client.get(url)
            assert page["X-Cache"] == "miss" and "Scheduled words" in page.text
            assert page["Cache-Control"] == "public, max-age=0, s-maxage=86400"
        assert client.get(post.get_absolute_url()).status_code == 200


def test_an_expiring_post_comes_down_on_time(client):
    with time_machine.travel(NOON, tick=False) as traveller:
        post = EssayFactory(
            publish_at=NOON - timedelta(days=1), expire_at=NOON + timedelta(minutes=5)
        )
        assert client.get(post.get_absolute_url()).status_code == 200
        traveller.move_to(NOON + timedelta(minutes=5))
        assert client.get(post.get_absolute_url()).status_code == 404


def test_a_page_lives_at_most_page_cache_seconds(client, settings):
    settings.PAGE_CACHE_SECONDS = 60
    with time_machine.travel(NOON, tick=False) as traveller:
        client.get("/")
        traveller.move_to(NOON + timedelta(seconds=59))
        assert client.get("/")["X-Cache"] == "hit"
        traveller.move_to(NOON + timedelta(seconds=60))
        assert client.get("/")["X-Cache"] == "miss"


def test_within_a_second_of_a_go_live_nothing_is_stored(client):
    with time_machine.travel(NOON, tick=False):
        EssayFactory(publish_at=NOON + timedelta(milliseconds=900))
        client.get("/")
        page = client.get("/")
    assert page["X-Cache"] == "miss"
    assert page["Cache-Control"].endswith("s-maxage=0")


def test_the_next_change_costs_one_query_per_table_of_publishable_things(
    django_assert_num_queries,
):
    with time_machine.travel(NOON, tick=False):
        EssayFactory(publish_at=NOON + timedelta(hours=3))
        BookFactory(publish_at=NOON + timedelta(hours=2))
        EssayFactory(publish_at=NOON - timedelta(days=1), expire_at=NOON + timedelta(hours=1))
        EssayFactory(status="draft", publish_at=NOON + timedelta(minutes=1))
        with django_assert_num_queries(3):  # writing, books, pages
            assert page_cache.next_change() == (NOON + timedelta(hours=1)).timestamp()


def test_a_conditional_request_gets_a_304(client):
    etag = client.get("/")["ETag"]
    assert client.get("/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    # A page not yet cached answers the same way.
    caches[page_cache.ALIAS].clear()
    assert client.get("/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/")["X-Cache"] == "hit"


@pytest.mark.parametrize(
    "cookie", [settings.SESSION_COOKIE_NAME, "messages"], ids=["session", "messages"]
)
def test_a_reader_with_a_session_or_messages_is_never_served_from_the_cache(client, cookie):
    client.get("/")
    client.cookies[cookie] = "something"
    page = client.get("/")
    assert page.status_code == 200 and "X-Cache" not in page


def test_staff_get_their_preview_never_a_cached_page(staff_client):
    post = EssayFactory(draft=True, title="Draft words")
    anonymous = Client().get(post.get_absolute_url())
    assert anonymous.status_code == 404 and anonymous["X-Cache"] == "miss"
    preview = staff_client.get(post.get_absolute_url())
    assert preview.status_code == 200 and "Draft words" in preview.text
    assert "X-Cache" not in preview


@pytest.mark.parametrize("path", ["/preview/some-link/", "/admin/login/"])
def test_previews_share_links_and_the_admin_are_never_cached(client, path):
    client.get(path)
    assert "X-Cache" not in client.get(path)


def _middleware_response(response, method="get"):
    request = getattr(RequestFactory(), method)("/somewhere/")
    return PageCacheMiddleware(lambda request: response)(request)


@pytest.mark.parametrize(
    "response",
    [
        HttpResponse(status=500),
        HttpResponse(status=403),
        HttpResponseRedirect("/elsewhere/"),
        HttpResponse(headers={"Cache-Control": "private"}),
        HttpResponse(headers={"Vary": "Accept-Encoding"}),
    ],
    ids=["500", "403", "302", "own cache-control", "varies on encoding"],
)
def test_only_responses_fit_for_anyone_are_stored(response):
    assert "X-Cache" not in _middleware_response(response)


def test_a_response_that_sets_a_cookie_is_not_stored():
    response = HttpResponse()
    response.set_cookie("csrftoken", "x")
    assert "X-Cache" not in _middleware_response(response)


def test_a_post_is_never_cached():
    assert "X-Cache" not in _middleware_response(HttpResponse(), method="post")


@pytest.mark.parametrize("status", [200, 301, 404])
def test_the_three_statuses_anyone_may_see_are_stored(status):
    assert _middleware_response(HttpResponse(status=status))["X-Cache"] == "miss"


def test_a_cache_that_is_down_serves_pages_uncached_and_warns_once(client, settings, caplog):
    settings.CACHES = {
        **settings.CACHES,
        page_cache.ALIAS: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6390/0",  # nothing listens there
        },
    }
    post = EssayFactory(title="Still served")
    with caplog.at_level(logging.WARNING, logger="core.page_cache"):
        pages = [client.get(post.get_absolute_url()) for _ in range(3)]
    assert [page.status_code for page in pages] == [200, 200, 200]
    assert all("Still served" in page.text and "X-Cache" not in page for page in pages)
    assert len(caplog.records) == 1
    assert "served uncached" in caplog.records[0].getMessage()


def test_a_change_while_the_cache_is_down_is_logged_not_raised(settings, caplog, committed):
    settings.CACHES = {
        **settings.CACHES,
        page_cache.ALIAS: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6390/0",
        },
    }
    with caplog.at_level(logging.ERROR, logger="core.page_cache"), committed():
        EssayFactory()
    assert "could not be invalidated" in caplog.text
