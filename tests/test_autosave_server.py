"""Autosave to the server (editorial/admin/autosave.py, static/editorial/autosave.js): a
post's text fields kept per user every few seconds, never a revision, never the post;
offered back until its user saves the post or discards it (saying so when the post was
saved since); who else is editing. A new post's copies: one per add form. The browser
side: test_autosave_browser.py."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.publishing import Status
from editorial import revisions
from editorial.admin import autosave
from editorial.models import Autosave
from essays.models import Essay, Writing

from .factories import EssayFactory
from .test_editorial import essay_form, user_with_role

pytestmark = pytest.mark.django_db


def autosave_url(post):
    return reverse(f"admin:essays_{post.kind}_autosave", args=[post.pk])


def change_url(post):
    return reverse(f"admin:essays_{post.kind}_change", args=[post.pk])


@pytest.fixture(autouse=True)
def fresh_cache():
    """Which add forms added their post is kept in the pages cache: none, at each test."""
    caches["pages"].clear()
    yield
    caches["pages"].clear()


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
    assert "saved_since" not in answer["autosave"]


def test_anothers_save_keeps_the_copy_and_the_offer_names_them(
    client, ed, olga, draft, django_capture_on_commit_callbacks
):
    """Ed types and it autosaves; Olga saves the post; Ed's tab crashes. Reopened, Ed's
    copy is still offered, saying who saved the post since and when."""
    client.force_login(ed)
    client.post(autosave_url(draft), {"body": "Ed's paragraph, never saved."})
    client.force_login(olga)
    with django_capture_on_commit_callbacks(execute=True):  # her save's revision
        response = client.post(change_url(draft), essay_form(title="Tides", slug=draft.slug))
    assert response.status_code == 302
    client.force_login(ed)
    copy = client.get(autosave_url(draft)).json()["autosave"]
    assert copy["values"]["body"] == "Ed's paragraph, never saved."
    saved = Essay.objects.get(pk=draft.pk).updated
    assert copy["saved_since"] == {"by": "Olga Ek", "at": autosave.when(saved)}
    assert Autosave.objects.filter(writing=draft, user=ed).exists()
    # A save without a revision (a bulk action, a reschedule, a rename) keeps it too.
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        Essay.objects.get(pk=draft.pk).save()
    assert client.get(autosave_url(draft)).json()["autosave"]["values"]["body"] == (
        "Ed's paragraph, never saved."
    )
    # Only Ed's own save drops it.
    version = Essay.objects.get(pk=draft.pk).updated.isoformat()
    form = essay_form(title="Tides", slug=draft.slug, based_on=version)
    assert client.post(change_url(draft), form).status_code == 302
    assert not Autosave.objects.filter(user=ed).exists()


def test_a_save_with_a_restore_offer_unanswered_keeps_the_copy(
    client, ed, draft, django_capture_on_commit_callbacks
):
    client.force_login(ed)
    client.post(autosave_url(draft), {"body": "A paragraph kept only here."})
    form = essay_form(title="Retitled", slug=draft.slug, _keep_autosave="1", _continue="1")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(change_url(draft), form).status_code == 302
    assert Essay.objects.get(pk=draft.pk).title == "Retitled"
    copy = client.get(autosave_url(draft)).json()["autosave"]
    assert copy["values"]["body"] == "A paragraph kept only here."
    assert copy["saved_since"]["by"] == "you"


def test_saving_the_post_deletes_the_users_copy_only(client, ed, olga, draft):
    client.force_login(olga)
    client.post(autosave_url(draft), {"body": "Olga's words."})
    client.force_login(ed)
    client.post(autosave_url(draft), {"body": "Ed's words."})
    response = client.post(change_url(draft), essay_form(title="Tides", slug=draft.slug))
    assert response.status_code == 302
    assert list(Autosave.objects.values_list("user__username", flat=True)) == ["olga"]


def test_each_tab_of_a_post_keeps_its_own_copy(client, ed, draft):
    """Two tabs of one post: one copy each; a tab's save drops its own copy only."""
    client.force_login(ed)
    client.post(autosave_url(draft), {"_draft_key": "tab-b", "body": "Tab B's words."})
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        client.post(autosave_url(draft), {"_draft_key": "tab-a", "body": "Tab A's words."})

    def offered(**query):
        copy = client.get(autosave_url(draft), query).json()["autosave"]
        return copy and (copy["draft_key"], copy["values"]["body"])

    assert offered(_draft_key="tab-b") == ("tab-b", "Tab B's words.")
    # A new tab: the newest copy that no open tab holds.
    assert offered(_draft_key="tab-c") == ("tab-a", "Tab A's words.")
    assert offered(_draft_key="tab-c", taken=["tab-a"]) == ("tab-b", "Tab B's words.")
    assert offered(_draft_key="tab-c", taken=["tab-a", "tab-b"]) is None

    form = essay_form(title="Tides", slug=draft.slug, _draft_key="tab-a")
    assert client.post(change_url(draft), form).status_code == 302
    assert list(Autosave.objects.values_list("draft_key", flat=True)) == ["tab-b"]
    # Restored in a new tab: moved into that tab's copy, not copied.
    client.post(
        autosave_url(draft), {"_draft_key": "tab-c", "_replaces": "tab-b", "body": "Tab B's words."}
    )
    assert list(Autosave.objects.values_list("draft_key", flat=True)) == ["tab-c"]
    client.post(autosave_url(draft), {"_draft_key": "tab-c", "_discard": "1"})
    assert not Autosave.objects.exists()


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


