"""Two people editing one post: a save based on a stale version is refused with who
changed what since (the form carries the ``updated`` time it was opened on, hidden), and
neither overwrites the other silently. The browser side: test_autosave_browser.py."""

import re

import pytest
from django.urls import reverse

from editorial import revisions
from essays.models import Essay

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


def test_a_form_without_a_version_is_not_checked(client, ed):
    """A script's or an older page's POST: saved, as before this check existed."""
    post = EssayFactory(draft=True, author=ed)
    client.force_login(ed)
    data = essay_form(title=post.title, slug=post.slug, body="Scripted.")
    assert client.post(change_url(post), data).status_code == 302
