"""Two people editing one post: a save based on a stale version is refused with who
changed what since (the form carries the ``updated`` time it was opened on, hidden), and
neither overwrites the other silently, not even when both save at the same moment. The
browser side: test_autosave_browser.py."""

import re
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from editorial import revisions
from editorial.admin.forms import EditorialWritingForm
from editorial.admin.writing import EssayAdmin
from essays.models import Essay, Writing

from .factories import EssayFactory
from .test_editorial import essay_form, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def ed(django_user_model):
    return user_with_role(django_user_model, "Editor", "ed")


@pytest.fixture
def olga(django_user_model):
    user = user_with_role(django_user_model, "Editor", "olga")
    user.first_name, user.last_name = "Olga", "Ek"
    user.save()
    return user


def change_url(post):
    return reverse(f"admin:essays_{post.kind}_change", args=[post.pk])


def opened(client, post):
    """The form as opened: its hidden version."""
    page = client.get(change_url(post)).content.decode()
    return re.search(r'name="based_on" value="([^"]+)"', page).group(1)


def form(post, based_on, **fields):
    return essay_form(title=post.title, slug=post.slug, based_on=based_on, **fields)


def test_a_stale_save_is_refused_saying_who_changed_what(
    client, ed, olga, django_capture_on_commit_callbacks
):
    post = EssayFactory(draft=True, author=ed, title="Tides", body="First.")
    revisions.record(post, user=ed)  # as the admin keeps one of every save
    client.force_login(ed)
    eds_version = opened(client, post)
    client.force_login(olga)
    olgas_version = opened(client, post)
    with django_capture_on_commit_callbacks(execute=True):  # her save's revision
        answer = client.post(change_url(post), form(post, olgas_version, body="Olga's words."))
    assert answer.status_code == 302

    client.force_login(ed)
    answer = client.post(change_url(post), form(post, eds_version, body="Ed's words."))
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Not saved: Olga Ek saved this post at" in page
    changed = re.search(r"\(changed: ([^)]*)\)", page).group(1)
    assert "body" in changed.split(", "), changed
    assert "Ed&#x27;s words." in page  # Ed's text is still in the form
    assert Essay.objects.get(pk=post.pk).body == "Olga's words."

    # The form now carries the stored version: saving again is a choice, and goes through.
    again = re.search(r'name="based_on" value="([^"]+)"', page).group(1)
    assert again != eds_version
    answer = client.post(change_url(post), form(post, again, body="Ed's words."))
    assert answer.status_code == 302
    assert Essay.objects.get(pk=post.pk).body == "Ed's words."


def test_a_save_on_the_current_version_goes_through(client, ed):
    post = EssayFactory(draft=True, author=ed)
    client.force_login(ed)
    version = opened(client, post)
    assert client.post(change_url(post), form(post, version, body="New.")).status_code == 302
    # The next save from the page that follows carries the new version.
    version = opened(client, post)
    assert client.post(change_url(post), form(post, version, body="Newer.")).status_code == 302
    assert Essay.objects.get(pk=post.pk).body == "Newer."


def test_a_bulk_change_since_opening_also_makes_the_form_stale(client, ed):
    post = EssayFactory(draft=True, author=ed)
    client.force_login(ed)
    version = opened(client, post)
    Essay.objects.get(pk=post.pk).save()  # published in bulk, say: no revision named
    answer = client.post(change_url(post), form(post, version, body="Mine."))
    assert answer.status_code == 200
    assert "Not saved: someone else saved this post" in answer.content.decode()


def test_a_bulk_tag_since_opening_makes_the_form_stale(client, ed, django_user_model):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    post = EssayFactory(draft=True, author=ed)
    client.force_login(ed)
    version = opened(client, post)
    olga = django_user_model.objects.create_superuser("olga", "o@example.com", "pw")
    other = Client()
    other.force_login(olga)
    tagged = other.post(
        reverse("admin:essays_writing_changelist"),
        {"action": "add_tag", ACTION_CHECKBOX_NAME: [post.pk], "apply": "1", "tag": "harbours"},
    )
    assert tagged.status_code == 302
    answer = client.post(change_url(post), form(post, version, body="Mine."))
    assert "Not saved: someone else saved this post" in answer.content.decode()
    assert [tag.slug for tag in Essay.objects.get(pk=post.pk).tags.all()] == ["harbours"]