# A new post, before its first save: one copy per user, writing type and add form (its
# key, made by the page), no post made.


def new_post_url(kind="essay"):
    return reverse(f"admin:essays_{kind}_add_autosave")


def add_url(kind="essay"):
    return reverse(f"admin:essays_{kind}_add")


def test_a_new_posts_form_is_autosaved_without_making_a_post(client, ed):
    client.force_login(ed)
    answer = client.post(new_post_url(), {"title": "Harbour", "body": "First words."})
    assert answer.status_code == 200 and answer.json()["saved_at_text"]
    copy = Autosave.objects.get()
    assert (copy.writing, copy.user, copy.content_type.model) == (None, ed, "essay")
    assert copy.data == {"title": "Harbour", "body": "First words."}
    assert not Essay.objects.exists() and not Writing.objects.exists()
    # Typing on: the same row again.
    client.post(new_post_url(), {"title": "Harbour", "body": "First words, and more."})
    assert Autosave.objects.get().data["body"] == "First words, and more."


def test_a_new_posts_copy_is_offered_back_to_its_writer_for_its_type_only(client, ed, olga):
    client.force_login(ed)
    client.post(new_post_url(), {"body": "An essay begun."})
    client.post(new_post_url("devreflection"), {"body": "A reflection begun."})
    client.logout()  # the session ended, or the browser crashed
    client.force_login(ed)
    answer = client.get(new_post_url()).json()
    assert answer["autosave"]["values"] == {"body": "An essay begun."}
    assert answer["autosave"]["saved_at_text"]
    assert client.get(new_post_url("devreflection")).json()["autosave"]["values"] == {
        "body": "A reflection begun."
    }
    assert client.get(new_post_url("articleanalysis")).json()["autosave"] is None
    client.force_login(olga)
    assert client.get(new_post_url()).json()["autosave"] is None
    # The add form loads the script that asks.
    assert "editorial/autosave.js" in client.get(add_url()).content.decode()


def test_adding_the_post_drops_the_new_posts_copy_of_that_type_only(client, ed, olga):
    client.force_login(olga)
    client.post(new_post_url(), {"body": "Olga's new essay."})
    client.force_login(ed)
    client.post(new_post_url(), {"body": "Ed's new essay."})
    client.post(new_post_url("devreflection"), {"body": "Ed's reflection."})
    response = client.post(add_url(), essay_form(title="Harbour", slug="harbour"))
    assert response.status_code == 302
    assert Essay.objects.get().title == "Harbour"
    left = Autosave.objects.values_list("user__username", "content_type__model")
    assert sorted(left) == [("ed", "devreflection"), ("olga", "essay")]
    assert client.get(new_post_url()).json()["autosave"] is None


def test_each_add_form_keeps_its_own_copy(client, ed):
    """Two tabs on the add form, each with its key (made by the page): two copies."""
    client.force_login(ed)
    client.post(new_post_url(), {"_draft_key": "tab-b", "body": "Tab B's essay."})
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        client.post(new_post_url(), {"_draft_key": "tab-a", "body": "Tab A's essay."})
    assert Autosave.objects.count() == 2

    def offered(**query):
        copy = client.get(new_post_url(), query).json()["autosave"]
        return copy and (copy["draft_key"], copy["values"]["body"])

    # A reload of a tab: its own copy, whichever is newer.
    assert offered(_draft_key="tab-b") == ("tab-b", "Tab B's essay.")
    # A new tab: the newest copy that no open tab holds.
    assert offered(_draft_key="tab-c") == ("tab-a", "Tab A's essay.")
    assert offered(_draft_key="tab-c", taken=["tab-a"]) == ("tab-b", "Tab B's essay.")
    assert offered(_draft_key="tab-c", taken=["tab-a", "tab-b"]) is None

    # Restored in the new tab, tab B's copy becomes the new tab's.
    client.post(
        new_post_url(), {"_draft_key": "tab-c", "_replaces": "tab-b", "body": "Tab B's essay."}
    )
    assert sorted(Autosave.objects.values_list("draft_key", flat=True)) == ["tab-a", "tab-c"]

    # Adding tab A's post drops tab A's copy only; "Discard it" drops the one offered.
    form = essay_form(title="Harbour", slug="harbour", _draft_key="tab-a")
    assert client.post(add_url(), form).status_code == 302
    assert list(Autosave.objects.values_list("draft_key", flat=True)) == ["tab-c"]
    client.post(new_post_url(), {"_draft_key": "tab-c", "_discard": "1"})
    assert not Autosave.objects.exists()


