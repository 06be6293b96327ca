"""The one publishing rule: published status, publish time reached, expiry not reached."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from books.models import Book
from core.publishing import State, Status
from essays.models import Writing
from pages.models import Page

from .factories import (
    ArticleAnalysisFactory,
    BookFactory,
    DevReflectionFactory,
    EssayFactory,
    TagFactory,
)
from .public import public_urls

NOON = datetime(2026, 3, 1, 12, 0, tzinfo=ZoneInfo("UTC"))
SECOND = timedelta(seconds=1)

# (status, publish_at relative to now or None, public?)
TRUTH_TABLE = [
    pytest.param(Status.DRAFT, None, False, id="draft-undated"),
    pytest.param(Status.DRAFT, -timedelta(days=1), False, id="draft-past-date"),
    pytest.param(Status.DRAFT, timedelta(days=1), False, id="draft-future-date"),
    pytest.param(Status.PUBLISHED, timedelta(days=1), False, id="scheduled"),
    pytest.param(Status.PUBLISHED, SECOND, False, id="scheduled-one-second-ahead"),
    pytest.param(Status.PUBLISHED, timedelta(0), True, id="boundary-instant"),
    pytest.param(Status.PUBLISHED, -SECOND, True, id="published-one-second-ago"),
    pytest.param(Status.PUBLISHED, -timedelta(days=400), True, id="published-long-ago"),
]

FACTORIES = [EssayFactory, ArticleAnalysisFactory, DevReflectionFactory, BookFactory]


@pytest.mark.django_db
@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f._meta.model.__name__)
@pytest.mark.parametrize(("status", "offset", "public"), TRUTH_TABLE)
def test_truth_table(factory, status, offset, public):
    with time_machine.travel(NOON, tick=False):
        obj = factory(status=status, publish_at=None if offset is None else NOON + offset)
        model = type(obj)
        assert model.objects.published().filter(pk=obj.pk).exists() is public
        assert obj.is_published() is public
        if model is not Book:
            # The shared table agrees with the type's own table.
            assert Writing.objects.published().filter(pk=obj.pk).exists() is public


@pytest.mark.django_db
def test_a_scheduled_post_goes_live_by_itself_at_its_instant():
    with time_machine.travel(NOON, tick=False) as traveller:
        post = EssayFactory(publish_at=NOON + timedelta(hours=2))
        assert post.state == State.SCHEDULED
        assert post.state_label.startswith("Scheduled for")
        assert not Writing.objects.published().filter(pk=post.pk).exists()

        traveller.move_to(NOON + timedelta(hours=2) - SECOND)
        assert not Writing.objects.published().filter(pk=post.pk).exists()

        traveller.move_to(NOON + timedelta(hours=2))
        assert Writing.objects.published().filter(pk=post.pk).exists()
        post.refresh_from_db()
        assert post.state == State.PUBLISHED
        assert post.state_label == "Published"


@pytest.mark.django_db
def test_publishing_without_a_date_means_now():
    with time_machine.travel(NOON, tick=False):
        post = EssayFactory(status=Status.PUBLISHED, publish_at=None)
        assert post.publish_at == NOON
        assert post.is_published()


@pytest.mark.django_db
def test_a_draft_is_labelled_draft_whatever_its_date():
    post = EssayFactory(draft=True, publish_at=NOON)
    assert post.state == State.DRAFT
    assert post.state_label == "Draft"
    assert post.publish_at == NOON


# Expiry: the same query-time rule. (publish_at, expire_at) relative to now, public?
EXPIRY_TABLE = [
    pytest.param(-timedelta(days=1), None, True, id="never-expires"),
    pytest.param(-timedelta(days=1), timedelta(days=1), True, id="expires-tomorrow"),
    pytest.param(-timedelta(days=1), SECOND, True, id="expires-in-one-second"),
    pytest.param(-timedelta(days=1), timedelta(0), False, id="expiry-instant"),
    pytest.param(-timedelta(days=1), -SECOND, False, id="expired-one-second-ago"),
    pytest.param(timedelta(days=1), timedelta(days=2), False, id="scheduled-with-expiry"),
]


def _page(**fields):
    return Page.objects.create(title="A page", slug="a-page", body="Text.", **fields)


@pytest.mark.django_db
@pytest.mark.parametrize("factory", [*FACTORIES, _page], ids=lambda f: getattr(f, "__name__", ""))
@pytest.mark.parametrize(("offset", "expiry", "public"), EXPIRY_TABLE)
def test_expiry_truth_table(factory, offset, expiry, public):
    with time_machine.travel(NOON, tick=False):
        obj = factory(
            status=Status.PUBLISHED,
            publish_at=NOON + offset,
            expire_at=None if expiry is None else NOON + expiry,
        )
        model = type(obj)
        assert model.objects.published().filter(pk=obj.pk).exists() is public
        assert obj.is_published() is public
        if isinstance(obj, Writing):
            assert Writing.objects.published().filter(pk=obj.pk).exists() is public


@pytest.mark.django_db
def test_every_post_is_in_exactly_one_state_and_published_is_the_one_rule():
    """Draft, scheduled, published and expired split the posts; the query, the instance's
    check and the admin's label agree."""
    with time_machine.travel(NOON, tick=False):
        posts = [
            EssayFactory(draft=True),
            EssayFactory(draft=True, publish_at=NOON - timedelta(days=2)),
            EssayFactory(publish_at=NOON + timedelta(hours=1)),
            EssayFactory(publish_at=NOON - timedelta(hours=1)),
            EssayFactory(publish_at=NOON - timedelta(days=2), expire_at=NOON + SECOND),
            EssayFactory(publish_at=NOON - timedelta(days=2), expire_at=NOON),
            EssayFactory(publish_at=NOON - timedelta(days=2), expire_at=NOON - timedelta(days=1)),
        ]
        sets = {
            State.DRAFT: set(Writing.objects.drafts().values_list("pk", flat=True)),
            State.SCHEDULED: set(Writing.objects.scheduled().values_list("pk", flat=True)),
            State.PUBLISHED: set(Writing.objects.published().values_list("pk", flat=True)),
            State.EXPIRED: set(Writing.objects.expired().values_list("pk", flat=True)),
        }
        for post in posts:
            assert [state for state, pks in sets.items() if post.pk in pks] == [post.state]
            assert post.is_published() is (post.state == State.PUBLISHED)
        assert [post.state for post in posts] == [
            State.DRAFT,
            State.DRAFT,
            State.SCHEDULED,
            State.PUBLISHED,
            State.PUBLISHED,
            State.EXPIRED,
            State.EXPIRED,
        ]


