"""The roles' fences in the editorial admin, case by case (tests/test_admin_roles_walk.py
walks every admin URL): what a contributor may open, see and create, the calendar's
way back, and a slug that is another post's old address."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.models import Redirect
from editorial import revisions
from editorial.models import Revision
from essays.models import Essay, Tag
from images.models import Image

from .factories import EssayFactory, TagFactory
from .test_editorial import at, essay_form, user_with_role
from .test_images import image_bytes

pytestmark = pytest.mark.django_db

ADD_ESSAY = reverse("admin:essays_essay_add")


@pytest.fixture
def cora(django_user_model):
    return user_with_role(django_user_model, "Contributor", "cora")


@pytest.fixture
def contributor(client, cora):
    client.force_login(cora)
    return client


@pytest.fixture
def editor(client, django_user_model):
    client.force_login(user_with_role(django_user_model, "Editor", "ed"))
    return client


def change_url(post):
    return reverse("admin:essays_essay_change", args=[post.pk])


# What a contributor may open -------------------------------------------------------


def test_a_contributor_is_sent_back_to_the_list_from_what_is_not_their_draft(contributor, cora):
    published = EssayFactory(author=cora, title="Out already")
    theirs = EssayFactory(draft=True, title="Not yours to read")
    listing = reverse("admin:essays_essay_changelist")
    answers = [contributor.get(change_url(post)) for post in (published, theirs)]
    answers.append(contributor.get(reverse("admin:essays_essay_change", args=[999999])))
    # The same answer for a published post, someone else's and none: nothing to learn.
    assert [(a.status_code, a["Location"]) for a in answers] == [(302, listing)] * 3
    page = contributor.get(listing).content.decode()
    assert "You may open only your own drafts" in page and "Not yours to read" not in page
    # Through the list of all writing too.
    all_writing = reverse("admin:essays_writing_change", args=[theirs.pk])
    assert contributor.get(all_writing)["Location"] == reverse("admin:essays_writing_changelist")
    # A POST is refused and changes nothing.
    for post in (published, theirs):
        response = contributor.post(change_url(post), essay_form(title="Taken", slug=post.slug))
        assert response.status_code == 403
    assert not Essay.objects.filter(title="Taken").exists()


def test_a_contributor_sees_the_revisions_of_their_own_posts_only(contributor, cora):
    mine, theirs = EssayFactory(draft=True, author=cora), EssayFactory(draft=True, body="Hidden.")
    own, other = revisions.record(mine, user=cora), revisions.record(theirs)
    listing = contributor.get(reverse("admin:editorial_revision_changelist"))
    assert [revision.pk for revision in listing.context["cl"].result_list] == [own.pk]
    assert (
        contributor.get(reverse("admin:editorial_revision_change", args=[own.pk])).status_code
        == 200
    )
    answer = contributor.get(reverse("admin:editorial_revision_change", args=[other.pk]))
    assert answer.status_code == 302 and "Hidden." not in answer.content.decode()
    history = reverse("admin:essays_essay_history", args=[theirs.pk])
    assert contributor.get(history).status_code == 403
    assert contributor.post(history, {"restore": other.pk}).status_code == 403
    assert Revision.objects.count() == 2


def test_a_contributor_sees_the_images_they_added_only(contributor, cora, django_user_model):
    other = user_with_role(django_user_model, "Editor", "olga")
    images = {}
    for name, user in (("mine", cora), ("theirs", other)):
        image = Image(file=SimpleUploadedFile(f"{name}.png", image_bytes()), alt=name)
        image.save()
        LogEntry.objects.create(
            user=user,
            content_type=ContentType.objects.get_for_model(Image),
            object_id=str(image.pk),
            object_repr=name,
            action_flag=ADDITION,
        )
        images[name] = image
    listing = contributor.get(reverse("admin:images_image_changelist"))
    assert [image.pk for image in listing.context["cl"].result_list] == [images["mine"].pk]
    theirs = reverse("admin:images_image_change", args=[images["theirs"].pk])
    assert contributor.get(theirs)["Location"] == reverse("admin:images_image_changelist")
    assert contributor.post(theirs, {"alt": "changed"}).status_code == 403
    images["theirs"].refresh_from_db()
    assert images["theirs"].alt == "theirs"


# Tags --------------------------------------------------------------------------------


def test_a_contributor_chooses_existing_tags_and_cannot_type_new_ones(contributor, cora):
    TagFactory(name="ai")
    response = contributor.post(ADD_ESSAY, essay_form(tags="AI, brand new, other new"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["tags"]
    assert errors == [
        "You may choose existing tags only; an editor creates new ones. "
        "Not a tag yet: brand new, other new."
    ]
    # Nothing half-saved: no post, no tag.
    assert not Essay.objects.exists()
    assert list(Tag.objects.values_list("name", flat=True)) == ["ai"]

    assert contributor.post(ADD_ESSAY, essay_form(tags="ai")).status_code == 302
    assert [tag.name for tag in Essay.objects.get().tags.all()] == ["ai"]


def test_an_editor_creates_tags_by_typing_them(editor):
    assert editor.post(ADD_ESSAY, essay_form(tags="fresh")).status_code == 302
    assert Tag.objects.filter(name="fresh").exists()


def test_a_contributor_restoring_gets_back_only_tags_that_still_exist(contributor, cora):
    essay = EssayFactory(draft=True, author=cora, tags=[TagFactory(name="kept")])
    revision = revisions.record(essay, user=cora)
    revision.data["tags"] = ["kept", "deleted since"]
    revision.save()
    history = reverse("admin:essays_essay_history", args=[essay.pk])
    response = contributor.post(history, {"restore": revision.pk}, follow=True)
    assert "Not restored, as they are no longer tags: deleted since." in response.content.decode()
    assert [tag.name for tag in essay.tags.all()] == ["kept"]
    assert not Tag.objects.filter(name="deleted since").exists()


# A slug that is another post's old address ------------------------------------------------


@pytest.fixture
def renamed():
    """A published post renamed from old-name to new-name: /old-name/ redirects."""
    post = EssayFactory(slug="old-name", title="Renamed")
    post.slug = "new-name"
    post.save()
    assert Redirect.objects.filter(old_path="/old-name/", new_path="/new-name/").exists()
    return post


OLD_ADDRESS = (
    "/old-name/ is an old address of another post: it redirects readers to /new-name/, and "
    "using it here would end that redirect. Choose another slug; an editor may delete the "
    "redirect under Site › Redirects first."
)


@pytest.mark.parametrize("role", ["contributor", "editor"])
def test_a_new_post_cannot_take_another_posts_old_address(renamed, role, request):
    client = request.getfixturevalue(role)
    response = client.post(ADD_ESSAY, essay_form(slug="old-name"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == [OLD_ADDRESS]
    # A slug made from the title is refused the same way.
    response = client.post(ADD_ESSAY, essay_form(slug="", title="Old name"))
    assert response.context["adminform"].form.errors["slug"] == [
        "The slug made from the title is taken. " + OLD_ADDRESS
    ]
    assert Essay.objects.count() == 1
    assert Redirect.objects.filter(old_path="/old-name/", new_path="/new-name/").exists()


def test_a_post_may_take_back_its_own_old_address(editor, renamed):
    data = essay_form(
        slug="old-name", title="Renamed", status="published", author=renamed.author_id or ""
    )
    response = editor.post(change_url(renamed), {**data, **at(renamed.publish_at)})
    assert response.status_code == 302
    renamed.refresh_from_db()
    assert renamed.slug == "old-name"
    assert not Redirect.objects.filter(old_path="/old-name/").exists()


def test_restoring_never_takes_another_posts_old_address(editor, renamed):
    draft = EssayFactory(draft=True, slug="somewhere")
    revision = revisions.record(draft)
    revision.data["slug"] = "old-name"
    revision.save()
    history = reverse("admin:essays_essay_history", args=[draft.pk])
    response = editor.post(history, {"restore": revision.pk}, follow=True)
    assert "The slug stays somewhere" in response.content.decode()
    draft.refresh_from_db()
    assert draft.slug == "somewhere"
    assert Redirect.objects.filter(old_path="/old-name/", new_path="/new-name/").exists()


# The calendar's way back -----------------------------------------------------------------


@pytest.mark.parametrize(
    "next_url, lands",
    [
        (
            "/admin/essays/writing/calendar/?month=2026-03",
            "/admin/essays/writing/calendar/?month=2026-03",
        ),
        ("https://evil.example/phish", None),
        ("//evil.example/phish", None),
        ("/\\evil.example/phish", None),
        ("javascript:alert(1)", None),
        ("", None),
    ],
)
def test_rescheduling_goes_back_only_to_a_page_of_this_site(editor, next_url, lands):
    post = EssayFactory(scheduled=True)
    url = reverse("admin:essays_writing_reschedule", args=[post.pk])
    data = {**at(timezone.now() + timedelta(days=5)), "next": next_url}
    response = editor.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == (lands or reverse("admin:essays_writing_calendar"))