def test_an_autosave_arriving_after_its_form_added_the_post_keeps_nothing(client, ed):
    """Sent just before the save, answered after it: the text is in the post already."""
    client.force_login(ed)
    client.post(new_post_url(), {"_draft_key": "tab-a", "body": "Words."})
    form = essay_form(title="Harbour", slug="harbour", body="Words.", _draft_key="tab-a")
    assert client.post(add_url(), form).status_code == 302
    late = client.post(new_post_url(), {"_draft_key": "tab-a", "body": "Words."})
    assert late.json()["added"] is True
    assert not Autosave.objects.exists()
    assert client.get(new_post_url(), {"_draft_key": "tab-b"}).json()["autosave"] is None
    # Another form's key is autosaved as ever.
    client.post(new_post_url(), {"_draft_key": "tab-b", "body": "More."})
    assert list(Autosave.objects.values_list("draft_key", flat=True)) == ["tab-b"]


def test_a_copy_kept_before_add_forms_had_keys_is_still_offered(client, ed):
    essay = ContentType.objects.get_for_model(Essay)
    Autosave.objects.create(content_type=essay, user=ed, data={"body": "From before."})
    client.force_login(ed)
    copy = client.get(new_post_url(), {"_draft_key": "tab-a"}).json()["autosave"]
    assert (copy["draft_key"], copy["values"]) == ("", {"body": "From before."})
    client.post(new_post_url(), {"_draft_key": "tab-a", "_replaces": "", "body": "From before."})
    assert list(Autosave.objects.values_list("draft_key", flat=True)) == ["tab-a"]


def test_adding_with_a_restore_offer_unanswered_keeps_the_copy(client, ed):
    client.force_login(ed)
    client.post(new_post_url(), {"_draft_key": "tab-a", "body": "Kept for the offer."})
    form = essay_form(title="Harbour", slug="harbour", _draft_key="tab-a", _keep_autosave="1")
    assert client.post(add_url(), form).status_code == 302
    assert Essay.objects.get().title == "Harbour"
    assert Autosave.objects.get().data == {"body": "Kept for the offer."}


def test_a_refused_add_keeps_the_new_posts_copy(client, ed):
    client.force_login(ed)
    client.post(new_post_url(), {"body": "Kept."})
    response = client.post(add_url(), essay_form(title="", slug="bad slug!"))
    assert response.status_code == 200  # the form again, with its errors
    assert Autosave.objects.get().data == {"body": "Kept."}


def test_discarding_drops_the_new_posts_copy(client, ed):
    client.force_login(ed)
    client.post(new_post_url(), {"body": "Unwanted."})
    assert client.post(new_post_url(), {"_discard": "1"}).json()["autosave"] is None
    assert not Autosave.objects.exists()


def test_only_those_who_may_add_the_type_autosave_a_new_post(client, django_user_model):
    cora = user_with_role(django_user_model, "Contributor", "cora")
    client.force_login(cora)  # contributors write new drafts
    assert client.post(new_post_url(), {"body": "Mine."}).status_code == 200
    assert client.get(new_post_url()).json()["autosave"]["values"] == {"body": "Mine."}
    watcher = django_user_model.objects.create_user("vic", password="pw", is_staff=True)
    watcher.user_permissions.add(Permission.objects.get(codename="view_essay"))
    client.force_login(watcher)
    assert client.post(new_post_url(), {"body": "No."}).status_code == 403
    assert client.get(new_post_url()).status_code == 403
    assert list(Autosave.objects.values_list("user__username", flat=True)) == ["cora"]
    client.logout()
    response = client.post(new_post_url(), {"body": "Anonymous."})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert Autosave.objects.count() == 1


def test_a_copy_is_either_a_posts_or_a_new_posts(ed, draft):
    essay = ContentType.objects.get_for_model(Essay)
    Autosave.objects.create(writing=None, content_type=essay, user=ed)
    with pytest.raises(IntegrityError), transaction.atomic():
        Autosave.objects.create(writing=None, content_type=essay, user=ed)  # one per form
    Autosave.objects.create(writing=None, content_type=essay, user=ed, draft_key="tab-b")
    with pytest.raises(IntegrityError), transaction.atomic():
        Autosave.objects.create(writing=None, content_type=None, user=ed)
    with pytest.raises(IntegrityError), transaction.atomic():
        Autosave.objects.create(writing=draft, content_type=essay, user=ed)
    Autosave.objects.create(writing=draft, user=ed)
    assert Autosave.objects.count() == 3
