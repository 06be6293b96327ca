"""Autosave to the server (editorial/admin/autosave.py, static/editorial/autosave.js): a
post's text fields kept per user every few seconds, never a revision, never the post;
offered back when newer than the post, gone once the post is saved; who else is editing.
The browser side: test_autosave_browser.py."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from core.publishing import Status
from editorial import revisions
from editorial.models import Autosave
from essays.models import Essay

from .factories import EssayFactory
from .test_editorial import essay_form, user_with_role

pytestmark = pytest.mark.django_db


def autosave_url(post):
    return reverse(f"admin:essays_{post.kind}_autosave", args=[post.pk])


def change_url(post):
    return reverse(f"admin:essays_{post.kind}_change", args=[post.pk])


@pytest.fixture
def ed(django_user_model):
    return user_with_role(django_user_model, "Editor", "ed")


@pytest.fixture
def olga(django_user_model):
    user = user_with_role(django_user_model, "Editor", "olga")
    user.first_name, user.last_name = "Olga", "Ek"
    user.save()
    return user


@pytest.fixture
def draft(ed):
    return EssayFactory(draft=True, author=ed, title="Tides", body="First words.")


def test_autosave_keeps_the_text_fields_without_touching_the_post(client, ed, draft):
    client.force_login(ed)
    before = Essay.objects.get(pk=draft.pk)
    kept = revisions.for_object(draft).count()
    data = {"title": "Tides, again", "body": "Words typed.", "status": "published"}
    answer = client.post(autosave_url(draft), data)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/json"
    copy = Autosave.objects.get(writing=draft, user=ed)
    # Text fields only: the status (a select) is no text to keep, and publishes nothing.
    assert copy.data["body"] == "Words typed." and copy.data["title"] == "Tides, again"
    assert "status" not in copy.data
    after = Essay.objects.get(pk=draft.pk)
    assert (after.body, after.status, after.updated) == (
        "First words.",
        Status.DRAFT,
        before.updated,
    )
    assert revisions.for_object(draft).count() == kept
    # Typing on: the same row again, never one per keystroke.
    client.post(autosave_url(draft), {"body": "Words typed, and more."})
    assert Autosave.objects.filter(writing=draft).count() == 1
    assert Autosave.objects.get().data["body"] == "Words typed, and more."


def test_a_copy_newer_than_the_post_is_offered_back(client, ed, draft):
    client.force_login(ed)
    client.post(autosave_url(draft), {"body": "Never saved."})
    client.logout()  # the session ended, or the browser crashed
    client.force_login(ed)
    answer = client.get(autosave_url(draft)).json()
    assert answer["autosave"]["values"]["body"] == "Never saved."
    assert answer["autosave"]["saved_at_text"]  # "2 December 2026, 16:50:02"
    # Once the post is saved after it, the copy is stale: dropped, not offered.
    Essay.objects.get(pk=draft.pk).save()
    assert client.get(autosave_url(draft)).json()["autosave"] is None
    assert not Autosave.objects.exists()


def test_saving_the_post_deletes_the_users_copy_only(client, ed, olga, draft):
    client.force_login(olga)
    client.post(autosave_url(draft), {"body": "Olga's words."})
    client.force_login(ed)
    client.post(autosave_url(draft), {"body": "Ed's words."})
    response = client.post(change_url(draft), essay_form(title="Tides", slug=draft.slug))
    assert response.status_code == 302
    assert list(Autosave.objects.values_list("user__username", flat=True)) == ["olga"]


def test_discarding_drops_the_copy(client, ed, draft):
    client.force_login(ed)
    client.post(autosave_url(draft), {"body": "Unwanted."})
    client.post(autosave_url(draft), {"_discard": "1"})
    assert not Autosave.objects.exists()


def test_others_editing_in_the_last_minute_are_named(client, ed, olga, draft):
    client.force_login(olga)
    client.post(autosave_url(draft), {"body": "Olga types."})
    client.force_login(ed)
    answer = client.get(autosave_url(draft)).json()
    assert [other["name"] for other in answer["others"]] == ["Olga Ek"]
    page = client.get(change_url(draft)).content.decode()
    assert "Olga Ek is also editing this post." in page
    # A minute later, with no more typing: no longer editing.
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert client.get(autosave_url(draft)).json()["others"] == []
        assert "also editing" not in client.get(change_url(draft)).content.decode()


def test_the_answer_says_when_the_post_was_saved_since_the_form_opened(client, ed, draft):
    client.force_login(ed)
    opened_on = draft.updated.isoformat()
    assert "saved_since" not in client.get(autosave_url(draft), {"based_on": opened_on}).json()
    Essay.objects.get(pk=draft.pk).save()
    answer = client.get(autosave_url(draft), {"based_on": opened_on}).json()
    assert answer["saved_since"]["at"]


def test_a_contributor_autosaves_only_their_own_drafts(client, django_user_model, ed, draft):
    cora = user_with_role(django_user_model, "Contributor", "cora")
    own = EssayFactory(draft=True, author=cora)
    published = EssayFactory(author=cora)
    client.force_login(cora)
    assert client.post(autosave_url(own), {"body": "Mine."}).status_code == 200
    # Someone else's draft is not found for them; their own published post is refused.
    assert client.post(autosave_url(draft), {"body": "Not mine."}).status_code == 404
    assert client.post(autosave_url(published), {"body": "Live."}).status_code == 403
    assert client.get(autosave_url(draft)).status_code == 404
    assert list(Autosave.objects.values_list("writing_id", flat=True)) == [own.pk]


def test_signed_out_autosave_goes_to_the_login_page_and_keeps_nothing(client, draft):
    response = client.post(autosave_url(draft), {"body": "Anonymous."})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not Autosave.objects.exists()


def test_the_form_loads_the_autosave_script(client, ed, draft):
    client.force_login(ed)
    page = client.get(change_url(draft)).content.decode()
    assert "editorial/autosave.js" in page
    assert 'name="based_on"' in page
