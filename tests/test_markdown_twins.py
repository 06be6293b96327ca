"""Machine-readable twins: /<slug>.md (a public post's Markdown source with its front
matter, as the export writes it) and /llms.txt (the sections and the newest posts)."""

import pytest
import yaml
from django.core.cache import caches
from django.urls import reverse

from core import page_cache
from transfer import frontmatter

from .factories import ArticleAnalysisFactory, EssayFactory, TagFactory

pytestmark = pytest.mark.django_db


def twin(post):
    return reverse("markdown-twin", kwargs={"slug": post.slug})


def test_a_post_s_twin_is_its_source_with_its_front_matter(client):
    post = EssayFactory(
        title="Plain words", slug="plain-words", body="Some *plain* words.\n\n## A head"
    )
    post.tags.add(TagFactory(name="craft"))
    response = client.get("/plain-words.md")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    front, body = frontmatter.split(response.content.decode())
    assert front["title"] == "Plain words"
    assert front["slug"] == "plain-words"
    assert front["tags"] == ["craft"]
    assert front["url"] == "http://testserver/plain-words/"
    assert "draft" not in front
    assert body.strip() == "Some *plain* words.\n\n## A head"


def test_an_analysis_twin_carries_its_source_and_both_parts(client):
    post = ArticleAnalysisFactory(slug="an-analysis")
    text = client.get(twin(post)).content.decode()
    head = yaml.safe_load(text.split("---\n")[1])
    assert head["source_url"] == post.source_url
    assert post.summary.strip().splitlines()[0] in text


def test_the_twin_is_advertised_on_the_post_and_nowhere_for_a_preview(client, admin_client):
    post = EssayFactory(slug="told")
    page = client.get(post.get_absolute_url()).content.decode()
    assert '<link rel="alternate" type="text/markdown" href="/told.md"' in page
    draft = EssayFactory(slug="not-yet", draft=True)
    preview = admin_client.get(draft.get_absolute_url()).content.decode()
    assert 'type="text/markdown"' not in preview


@pytest.mark.parametrize("trait", ["draft", "scheduled"])
def test_no_twin_for_a_post_not_public(client, admin_client, trait):
    post = EssayFactory(slug="hidden", **{trait: True})
    assert client.get(twin(post)).status_code == 404
    assert admin_client.get(twin(post)).status_code == 404  # not even for staff
    assert "hidden" not in client.get(reverse("llms-txt")).content.decode()


def test_an_expired_post_has_no_twin(client):
    from datetime import timedelta

    from django.utils import timezone

    post = EssayFactory(slug="gone", expire_at=timezone.now() - timedelta(minutes=1))
    assert client.get(twin(post)).status_code == 404


def test_llms_txt_lists_the_sections_and_newest_posts_as_twins(client):
    EssayFactory(title="Older words", slug="older")
    EssayFactory(title="Newest words", slug="newest", publish_at=None)
    response = client.get(reverse("llms-txt"))
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("# ")
    assert "## Sections" in text and "## Newest posts" in text
    for path in ["/blog/", "/essays/", "/article-analyses/", "/dev-reflections/", "/books/"]:
        assert f"(http://testserver{path})" in text
    assert text.index("[Newest words](http://testserver/newest.md)") < text.index(
        "[Older words](http://testserver/older.md)"
    )


def test_a_title_or_description_stays_one_line_of_text_in_llms_txt(client):
    EssayFactory(
        title="Brackets [and] a \\ backslash",
        slug="odd",
        description="First line.\n\n## Not a heading\n- not a list *or emphasis*",
    )
    text = client.get(reverse("llms-txt")).content.decode()
    [line] = [line for line in text.splitlines() if "odd.md" in line]
    assert line == (
        "- [Brackets \\[and\\] a \\\\ backslash](http://testserver/odd.md): "
        "First line. ## Not a heading - not a list \\*or emphasis\\*"
    )
    assert "\n## Not a heading" not in text


def test_twins_come_from_the_page_cache_and_an_edit_reaches_them(
    client, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_ENABLED = True
    caches[page_cache.ALIAS].clear()
    post = EssayFactory(title="Cached twin", slug="cached-twin", body="First words.")
    for url in (twin(post), reverse("llms-txt")):
        assert client.get(url)["X-Cache"] == "miss"
        assert client.get(url)["X-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        post.title, post.body = "Edited twin", "Second words."
        post.save()
    assert "Second words." in client.get(twin(post)).content.decode()
    assert "Edited twin" in client.get(reverse("llms-txt")).content.decode()