def test_a_form_without_a_version_is_not_checked(client, ed):
    """A script's or an older page's POST: saved, as before this check existed."""
    post = EssayFactory(draft=True, author=ed)
    client.force_login(ed)
    data = essay_form(title=post.title, slug=post.slug, body="Scripted.")
    assert client.post(change_url(post), data).status_code == 302


def test_a_save_that_lands_after_the_post_was_loaded_is_still_seen(client, ed, monkeypatch):
    """The check reads the post's version as stored when it runs (its row locked), not
    as loaded at the start of the request: a save committed in between is not missed."""
    post = EssayFactory(draft=True, author=ed, body="First.")
    client.force_login(ed)
    version = opened(client, post)
    load = EssayAdmin.get_object

    def loaded_then_saved_by_someone_else(self, request, object_id, from_field=None):
        found = load(self, request, object_id, from_field)
        if request.method == "POST":
            later = found.updated + timedelta(seconds=1)
            Writing.objects.filter(pk=found.pk).update(updated=later, title="Theirs")
        return found

    monkeypatch.setattr(EssayAdmin, "get_object", loaded_then_saved_by_someone_else)
    answer = client.post(change_url(post), form(post, version, body="Mine."))
    assert answer.status_code == 200
    assert "Not saved: someone else saved this post" in answer.content.decode()
    assert Essay.objects.get(pk=post.pk).body == "First."


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite has no row locks, and its transactions take the database's write lock "
    "as they begin (IMMEDIATE, settings/base.py): two saves never overlap there, so there "
    "is no race to lose. Run with DATABASE_URL=postgres://...",
)
# Not serialized_rollback: its flush then runs post_migrate, which puts the roles back for
# the tests after it. Its own users need no role (a browser test before it may have
# flushed them away).
@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_moment_never_both_pass(django_user_model, monkeypatch):
    """Two requests, each on its own connection, on the same version: both have loaded
    the post when both reach the check together. The first locks the row and keeps its
    transaction open a moment; the second waits on the lock, then reads the first's new
    ``updated`` and is refused. Without the lock both would pass, the second silently
    overwriting the first."""
    ed = django_user_model.objects.create_superuser("ed", password="pw")
    olga = django_user_model.objects.create_superuser("olga", password="pw")
    post = EssayFactory(draft=True, author=ed, title="Tides", body="First.")
    version = post.updated.isoformat()
    check = EditorialWritingForm._refuse_a_stale_save
    together = threading.Barrier(2, timeout=20)

    def at_the_same_moment(self):
        together.wait()  # both loaded the post, neither has checked
        check(self)
        time.sleep(0.5)  # the first to pass holds its transaction (and lock) open

    monkeypatch.setattr(EditorialWritingForm, "_refuse_a_stale_save", at_the_same_moment)
    answers, failures = {}, []

    def save(user, words):
        client = Client()
        client.force_login(user)
        try:
            answers[words] = client.post(change_url(post), form(post, version, body=words))
        except Exception as error:  # shown by the assertion below
            failures.append(error)
        finally:
            connection.close()  # this thread's own connection

    threads = [
        threading.Thread(target=save, args=(user, words))
        for user, words in ((ed, "Ed's words."), (olga, "Olga's words."))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    codes = {words: answer.status_code for words, answer in answers.items()}
    assert sorted(codes.values()) == [200, 302], codes
    saved = next(words for words, code in codes.items() if code == 302)
    refused = next(words for words, code in codes.items() if code == 200)
    assert "Not saved:" in answers[refused].content.decode()
    assert Essay.objects.get(pk=post.pk).body == saved
