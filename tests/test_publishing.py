"""The one publishing rule: published status and publish time reached."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from books.models import Book
from core.publishing import State, Status
from essays.models import Writing

from .factories import ArticleAnalysisFactory, BookFactory, DevReflectionFactory, EssayFactory

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
