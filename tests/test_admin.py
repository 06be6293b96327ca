"""The admin: every type can be added, changed and scheduled, with clear errors."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from books.models import Book
from core.models import SiteSettings
from essays.models import ArticleAnalysis, DevReflection, Essay, Tag, Writing

from .factories import ArticleAnalysisFactory, DevReflectionFactory, EssayFactory, book_form

pytestmark = pytest.mark.django_db


def when(moment):
    local = timezone.localtime(moment)
    return {"publish_at_0": local.strftime("%Y-%m-%d"), "publish_at_1": local.strftime("%H:%M:%S")}


# The share links' inline formset, empty.
INLINES = {"previews-TOTAL_FORMS": "0", "previews-INITIAL_FORMS": "0"}


def publishing(status="published", moment=None, **extra):
    data = {"status": status, "tags": "AI, work, ai", **INLINES, **extra}
    if moment:
        data.update(when(moment))
    else:
        data.update({"publish_at_0": "", "publish_at_1": ""})
    return data


FORMS = {
    Essay: {"title": "A new essay", "slug": "", "description": "Dek.", "body": "Body *text*."},
    ArticleAnalysis: {
        "source_title": "Some Article",
        "source_url": "https://example.com/a",
        "source_author": "Someone",
        "source_publication": "Somewhere",
        "title": "",
        "slug": "",
        "description": "Dek.",
        "quote": "Quoted.",
        "summary": "The summary.",
        "analysis": "The analysis.",
    },
    DevReflection: {"title": "", "slug": "", "description": "", "body": "Spoken words."},
}
FACTORIES = {
    Essay: EssayFactory,
    ArticleAnalysis: ArticleAnalysisFactory,
    DevReflection: DevReflectionFactory,
}


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


@pytest.mark.parametrize("model", FORMS, ids=lambda m: m.__name__)
def test_add_page_loads_with_the_markdown_editor_and_saves(staff_client, model):
    response = staff_client.get(admin_url(model, "add"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "markdownx" in html
    assert "django-admin-prepopulated-fields-constants" in html
    assert "&quot;id&quot;: &quot;#id_slug&quot;" in html

    later = timezone.now() + timedelta(days=2)
    response = staff_client.post(
        admin_url(model, "add"), {**FORMS[model], **publishing(moment=later)}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    post = model.objects.get()
    assert post.title
    assert post.slug
    assert post.state == "scheduled"
    assert sorted(tag.name for tag in post.tags.all()) == ["ai", "work"]
    assert not Writing.objects.published().exists()


def test_default_titles_and_slugs(staff_client):
    staff_client.post(admin_url(ArticleAnalysis, "add"), {**FORMS[ArticleAnalysis], **publishing()})
    analysis = ArticleAnalysis.objects.get()
    assert analysis.title == "Article analysis: Some Article"
    assert analysis.slug == "article-analysis-some-article"

    moment = timezone.make_aware(timezone.datetime(2026, 1, 8, 9, 30))
    staff_client.post(
        admin_url(DevReflection, "add"), {**FORMS[DevReflection], **publishing(moment=moment)}
    )
    reflection = DevReflection.objects.get()
    assert reflection.title == "Dev reflection - January 08, 2026"
    assert reflection.slug == "dev-reflection-january-08-2026"


@pytest.mark.parametrize("model", FORMS, ids=lambda m: m.__name__)
def test_change_page_loads_and_saves(staff_client, model):
    post = FACTORIES[model](draft=True)
    url = admin_url(model, "change", post.pk)
    response = staff_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "View on site" in html
    data = {**FORMS[model], "title": "Changed title", "slug": post.slug, **publishing("draft")}
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    post.refresh_from_db()
    assert post.title == "Changed title"
    assert post.state == "draft"


def test_an_essay_needs_a_title(staff_client):
    response = staff_client.post(
        admin_url(Essay, "add"), {**FORMS[Essay], "title": "", **publishing()}
    )
    assert response.status_code == 200
    assert "A title is required." in response.content.decode()
    assert not Essay.objects.exists()


def test_slugs_are_unique_across_every_type(staff_client):
    EssayFactory(slug="taken")
    data = {**FORMS[DevReflection], "slug": "taken", **publishing()}
    response = staff_client.post(admin_url(DevReflection, "add"), data)
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert not DevReflection.objects.exists()


@pytest.mark.parametrize(
    "slug",
    [
        "books",
        "admin",
        "bad slug",
        ".hidden",
        "a..b",
        "tags/ai",  # /tags/<tag>/ is a page of the site
        "blog/page/2",
        "static/x",  # the web server answers there
        "a//b",
        "/a",
        "a/",
        "notes/.hidden",
        "feeds/index.xml",
    ],
)
def test_slugs_that_would_shadow_a_page_or_are_malformed_are_refused(staff_client, slug):
    data = {**FORMS[Essay], "slug": slug, **publishing()}
    response = staff_client.post(admin_url(Essay, "add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"]
    assert not Essay.objects.exists()
    assert not Tag.objects.exists(), "a refused form must not leave new tags behind"


def test_a_post_may_live_at_a_nested_path(staff_client):
    data = {**FORMS[Essay], "slug": "work-logs/authexis/2026-02-01", **publishing()}
    response = staff_client.post(admin_url(Essay, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    essay = Essay.objects.get()
    assert essay.get_absolute_url() == "/work-logs/authexis/2026-02-01/"
    staff_client.logout()
    assert staff_client.get("/work-logs/authexis/2026-02-01/").status_code == 200
    assert staff_client.get("/work-logs/authexis/").status_code == 404


def test_a_malformed_date_is_a_form_error_not_a_crash(staff_client):
    data = {**FORMS[Essay], **publishing(), "publish_at_0": "2026-13-45", "publish_at_1": "25:99"}
    response = staff_client.post(admin_url(Essay, "add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["publish_at"]
    assert not Essay.objects.exists()


def test_the_list_shows_state_publish_time_featured_and_tags(staff_client):
    EssayFactory(title="Draft one", draft=True)
    EssayFactory(title="Scheduled one", scheduled=True)
    EssayFactory(title="Published one", featured=True)
    response = staff_client.get(admin_url(Essay, "changelist"))
    html = response.content.decode()
    assert "Draft" in html and "Scheduled for" in html and "Published" in html
    for state, title in [
        ("draft", "Draft one"),
        ("scheduled", "Scheduled one"),
        ("published", "Published one"),
    ]:
        filtered = staff_client.get(admin_url(Essay, "changelist"), {"state": state})
        titles = [post.title for post in filtered.context["cl"].result_list]
        assert titles == [title]


def test_the_list_costs_the_same_with_more_posts(staff_client):
    def cost():
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(admin_url(Essay, "changelist")).status_code == 200
        return len(queries)

    EssayFactory.create_batch(3)
    few = cost()
    EssayFactory.create_batch(60)
    assert cost() == few


def test_book_add_and_change(staff_client):
    assert staff_client.get(admin_url(Book, "add")).status_code == 200
    data = book_form()
    response = staff_client.post(admin_url(Book, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    book = Book.objects.get()
    assert book.is_published()
    assert book.pitch_html == "<p>Read <em>this</em>.</p>"
    response = staff_client.get(admin_url(Book, "change", book.pk))
    assert response.status_code == 200
    response = staff_client.post(admin_url(Book, "change", book.pk), {**data, "title": "Renamed"})
    assert response.status_code == 302
    book.refresh_from_db()
    assert book.title == "Renamed"


def test_site_settings_are_one_row_edited_in_the_admin(staff_client):
    response = staff_client.get(admin_url(SiteSettings, "changelist"))
    assert response.status_code == 302
    url = response["Location"]
    assert staff_client.get(url).status_code == 200
    data = {
        "author_name": "Jane Doe",
        "credential": "MFA",
        "tagline": "Words, mostly",
        "short_bio": "I write.",
        "newsletter_name": "Letters",
        "newsletter_url": "https://example.com/n",
        "podcast_category": "Technology",
        "featured_count": "2",
        "books_count": "1",
        "recent_count": "4",
        "related_count": "3",
    }
    assert staff_client.post(url, data).status_code == 302
    assert SiteSettings.objects.count() == 1
    html = staff_client.get("/").content.decode()
    assert "Jane Doe, MFA" in html and "Words, mostly" in html and "I write." in html


def test_tags_admin_counts_posts(staff_client):
    EssayFactory(tags=[Tag.objects.create(name="ai", slug="ai")])
    response = staff_client.get(admin_url(Tag, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_list[0].post_count == 1
