"""Notes for editors: a thread of short notes on a post's form (staff only, added and
never edited), listed on the admin home's desk; a contributor sees and answers the
notes on their own posts, and no one else's."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from editorial.models import EditorNote

from .factories import EssayFactory
from .test_editorial import essay_form, user_with_role

pytestmark = pytest.mark.django_db

HOME = reverse("admin:index")


def change_url(post):
    return reverse(f"admin:essays_{post.kind}_change", args=[post.pk])


def with_note(post, text, **extra):
    return essay_form(
        title=post.title,
        slug=post.slug,
        **{
            "editor_notes-TOTAL_FORMS": "1",
            "editor_notes-INITIAL_FORMS": "0",
            "editor_notes-0-text": text,
        },
        **extra,
    )


@pytest.fixture
def ed(django_user_model):
    return user_with_role(django_user_model, "Editor", "ed")


@pytest.fixture
def cora(django_user_model):
    return user_with_role(django_user_model, "Contributor", "cora")


def test_an_editor_leaves_a_note_on_the_form_and_it_reads_back(client, ed):
    post = EssayFactory(draft=True, author=ed, title="Tides")
    client.force_login(ed)
    assert client.post(change_url(post), with_note(post, "Tighten the ending?")).status_code == 302
    note = EditorNote.objects.get()
    assert (note.writing_id, note.created_by, note.text) == (post.pk, ed, "Tighten the ending?")
    page = client.get(change_url(post)).content.decode()
    assert "notes for editors" in page.lower() and "Tighten the ending?" in page
    # Shown as written, not as a box to edit: a note stands.
    assert "Tighten the ending?</textarea>" not in page
    assert 'name="editor_notes-0-text"' not in page  # the note, read-only
    assert 'name="editor_notes-1-text"' in page  # and a box for the next one
    # When it was written, in words; the empty row of the next one has no time.
    written = timezone.localtime(note.created)
    assert date_format(written, "j F Y, H:i") in page
    next_row = page[page.index('name="editor_notes-1-text"') :]
    next_row = next_row[: next_row.index("</tr>")]
    assert re.search(r'class="field-written">\s*<p>\s*</p>', next_row), next_row


def test_saving_without_the_notes_data_still_saves_the_post(client, ed):
    post = EssayFactory(draft=True, author=ed)
    client.force_login(ed)
    data = essay_form(title=post.title, slug=post.slug, body="No notes posted.")
    assert client.post(change_url(post), data).status_code == 302
    assert not EditorNote.objects.exists()


def test_notes_are_listed_on_the_desk(client, ed):
    post = EssayFactory(draft=True, author=ed, title="Tides")
    EditorNote.objects.create(writing=post, text="Check the quote's source.", created_by=ed)
    client.force_login(ed)
    page = client.get(HOME).content.decode()
    assert "Notes for editors" in page
    assert "Check the quote&#x27;s source." in page
    assert change_url(post) in page


def test_a_contributor_sees_and_answers_notes_on_their_own_posts_only(client, ed, cora):
    own = EssayFactory(draft=True, author=cora, title="Cora's draft")
    others = EssayFactory(draft=True, author=ed, title="Ed's draft")
    EditorNote.objects.create(writing=own, text="Lovely opening.", created_by=ed)
    EditorNote.objects.create(writing=others, text="Secret note 9c1", created_by=ed)
    client.force_login(cora)
    home = client.get(HOME).content.decode()
    assert "Lovely opening." in home and "Secret note 9c1" not in home
    form = client.get(change_url(own)).content.decode()
    assert "Lovely opening." in form
    assert client.post(change_url(own), with_note(own, "Thanks!")).status_code == 302
    assert EditorNote.objects.filter(writing=own, created_by=cora, text="Thanks!").exists()
    # Someone else's post: refused, and no note is added.
    assert client.post(change_url(others), with_note(others, "Sneaky")).status_code == 403
    assert not EditorNote.objects.filter(text="Sneaky").exists()


def test_staff_without_a_role_see_no_notes(client, django_user_model, ed):
    post = EssayFactory(draft=True, author=ed)
    EditorNote.objects.create(writing=post, text="For the team.", created_by=ed)
    staff = django_user_model.objects.create_user("sam", password="pw", is_staff=True)
    client.force_login(staff)
    assert "For the team." not in client.get(HOME).content.decode()
    assert Client().get(HOME).status_code == 302  # and no one signed out
