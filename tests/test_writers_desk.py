"""The writer's desk, server side: the buttons that keep the author in the editor, the
CSRF failure page that leads back to the autosaved text, share links that work on the
obvious path and say when they have ended, rescheduling a dev reflection that follows
its date, the admin home's desk, bulk actions, tag rename and merge, search and filters.
The browser side (autosave, restore, leave warning, Ctrl+S): test_writers_desk_browser.py."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from core.models import Redirect
from core.publishing import Status
from editorial import revisions
from editorial.models import PreviewLink
from essays.models import DevReflection, Essay, Tag
from images.models import Image

from .factories import ArticleAnalysisFactory, DevReflectionFactory, EssayFactory, TagFactory
from .test_editorial import ADD_ESSAY, INLINES, at, essay_form, user_with_role

pytestmark = pytest.mark.django_db

ALL_WRITING = reverse("admin:essays_writing_changelist")


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


def change_url(post):
    return reverse(f"admin:essays_{post.kind}_change", args=[post.pk])


# Buttons that stay in the editor ---------------------------------------------------


@pytest.mark.parametrize(
    ("button", "status", "said"),
    [("_save_draft", "draft", "as a draft"), ("_publish_now", "published", "live now")],
)
def test_save_draft_and_publish_now_stay_in_the_editor(editor, button, status, said):
    response = editor.post(reverse(ADD_ESSAY), essay_form(**{button: "1"}))
    essay = Essay.objects.get()
    assert essay.status == status
    assert response.status_code == 302 and response["Location"] == change_url(essay)
    page = editor.get(response["Location"]).content.decode()
    assert said in page

    response = editor.post(change_url(essay), essay_form(body="More words.", **{button: "1"}))
    assert response["Location"] == change_url(essay)


def test_plain_save_still_goes_back_to_the_list(editor):
    response = editor.post(reverse(ADD_ESSAY), essay_form(_save="1"))
    assert response["Location"] == reverse("admin:essays_essay_changelist")


def test_the_change_form_loads_the_desk_script_from_a_static_file(editor):
    html = editor.get(reverse(ADD_ESSAY)).content.decode()
    assert "editorial/desk.js" in html and "editorial/desk.css" in html
    # Ctrl/Cmd+S presses this button: it must be on the form.
    assert 'name="_continue"' in html


def test_restore_message_gives_a_human_date(editor):
    essay = EssayFactory(draft=True)
    revision = revisions.record(essay)
    history = reverse("admin:essays_essay_history", args=[essay.pk])
    response = editor.post(history, {"restore": revision.pk}, follow=True)
    said = next(str(m) for m in response.context["messages"] if "Restored" in str(m))
    when = timezone.localtime(revision.created)
    assert said == f"Restored the revision of {when:%-d %B %Y, %H:%M}."


# A stale CSRF token ----------------------------------------------------------------


def test_a_stale_csrf_token_on_save_explains_and_leads_back_to_the_form(django_user_model):
    browser = Client(enforce_csrf_checks=True)
    user = django_user_model.objects.create_superuser("boss", password="pw")
    browser.force_login(user)
    essay = EssayFactory(draft=True)
    data = essay_form(title="Typed", slug=essay.slug, csrfmiddlewaretoken="stale" * 8)
    response = browser.post(change_url(essay), data)
    assert response.status_code == 403
    html = response.content.decode()
    assert "Nothing was saved, and nothing was lost" in html
    assert f'href="{change_url(essay)}"' in html
    assert "Restore unsaved text?" in html
    assert "editorial/desk.js" in html  # the page settles nothing: the autosave stays
    assert "<script>" not in html
    assert Essay.objects.get().title == essay.title


def test_csrf_failure_outside_the_admin_is_djangos():
    response = Client(enforce_csrf_checks=True).post("/", {})
    assert response.status_code == 403
    assert "CSRF verification failed" in response.content.decode()


# Share links -----------------------------------------------------------------------


def test_add_another_share_link_with_the_default_expiry_creates_it(editor):
    draft = EssayFactory(draft=True)
    page = editor.get(change_url(draft)).content.decode()
    # The new row comes filled in with the default expiry; Save as it is.
    default = timezone.localtime(PreviewLink().expires_at)
    data = essay_form(
        title=draft.title,
        slug=draft.slug,
        **{
            "previews-TOTAL_FORMS": "1",
            "previews-0-expires_at_0": default.strftime("%Y-%m-%d"),
            "previews-0-expires_at_1": default.strftime("%H:%M:%S"),
            "initial-previews-0-expires_at_0": default.strftime("%Y-%m-%d"),
            "initial-previews-0-expires_at_1": default.strftime("%H:%M:%S"),
            "_continue": "1",
        },
    )
    assert "previews-TOTAL_FORMS" in page
    assert editor.post(change_url(draft), data).status_code == 302
    link = PreviewLink.objects.get()
    assert link.is_live()
    html = editor.get(change_url(draft)).content.decode()
    full = "http://testserver" + link.get_absolute_url()
    assert f'value="{full}"' in html and f'data-copy="{full}"' in html
    # Stable: the same address on every load.
    assert full in editor.get(change_url(draft)).content.decode()


def test_an_ended_share_link_says_so(client):
    draft = EssayFactory(draft=True, title="Under review")
    link = PreviewLink.objects.create(writing=draft)
    url = link.get_absolute_url()
    with time_machine.travel(link.expires_at + timedelta(seconds=1)):
        response = client.get(url)
    assert response.status_code == 404
    text = response.content.decode()
    assert "This share link has ended" in text and "expired" in text
    assert "Under review" not in text
    link.revoked = True
    link.save()
    response = client.get(url)
    assert (
        "withdrawn" in response.content.decode() and "Under review" not in response.content.decode()
    )
    assert response["X-Robots-Tag"] == "noindex"
    # A link that never was is still the plain 404, without the kind words.
    assert "has ended" not in client.get(url[:-3] + "xx/").content.decode()


# Dev reflections follow their date --------------------------------------------------


def test_rescheduling_a_dev_reflection_renames_its_default_title_and_slug(editor):
    first = timezone.now() + timedelta(days=3)
    post = DevReflectionFactory(slug="", publish_at=first)
    assert post.title == DevReflection(publish_at=first).default_title()
    later = first + timedelta(days=4)
    response = editor.post(
        reverse("admin:essays_writing_reschedule", args=[post.pk]),
        {
            "publish_at_0": timezone.localtime(later).strftime("%Y-%m-%d"),
            "publish_at_1": "09:00:00",
        },
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.title == DevReflection(publish_at=post.publish_at).default_title()
    assert post.slug == slugify(post.title)


def test_an_undated_draft_reflection_takes_the_date_it_is_first_given(editor):
    made = timezone.now() - timedelta(days=10)
    with time_machine.travel(made, tick=False):
        post = DevReflectionFactory(title="", slug="", draft=True, publish_at=None)
    assert post.title == DevReflection(publish_at=made).default_title()
    later = timezone.now() + timedelta(days=4)
    response = editor.post(reverse("admin:essays_writing_reschedule", args=[post.pk]), at(later))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.title == DevReflection(publish_at=post.publish_at).default_title()
    assert post.title != DevReflection(publish_at=made).default_title()
    assert post.slug == slugify(post.title)


def test_a_hand_written_title_stays_when_rescheduled(editor):
    post = DevReflectionFactory(title="On tests", slug="on-tests", scheduled=True)
    editor.post(
        reverse("admin:essays_writing_reschedule", args=[post.pk]),
        at(post.publish_at + timedelta(days=2)),
    )
    post.refresh_from_db()
    assert (post.title, post.slug) == ("On tests", "on-tests")


def test_a_live_dev_reflection_moved_on_its_form_keeps_its_old_address(editor):
    old = timezone.now() - timedelta(days=2)
    post = DevReflectionFactory(slug="", publish_at=old)
    old_path = post.get_absolute_url()
    data = {
        "title": post.title,
        "slug": post.slug,
        "description": "",
        "body": post.body,
        "status": "published",
        "tags": "",
        **at(old - timedelta(days=1)),
        **INLINES,
    }
    response = editor.post(change_url(post), data)
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.title == DevReflection(publish_at=post.publish_at).default_title()
    assert post.get_absolute_url() != old_path
    assert Redirect.objects.get(old_path=old_path).new_path == post.get_absolute_url()


# The admin home --------------------------------------------------------------------


def test_the_admin_home_starts_with_the_writing(editor):
    EssayFactory(draft=True, title="A draft in progress")
    EssayFactory(scheduled=True, title="Coming on Friday")
    EssayFactory(title="Live, but an image lacks alt", body="See ![](/media/x.png)")
    Image.objects.bulk_create([Image(file="images/a.png", alt="", format="PNG")])
    html = editor.get(reverse("admin:index")).content.decode()
    desk = html.index('id="writers-desk"')
    assert html.index("A draft in progress") > desk
    assert "Coming on Friday" in html
    assert "Needs attention" in html and "Live, but an image lacks alt" in html
    assert "a.png" in html and "No alt text" in html
    assert reverse("admin:essays_writing_calendar") in html
    # Writing is the first application listed.
    apps = [html.index(f'class="app-{label} module') for label in ("essays", "books")]
    assert apps[0] < apps[1]


def test_the_calendar_is_linked_from_every_admin_page_and_list(editor):
    calendar = reverse("admin:essays_writing_calendar")
    for url in (reverse("admin:index"), ALL_WRITING, reverse("admin:essays_essay_changelist")):
        assert f'href="{calendar}"' in editor.get(url).content.decode()


def test_a_contributor_desk_shows_their_own_drafts_only(contributor, contributor_user):
    EssayFactory(draft=True, title="Someone elses draft")
    EssayFactory(draft=True, title="Coras own draft", author=contributor_user)
    html = contributor.get(reverse("admin:index")).content.decode()
    assert "Coras own draft" in html and "Someone else" not in html


# Bulk actions ----------------------------------------------------------------------


def act(client, action, posts, url=ALL_WRITING, **data):
    payload = {"action": action, ACTION_CHECKBOX_NAME: [p.pk for p in posts], "index": 0, **data}
    return client.post(url, payload)


def test_bulk_publish_passes_the_gate_and_names_what_it_refused(editor):
    drafts = [EssayFactory(draft=True) for _ in range(3)]
    blank = EssayFactory(draft=True, body="  ", title="Blank one")
    response = act(editor, "publish_now", [*drafts, blank])
    assert response.status_code == 302
    states = {p.title: p.state for p in Essay.objects.all()}
    assert [states[d.title] for d in drafts] == ["published"] * 3
    assert states["Blank one"] == "draft"
    messages = [str(m) for m in editor.get(ALL_WRITING).context["messages"]]
    assert any("Blank one" in m and "empty" in m for m in messages)


def test_bulk_unpublish_feature_and_unfeature(editor):
    posts = [EssayFactory(), EssayFactory()]
    act(editor, "feature", posts)
    assert all(p.featured for p in Essay.objects.all())
    act(editor, "unfeature", posts)
    assert not any(p.featured for p in Essay.objects.all())
    act(editor, "unpublish", posts)
    assert {p.status for p in Essay.objects.all()} == {Status.DRAFT}


def test_bulk_schedule_asks_for_a_time_then_schedules(editor):
    posts = [EssayFactory(draft=True), DevReflectionFactory(draft=True, slug="")]
    page = act(editor, "schedule", posts)
    assert page.status_code == 200 and b"publish_at_0" in page.content
    when = timezone.now() + timedelta(days=5)
    response = act(editor, "schedule", posts, apply="1", **at(when))
    assert response.status_code == 302
    for post in posts:
        post.refresh_from_db()
        assert post.state == "scheduled"


def test_bulk_add_and_remove_a_tag(editor):
    posts = [EssayFactory(), EssayFactory()]
    act(editor, "add_tag", posts, apply="1", tag="Harbours")
    assert [sorted(t.slug for t in p.tags.all()) for p in Essay.objects.all()] == [["harbours"]] * 2
    act(editor, "remove_tag", posts, apply="1", tag="harbours")
    assert not Essay.objects.filter(tags__isnull=False).exists()


def test_contributors_get_no_bulk_publishing(contributor, contributor_user):
    own = EssayFactory(draft=True, author=contributor_user)
    act(contributor, "publish_now", [own], url=reverse("admin:essays_essay_changelist"))
    own.refresh_from_db()
    assert own.status == Status.DRAFT


# Tags ------------------------------------------------------------------------------


def test_merging_ai_into_artificial_intelligence_moves_posts_and_redirects(editor, client):
    ai, full = TagFactory(name="ai"), TagFactory(name="artificial-intelligence")
    first, second = EssayFactory(tags=[ai]), EssayFactory(tags=[ai, full])
    url = reverse("admin:essays_tag_changelist")
    page = editor.post(url, {"action": "merge", ACTION_CHECKBOX_NAME: [ai.pk], "index": 0})
    assert page.status_code == 200 and b"merge into" in page.content.lower()
    response = editor.post(
        url,
        {
            "action": "merge",
            ACTION_CHECKBOX_NAME: [ai.pk],
            "index": 0,
            "apply": "1",
            "into": full.pk,
        },
    )
    assert response.status_code == 302
    assert not Tag.objects.filter(slug="ai").exists()
    for post in (first, second):
        assert [t.slug for t in post.tags.all()] == ["artificial-intelligence"]
    answer = client.get("/tags/ai/")
    assert answer.status_code == 301 and answer["Location"] == "/tags/artificial-intelligence/"


def test_a_tag_cannot_merge_into_itself(editor):
    work = TagFactory(name="work")
    post = EssayFactory(tags=[work])
    url = reverse("admin:essays_tag_changelist")
    data = {"action": "merge", ACTION_CHECKBOX_NAME: [work.pk], "index": 0, "apply": "1"}
    page = editor.post(url, {**data, "into": work.pk})
    assert page.status_code == 200  # the form again, saying why
    assert "cannot merge into itself" in page.content.decode()
    assert [t.slug for t in post.tags.all()] == ["work"]
    assert not list(get_messages(page.wsgi_request))


def test_renaming_a_tag_keeps_its_old_page(editor, client):
    tag = TagFactory(name="ml")
    EssayFactory(tags=[tag])
    response = editor.post(
        reverse("admin:essays_tag_change", args=[tag.pk]),
        {"name": "machine learning", "slug": "machine-learning"},
    )
    assert response.status_code == 302
    answer = client.get("/tags/ml/")
    assert answer.status_code == 301 and answer["Location"] == "/tags/machine-learning/"


# All writing: search and filters ---------------------------------------------------


def test_all_writing_searches_the_body_and_filters_scheduled_and_tags(editor):
    EssayFactory(title="Plain", body="A paragraph about lighthouses.")
    EssayFactory(title="Other", description="Nothing.")
    soon = EssayFactory(title="Soon", scheduled=True)
    tagged = EssayFactory(title="Tagged", tags=[TagFactory(name="rare-tag")])
    found = editor.get(ALL_WRITING, {"q": "lighthouses"}).context["cl"].result_list
    assert [p.title for p in found] == ["Plain"]
    analysis = ArticleAnalysisFactory(source_url="https://journal.example/on-tides")
    found = editor.get(ALL_WRITING, {"q": "journal.example/on-tides"}).context["cl"].result_list
    assert [p.pk for p in found] == [analysis.pk]
    scheduled = editor.get(ALL_WRITING, {"state": "scheduled"}).context["cl"].result_list
    assert [p.pk for p in scheduled] == [soon.pk]
    by_tag = editor.get(ALL_WRITING, {"tag": "rare-tag"}).context["cl"].result_list
    assert [p.pk for p in by_tag] == [tagged.pk]


def test_the_tag_filter_lists_the_most_used_tags_only(editor):
    tags = [TagFactory(name=f"t{n:02}") for n in range(20)]
    EssayFactory(tags=tags[:1])
    html = editor.get(ALL_WRITING).content.decode()
    assert "?tag=t00" in html
    assert html.count("?tag=t") <= 12
