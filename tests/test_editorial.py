"""The editorial workflow: buttons, publish gate, roles, previews, history, redirects, calendar."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from core.models import Redirect
from core.publishing import State
from core.redirects import add_redirect
from editorial.models import PreviewLink, Revision
from essays.models import ArticleAnalysis, Essay

from .factories import ArticleAnalysisFactory, DevReflectionFactory, EssayFactory

pytestmark = pytest.mark.django_db

INLINES = {"previews-TOTAL_FORMS": "0", "previews-INITIAL_FORMS": "0"}


def essay_form(**overrides):
    data = {
        "title": "An essay",
        "slug": "an-essay",
        "description": "Dek.",
        "body": "Some words.",
        "status": "draft",
        "publish_at_0": "",
        "publish_at_1": "",
        "tags": "",
        **INLINES,
    }
    return {**data, **overrides}


def at(moment):
    local = timezone.localtime(moment)
    return {"publish_at_0": local.strftime("%Y-%m-%d"), "publish_at_1": local.strftime("%H:%M:%S")}


def user_with_role(django_user_model, role, username):
    user = django_user_model.objects.create_user(username, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def editor(client, django_user_model):
    client.force_login(user_with_role(django_user_model, "Editor", "ed"))
    return client


@pytest.fixture
def contributor_user(django_user_model):
    return user_with_role(django_user_model, "Contributor", "cora")


@pytest.fixture
def contributor(client, contributor_user):
    client.force_login(contributor_user)
    return client


ADD_ESSAY = "admin:essays_essay_add"


# The publishing buttons -------------------------------------------------------------


def test_publish_now(editor):
    response = editor.post(reverse(ADD_ESSAY), essay_form(_publish_now="1"))
    assert response.status_code == 302
    essay = Essay.objects.get()
    assert essay.state == State.PUBLISHED
    assert timezone.now() - essay.publish_at < timedelta(seconds=10)


def test_schedule_needs_a_future_time(editor):
    later = timezone.now() + timedelta(days=1)
    response = editor.post(reverse(ADD_ESSAY), essay_form(_schedule="1", **at(later)))
    assert response.status_code == 302
    assert Essay.objects.get().state == State.SCHEDULED

    past = timezone.now() - timedelta(days=1)
    response = editor.post(reverse(ADD_ESSAY), essay_form(slug="other", _schedule="1", **at(past)))
    assert response.status_code == 200
    assert "To schedule, give a publish time in the future." in response.content.decode()
    assert Essay.objects.count() == 1


def test_save_draft_keeps_a_planned_date(editor):
    later = timezone.now() + timedelta(days=3)
    editor.post(reverse(ADD_ESSAY), essay_form(status="published", _save_draft="1", **at(later)))
    essay = Essay.objects.get()
    assert essay.state == State.DRAFT
    assert essay.publish_at is not None


@override_settings(TIME_ZONE="America/New_York")
def test_the_form_shows_the_time_zone_and_the_buttons(editor):
    html = editor.get(reverse(ADD_ESSAY)).content.decode()
    assert "Times are in America/New_York (UTC-0" in html
    for button in ('name="_save_draft"', 'name="_publish_now"', 'name="_schedule"'):
        assert button in html


def test_the_form_shows_word_count_and_reading_time(editor):
    essay = EssayFactory(body="word " * 460)
    html = editor.get(reverse("admin:essays_essay_change", args=[essay.pk])).content.decode()
    assert "460 words · 2 min read" in html
    for body, shown in (("", "No words yet"), ("Word.", "1 word · 1 min read")):
        essay = EssayFactory(body=body)
        url = reverse("admin:essays_essay_change", args=[essay.pk])
        assert shown in editor.get(url).content.decode()


# The publish gate ------------------------------------------------------------------


ANALYSIS = {
    "source_title": "A piece",
    "source_url": "",
    "source_author": "",
    "source_publication": "",
    "title": "",
    "slug": "",
    "description": "",
    "quote": "",
    "summary": "A summary.",
    "analysis": "An analysis.",
    "status": "published",
    "publish_at_0": "",
    "publish_at_1": "",
    "tags": "",
    **INLINES,
}


def test_the_gate_refuses_an_analysis_without_source_url_or_quote(editor):
    response = editor.post(
        reverse("admin:essays_articleanalysis_add"), {**ANALYSIS, "_publish_now": "1"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "An article analysis needs the source&#x27;s URL." in html
    assert "An article analysis needs a quote from the source." in html
    assert not ArticleAnalysis.objects.exists()
    # As a draft it saves.
    response = editor.post(
        reverse("admin:essays_articleanalysis_add"), {**ANALYSIS, "_save_draft": "1"}
    )
    assert response.status_code == 302
    assert ArticleAnalysis.objects.get().state == State.DRAFT


def test_the_gate_refuses_an_empty_body_and_images_without_alt_text(editor):
    response = editor.post(reverse(ADD_ESSAY), essay_form(body="  ", _publish_now="1"))
    assert "The body is empty." in response.content.decode()
    later = timezone.now() + timedelta(days=1)
    response = editor.post(
        reverse(ADD_ESSAY), essay_form(body="Look: ![](/media/a.png)", _schedule="1", **at(later))
    )
    assert "The image /media/a.png has no alt text" in response.content.decode()
    assert not Essay.objects.exists()
    response = editor.post(
        reverse(ADD_ESSAY), essay_form(body="Look: ![A harbour](/media/a.png)", _publish_now="1")
    )
    assert response.status_code == 302


# Roles ----------------------------------------------------------------------------


def test_the_roles_exist_with_their_powers():
    editor, contributor = Group.objects.get(name="Editor"), Group.objects.get(name="Contributor")
    assert Group.objects.filter(name="Author").exists()
    codes = lambda group: set(group.permissions.values_list("codename", flat=True))  # noqa: E731
    assert {"publish_writing", "change_book", "change_page", "change_tag"} <= codes(editor)
    assert "publish_writing" not in codes(contributor)
    assert {"add_essay", "change_essay"} <= codes(contributor)
    assert not {"delete_essay", "change_book", "change_page"} & codes(contributor)


def test_a_contributor_writes_drafts_and_a_crafted_post_publishes_nothing(
    contributor, contributor_user
):
    crafted = essay_form(status="published", _publish_now="1", featured="on", **at(timezone.now()))
    response = contributor.post(reverse(ADD_ESSAY), crafted)
    assert response.status_code == 302
    essay = Essay.objects.get()
    assert essay.state == State.DRAFT and not essay.featured
    assert essay.author == contributor_user
    assert not Essay.objects.published().exists()

    change = reverse("admin:essays_essay_change", args=[essay.pk])
    response = contributor.post(
        change, essay_form(title="Still mine", status="published", _schedule="1")
    )
    assert response.status_code == 302
    essay.refresh_from_db()
    assert essay.title == "Still mine" and essay.state == State.DRAFT


def test_a_contributor_cannot_touch_published_posts_or_other_peoples_drafts(
    contributor, contributor_user
):
    published = EssayFactory(author=contributor_user)
    someone_elses = EssayFactory(draft=True)
    response = contributor.post(
        reverse("admin:essays_essay_change", args=[published.pk]), essay_form(title="Hijacked")
    )
    assert response.status_code == 403
    published.refresh_from_db()
    assert published.title != "Hijacked"
    response = contributor.get(reverse("admin:essays_essay_change", args=[someone_elses.pk]))
    assert response.status_code in (302, 403, 404)
    listing = contributor.get(reverse("admin:essays_essay_changelist"))
    assert [post.pk for post in listing.context["cl"].result_list] == [published.pk]
    reschedule = reverse("admin:essays_writing_reschedule", args=[someone_elses.pk])
    assert contributor.post(reschedule, at(timezone.now() + timedelta(days=1))).status_code == 403


# Preview --------------------------------------------------------------------------


def test_staff_preview_a_draft_at_its_real_url(editor, client):
    draft = EssayFactory(draft=True, title="Not yet")
    response = editor.get(draft.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert '<p class="preview-banner" role="status"><strong>Draft</strong>' in html
    assert '<meta name="robots" content="noindex">' in html
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]
    scheduled = EssayFactory(scheduled=True)
    assert "Scheduled for" in editor.get(scheduled.get_absolute_url()).content.decode()


def test_the_public_and_other_contributors_get_a_404(client, contributor, contributor_user):
    mine = EssayFactory(draft=True, author=contributor_user)
    theirs = EssayFactory(draft=True)
    assert contributor.get(mine.get_absolute_url()).status_code == 200
    assert contributor.get(theirs.get_absolute_url()).status_code == 404
    contributor.logout()
    assert client.get(mine.get_absolute_url()).status_code == 404


def test_a_published_post_is_cached_normally_and_indexed(client):
    post = EssayFactory()
    response = client.get(post.get_absolute_url())
    assert "X-Robots-Tag" not in response
    assert "preview-banner" not in response.content.decode()


def test_share_links_sign_expire_and_revoke(client):
    draft = ArticleAnalysisFactory(draft=True, title="For review")
    link = PreviewLink.objects.create(writing=draft)
    assert link.expires_at - timezone.now() > timedelta(days=6, hours=23)
    url = link.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "For review" in html and "preview link works until" in html
    assert response["X-Robots-Tag"] == "noindex" and "no-store" in response["Cache-Control"]
    assert client.get(url[:-3] + "xx/").status_code == 404
    assert client.get(reverse("preview", kwargs={"signed": link.token})).status_code == 404

    with time_machine.travel(link.expires_at + timedelta(seconds=1)):
        assert client.get(url).status_code == 404
    link.revoked = True
    link.save()
    assert client.get(url).status_code == 404


def test_share_links_are_made_and_revoked_in_the_admin(editor):
    draft = EssayFactory(draft=True)
    change = reverse("admin:essays_essay_change", args=[draft.pk])
    data = essay_form(
        title=draft.title,
        slug=draft.slug,
        **{
            "previews-TOTAL_FORMS": "1",
            "previews-0-expires_at_0": "",
            "previews-0-expires_at_1": "",
        },
    )
    expires = timezone.localtime(timezone.now() + timedelta(days=7))
    data["previews-0-expires_at_0"] = expires.strftime("%Y-%m-%d")
    data["previews-0-expires_at_1"] = expires.strftime("%H:%M:%S")
    assert editor.post(change, data).status_code == 302
    link = PreviewLink.objects.get()
    assert link.created_by.username == "ed"
    assert link.get_absolute_url() in editor.get(change).content.decode()


# History --------------------------------------------------------------------------


def test_every_save_keeps_a_revision_with_a_diff_and_a_restore(
    editor, django_capture_on_commit_callbacks
):
    # Revisions are written when the admin's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(reverse(ADD_ESSAY), essay_form(body="First words.", tags="ai"))
    essay = Essay.objects.get()
    change = reverse("admin:essays_essay_change", args=[essay.pk])
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(
            change, essay_form(body="Second words.", tags="ai, work", author=essay.author_id)
        )
    revisions = list(Revision.objects.order_by("created", "pk"))
    assert len(revisions) == 2
    assert revisions[0].user.username == "ed" and revisions[0].changed == ["created"]
    assert revisions[1].changed == ["body", "tags"]

    history = reverse("admin:essays_essay_history", args=[essay.pk])
    page = editor.get(history, {"a": revisions[0].pk, "b": revisions[1].pk}).content.decode()
    assert "-First words." in page and "+Second words." in page

    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(history, {"restore": revisions[0].pk})
    assert response.status_code == 302
    essay.refresh_from_db()
    assert essay.body == "First words."
    assert [tag.name for tag in essay.tags.all()] == ["ai"]
    assert "First words." in essay.body_html
    assert Revision.objects.count() == 3


def test_a_contributor_restoring_cannot_publish(contributor, contributor_user):
    essay = EssayFactory(draft=True, author=contributor_user, body="Mine.")
    from editorial import revisions

    revisions.record(essay)
    Essay.objects.filter(pk=essay.pk).update(body="Changed.")
    old = Revision.objects.get()
    old.data["status"] = "published"
    old.save()
    history = reverse("admin:essays_essay_history", args=[essay.pk])
    contributor.post(history, {"restore": old.pk})
    essay.refresh_from_db()
    assert essay.body == "Mine." and essay.state == State.DRAFT


# Redirects ------------------------------------------------------------------------


def test_changing_a_published_slug_redirects_the_old_url(client):
    post = EssayFactory(slug="first-name")
    post.slug = "second-name"
    post.save()
    response = client.get("/first-name/")
    assert response.status_code == 301 and response["Location"] == "/second-name/"
    assert client.get("/first-name").status_code == 301
    post.slug = "third-name"
    post.save()
    assert Redirect.objects.get(old_path="/first-name/").new_path == "/third-name/"
    assert client.get("/second-name/")["Location"] == "/third-name/"
    # Back to an old name: that address is live again, nothing loops.
    post.slug = "first-name"
    post.save()
    assert client.get("/first-name/").status_code == 200
    assert not Redirect.objects.filter(old_path="/first-name/").exists()
    for redirect in Redirect.objects.all():
        assert redirect.new_path == "/first-name/"


def test_a_draft_slug_change_leaves_no_redirect():
    draft = EssayFactory(draft=True, slug="draft-name")
    draft.slug = "better-name"
    draft.save()
    assert not Redirect.objects.exists()


def test_redirect_chains_collapse_and_loops_are_impossible():
    add_redirect("/a/", "/b/")
    add_redirect("/b/", "/c/")
    assert dict(Redirect.objects.values_list("old_path", "new_path")) == {
        "/a/": "/c/",
        "/b/": "/c/",
    }
    add_redirect("/c/", "/a/")
    assert dict(Redirect.objects.values_list("old_path", "new_path")) == {
        "/b/": "/a/",
        "/c/": "/a/",
    }
    assert add_redirect("/x/", "/x/") is None


def test_a_redirect_leaves_the_site_only_for_an_allowed_host(client):
    for target in ("https://example.com/elsewhere", "//evil.example/", "/\\evil.example/"):
        with pytest.raises(ValidationError):
            add_redirect("/away/", target)
    # Even a row stored before the rule, or by raw SQL, is not followed off the site.
    Redirect.objects.bulk_create([Redirect(old_path="/legacy/", new_path="//evil.example/")])
    assert client.get("/legacy/").status_code == 404
    with override_settings(REDIRECT_ALLOWED_HOSTS=["example.com"]):
        assert add_redirect("/away/", "https://example.com/elsewhere").new_path == (
            "https://example.com/elsewhere"
        )
        with pytest.raises(ValidationError):
            add_redirect("/away/", "https://evil.example/")
        response = client.get("/away/")
        assert (response.status_code, response["Location"]) == (
            301,
            "https://example.com/elsewhere",
        )


def test_redirects_have_an_admin(editor):
    add = reverse("admin:core_redirect_add")
    assert editor.post(add, {"old_path": "old/", "new_path": "/new/"}).status_code == 302
    assert Redirect.objects.get().old_path == "/old/"
    response = editor.post(add, {"old_path": "/same/", "new_path": "/same/"})
    assert "A redirect must lead somewhere else." in response.content.decode()
    editor.post(add, {"old_path": "/new/", "new_path": "/old/"})
    assert dict(Redirect.objects.values_list("old_path", "new_path")) == {"/new/": "/old/"}


def test_the_redirect_admin_refuses_hijacks_and_says_why(editor):
    EssayFactory(slug="live-post")
    add = reverse("admin:core_redirect_add")
    for old, new, says in (
        ("/live-post/", "/elsewhere/", "Something lives at /live-post/ now"),
        ("/blog/", "/elsewhere/", "Something lives at /blog/ now"),
        ("/", "/elsewhere/", "Something lives at / now"),
        ("/old/", "//evil.example/", "leads to another site"),
        ("/old/", "https://evil.example/x", "REDIRECT_ALLOWED_HOSTS"),
        ("/old/", "ftp://example.com/x", "only a path of this site"),
        ("/old/", "javascript:alert(1)", "only a path of this site"),
        ("/old/", " JaVa\tScript:alert(1)", "control character"),
    ):
        response = editor.post(add, {"old_path": old, "new_path": new})
        assert response.status_code == 200, (old, new)
        assert says in response.content.decode(), (old, new)
    assert not Redirect.objects.exists()
    editor.post(add, {"old_path": "/old/", "new_path": "no-slash/"})
    assert Redirect.objects.get().new_path == "/no-slash/"  # a path of this site


# The calendar ---------------------------------------------------------------------


@override_settings(TIME_ZONE="America/New_York")
def test_the_calendar_shows_the_month_and_the_queue(editor):
    now = datetime(2026, 3, 10, 12, tzinfo=ZoneInfo("UTC"))
    with time_machine.travel(now, tick=False):
        # 02:30 UTC on the 20th is still the 19th in New York.
        scheduled = EssayFactory(
            title="Going out", publish_at=datetime(2026, 3, 20, 2, 30, tzinfo=ZoneInfo("UTC"))
        )
        EssayFactory(title="Undated draft", draft=True)
        DevReflectionFactory(title="Just out", publish_at=now - timedelta(days=2))
        EssayFactory(title="Long ago", publish_at=now - timedelta(days=60))
        response = editor.get(reverse("admin:essays_writing_calendar"), {"month": "2026-03"})
    assert response.status_code == 200
    queue = response.context["queue"]
    assert [p.title for p in queue["scheduled"]] == ["Going out"]
    assert [p.title for p in queue["drafts"]] == ["Undated draft"]
    assert [p.title for p in queue["recent"]] == ["Just out"]
    days = {
        day["date"].day: [p.title for p in day["posts"]]
        for week in response.context["month"]["weeks"]
        for day in week
        if day["in_month"]
    }
    assert days[19] == ["Going out"] and days[20] == []
    html = response.content.decode()
    assert reverse("admin:essays_essay_change", args=[scheduled.pk]) in html


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "2026-13", "x", "99999-01"])
def test_a_month_out_of_range_or_malformed_shows_this_month(editor, month):
    response = editor.get(reverse("admin:essays_writing_calendar"), {"month": month})
    assert response.status_code == 200
    assert response.context["month"]["first"] == timezone.localdate().replace(day=1)


def test_rescheduling_from_the_calendar(editor):
    post = EssayFactory(scheduled=True)
    url = reverse("admin:essays_writing_reschedule", args=[post.pk])
    later = timezone.now() + timedelta(days=10)
    response = editor.post(url, at(later))
    assert response.status_code == 302
    post.refresh_from_db()
    assert abs(post.publish_at - later) < timedelta(seconds=1)
    response = editor.post(url, at(timezone.now() - timedelta(days=1)), follow=True)
    assert "was not moved" in response.content.decode()
    post.refresh_from_db()
    assert abs(post.publish_at - later) < timedelta(seconds=1)


def test_editors_manage_the_image_library_and_contributors_upload():
    editor = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))
    contributor = set(
        Group.objects.get(name="Contributor").permissions.values_list("codename", flat=True)
    )
    assert {"add_image", "change_image", "delete_image"} <= editor
    assert "add_image" in contributor and "delete_image" not in contributor


def test_editors_pin_and_exclude_related_writing():
    editor = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))
    assert {"add_relatedchoice", "change_relatedchoice", "change_post"} <= editor
