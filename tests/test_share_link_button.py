"""The "Create share link" button of a post's form (editorial/admin/share.py), and the
page an ended link shows (editorial/views.py). In a real browser:
tests/test_share_link_browser.py."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from core.publishing import Status
from editorial.models import PreviewLink, Revision
from essays.models import Writing

from .factories import ArticleAnalysisFactory, DevReflectionFactory, EssayFactory

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def user_with_role(django_user_model, role, username):
    user = django_user_model.objects.create_user(username, password="pw", is_staff=True)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def editor(client, django_user_model):
    client.force_login(user_with_role(django_user_model, "Editor", "ed"))
    return client


def urls(post):
    opts = post._meta
    name = f"admin:{opts.app_label}_{opts.model_name}"
    return {
        "make": reverse(f"{name}_share_link", args=[post.pk]),
        "ask": reverse(f"{name}_share_link_form", args=[post.pk]),
        "change": reverse(f"{name}_change", args=[post.pk]),
    }


@pytest.mark.parametrize("factory", [EssayFactory, ArticleAnalysisFactory, DevReflectionFactory])
def test_one_click_makes_one_link_with_the_default_expiry_and_saves_nothing_else(
    editor, factory, django_capture_on_commit_callbacks
):
    post = factory(draft=True, title="Half written")
    before = Writing.objects.values().get(pk=post.pk)
    revisions = Revision.objects.count()
    page = urls(post)
    # The button is on the post's form, with the URL its script posts to.
    form = editor.get(page["change"]).content.decode()
    assert "Create share link" in form
    assert f'href="{page["ask"]}"' in form and f'data-share-url="{page["make"]}"' in form

    # What the form held is not what is saved: a fetch sends none of it, and none is used.
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(page["make"], {"title": "Typed, not saved"}, **JSON)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    link = PreviewLink.objects.get()
    assert link.writing_id == post.pk and link.created_by.username == "ed"
    default = PreviewLink._meta.get_field("expires_at").default()
    assert abs(link.expires_at - default) < timedelta(seconds=5)
    answer = response.json()
    assert answer["url"] == "http://testserver" + link.get_absolute_url()
    assert answer["expires_at"] == link.expires_at.isoformat()
    expires = answer["expires"].replace("\xa0", " ")  # timeuntil's non-breaking space
    assert expires.startswith("Works until ") and expires.endswith("(1 week from now).")
    assert Writing.objects.values().get(pk=post.pk) == before
    assert Revision.objects.count() == revisions

    # Stable: the form shows the same address from now on.
    assert answer["url"] in editor.get(page["change"]).content.decode()


def test_without_script_a_page_of_its_own_makes_the_link_and_goes_back_with_its_url(editor):
    post = EssayFactory(draft=True, title="For a reviewer")
    page = urls(post)
    ask = editor.get(page["ask"])
    assert ask.status_code == 200
    html = ask.content.decode().replace("\xa0", " ")
    assert f'action="{page["make"]}"' in html and "1 week from now" in html
    assert not PreviewLink.objects.exists()  # opening the page makes nothing

    response = editor.post(page["make"])
    assert response.status_code == 302 and response["Location"] == page["change"]
    link = PreviewLink.objects.get()
    url = "http://testserver" + link.get_absolute_url()
    back = editor.get(page["change"]).content.decode()
    assert f"Share link created: {url}" in back
    editor.logout()  # a reviewer without an account
    assert "For a reviewer" in editor.get(url).content.decode()


def test_the_url_takes_a_post_only_and_refuses_whoever_may_not_change_the_post(
    client, editor, django_user_model
):
    draft = EssayFactory(draft=True)
    assert editor.get(urls(draft)["make"]).status_code == 405
    missing = reverse("admin:essays_essay_share_link", args=[draft.pk + 999])
    assert editor.post(missing, **JSON).status_code == 404

    # Staff in no group: no right to change posts nor to make links.
    client.force_login(user_with_role(django_user_model, None, "staff"))
    assert client.post(urls(draft)["make"], **JSON).status_code == 403
    assert client.get(urls(draft)["ask"]).status_code == 403
    assert not PreviewLink.objects.exists()


def test_a_contributor_makes_links_only_for_their_own_drafts(client, django_user_model):
    cora = user_with_role(django_user_model, "Contributor", "cora")
    client.force_login(cora)
    own = EssayFactory(draft=True, author=cora)
    # The Contributor role holds no share-link permissions: no button, and refused.
    assert "Create share link" not in client.get(urls(own)["change"]).content.decode()
    assert client.post(urls(own)["make"], **JSON).status_code == 403

    # Given them, the rule of the form applies: their own drafts only.
    cora.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="editorial",
            codename__in=["add_previewlink", "view_previewlink"],
        )
    )
    client.force_login(cora)
    assert "Create share link" in client.get(urls(own)["change"]).content.decode()
    assert client.post(urls(own)["make"], **JSON).status_code == 200
    published = EssayFactory(author=cora)
    assert client.post(urls(published)["make"], **JSON).status_code == 403
    assert client.get(urls(published)["ask"]).status_code == 403
    others = EssayFactory(draft=True)  # not among their posts: as if missing
    assert client.post(urls(others)["make"], **JSON).status_code == 404
    assert list(PreviewLink.objects.values_list("writing_id", flat=True)) == [own.pk]


# The page of an ended link -------------------------------------------------------------


def test_an_ended_link_to_a_post_published_since_leads_to_the_live_post(client):
    post = EssayFactory(draft=True, title="Out at last")
    link = PreviewLink.objects.create(writing=post)
    post.status, post.publish_at = Status.PUBLISHED, timezone.now() - timedelta(minutes=1)
    post.save()
    link.revoked = True
    link.save()
    response = client.get(link.get_absolute_url())
    assert response.status_code == 404
    html = response.content.decode()
    assert "This share link has ended" in html and "has withdrawn this link" in html
    assert "The post is published now" in html
    assert f'href="{post.get_absolute_url()}"' in html and "Out at last" in html
    assert "not published" not in html


def test_an_expired_link_to_a_draft_says_when_and_names_nothing(client):
    post = EssayFactory(draft=True, title="Still secret")
    link = PreviewLink.objects.create(writing=post)
    expired = timezone.localtime(link.expires_at)
    with time_machine.travel(link.expires_at + timedelta(days=1)):
        response = client.get(link.get_absolute_url())
    assert response.status_code == 404
    assert response["X-Robots-Tag"] == "noindex"
    html = response.content.decode()
    assert f"expired on {expired:%B} {expired.day}, {expired:%Y} at {expired:%H:%M}" in html
    assert "The post it showed is not published" in html
    assert "Still secret" not in html and "published now" not in html