@pytest.mark.django_db
def test_an_expired_post_is_labelled_with_its_expiry():
    with time_machine.travel(NOON, tick=False):
        post = EssayFactory(publish_at=NOON - timedelta(days=2), expire_at=NOON - SECOND)
        assert post.state == State.EXPIRED
        assert post.state_label.startswith("Expired ")
        assert str(NOON.year) in post.state_label


@pytest.mark.django_db
def test_a_post_comes_down_by_itself_at_its_expiry():
    with time_machine.travel(NOON, tick=False) as traveller:
        post = EssayFactory(
            publish_at=NOON - timedelta(days=1), expire_at=NOON + timedelta(hours=2)
        )
        assert Writing.objects.published().filter(pk=post.pk).exists()
        traveller.move_to(NOON + timedelta(hours=2) - SECOND)
        assert Writing.objects.published().filter(pk=post.pk).exists()
        traveller.move_to(NOON + timedelta(hours=2))
        assert not Writing.objects.published().filter(pk=post.pk).exists()
        post.refresh_from_db()
        assert post.state == State.EXPIRED


@pytest.mark.django_db
@pytest.mark.parametrize("factory", [*FACTORIES, _page], ids=lambda f: getattr(f, "__name__", ""))
def test_the_expiry_must_come_after_the_publish_time(factory):
    with time_machine.travel(NOON, tick=False):
        obj = factory(status=Status.PUBLISHED, publish_at=NOON)
        for expiry in (NOON, NOON - SECOND):
            obj.expire_at = expiry
            with pytest.raises(ValidationError) as raised:
                obj.full_clean()
            assert "expire_at" in raised.value.message_dict
        obj.expire_at = NOON + SECOND
        obj.full_clean()
        # Undated drafts may carry an expiry; a published post without a time is dated now.
        obj.status, obj.publish_at, obj.expire_at = Status.DRAFT, None, NOON - SECOND
        obj.full_clean()
        obj.status = Status.PUBLISHED
        with pytest.raises(ValidationError):
            obj.full_clean()


@pytest.mark.django_db
def test_expiry_hides_content_from_every_public_surface(client):
    """The walk of every public URL: before its expiry each item shows where it belongs,
    from that instant it shows nowhere and its own address is a 404."""
    with time_machine.travel(NOON, tick=False) as traveller:
        tag = TagFactory(name="fleeting")
        EssayFactory(tags=[tag], title="Stays up")  # keeps the tag's pages alive
        expiring = dict(publish_at=NOON - timedelta(days=1), expire_at=NOON + timedelta(hours=1))
        items = [
            EssayFactory(
                slug="gone-essay", title="Gone essay", featured=True, tags=[tag], **expiring
            ),
            DevReflectionFactory(
                slug="gone-episode",
                title="Gone episode",
                tags=[tag],
                audio_url="https://cdn.example.com/gone.mp3",
                **expiring,
            ),
            ArticleAnalysisFactory(slug="gone-analysis", title="Gone analysis", **expiring),
            BookFactory(slug="gone-book", title="Gone book", **expiring),
            Page.objects.create(
                title="Gone page", slug="gone-page", status=Status.PUBLISHED, **expiring
            ),
        ]
        urls = public_urls()
        for item in items:
            assert item.get_absolute_url() in urls
        seen = {url for url in urls if "gone-episode" in client.get(url).content.decode()}
        assert {"/", "/blog/", "/podcast/", "/index.xml", "/sitemap.xml"} <= seen

        traveller.move_to(NOON + timedelta(hours=1))
        urls = public_urls()
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            for item in items:
                assert item.slug not in html, f"{item.slug} still shows on {url}"
                assert item.title not in html, f"{item.title} still shows on {url}"
        for item in items:
            assert client.get(item.get_absolute_url()).status_code == 404, item.slug


@pytest.mark.django_db
def test_the_admin_shows_and_filters_expired_posts(staff_client):
    EssayFactory(title="Live one")
    EssayFactory(
        title="Expired one",
        publish_at=timezone.now() - timedelta(days=2),
        expire_at=timezone.now() - timedelta(days=1),
    )
    url = reverse("admin:essays_essay_changelist")
    assert "Expired " in staff_client.get(url).content.decode()
    for state, titles in [("expired", ["Expired one"]), ("published", ["Live one"])]:
        response = staff_client.get(url, {"state": state})
        assert [post.title for post in response.context["cl"].result_list] == titles
    for name in ("essays_essay", "essays_articleanalysis", "essays_devreflection"):
        form = staff_client.get(reverse(f"admin:{name}_add")).content.decode()
        assert 'name="expire_at_0"' in form
    for name in ("books_book", "pages_page"):
        form = staff_client.get(reverse(f"admin:{name}_add")).content.decode()
        assert 'name="expire_at_0"' in form
