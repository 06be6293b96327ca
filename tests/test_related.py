"""Related writing: what is ranked related and why, what the author decides, what
readers never see, when lists are computed, and what they cost.

Lists are computed by a task enqueued when the saving transaction commits; tests that
save posts run those callbacks with ``django_capture_on_commit_callbacks``.
"""

import io
import re
import textwrap
from datetime import timedelta

import numpy as np
import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.tasks.signals import task_enqueued
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import SiteSettings
from essays.models import Writing
from related import engine, store, weighting
from related.conf import weights
from related.documents import analysed_sources, from_markdown, from_writing
from related.models import IndexEntry, RelatedChoice, RelatedLink

from .factories import (
    ArticleAnalysisFactory,
    DevReflectionFactory,
    EssayFactory,
    TagFactory,
    tags_in_bulk,
)
from .sidebars import page_request, related_slugs, render_related, section_links

pytestmark = pytest.mark.django_db

BREAD = "Sourdough bread needs a starter, flour, water and salt; the starter ferments the dough."
BREAD_TOO = "A starter of flour and water ferments; sourdough bread rises slowly from the dough."
STARS = "Telescopes show galaxies, nebulae and distant stars through the night sky."
STARS_TOO = "Through a telescope the night sky shows stars, nebulae and galaxies far away."
GARDEN = "Tomatoes and beans grow in the garden beds; compost feeds the soil all summer."


def essay(slug, body, **kwargs):
    """An essay whose every word is given: the factory's titles and descriptions would
    make all posts share words."""
    kwargs.setdefault("title", slug.replace("-", " ").title())
    return EssayFactory(slug=slug, description="", body=body, **kwargs)


@pytest.fixture
def saving(django_capture_on_commit_callbacks):
    """Run the tasks that saves enqueue, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def stored_slugs(post):
    links = RelatedLink.objects.filter(source=post).select_related("target").order_by("rank")
    return [link.target.slug for link in links]


# Ranking


def test_posts_on_the_same_subject_come_first_and_unrelated_ones_never(saving):
    with saving():
        bread = essay("bread", BREAD, title="Baking")
        essay("bread-too", BREAD_TOO, title="Loaves")
        essay("stars", STARS, title="Looking up")
        essay("stars-too", STARS_TOO, title="At night")
        essay("garden", GARDEN, title="Growing food")
    assert related_slugs(bread)[0] == "bread-too"
    # Nothing in common: never related, however few posts there are.
    assert "garden" not in stored_slugs(bread)
    assert stored_slugs(Writing.objects.get(slug="stars"))[0] == "stars-too"


def test_a_post_with_no_tags_still_gets_suggestions_from_its_words(saving):
    with saving():
        untagged = essay("untagged", STARS, title="Stars")
        essay("kin", STARS_TOO, title="Night sky", tags=[TagFactory()])
    assert related_slugs(untagged) == ["kin"]


def test_a_shared_tag_outranks_equal_text(saving):
    topic = TagFactory(name="baking")
    with saving():
        post = essay("post", BREAD, title="Bread", tags=[topic])
        essay("untagged", BREAD, title="Bread")
        essay("tagged", BREAD, title="Bread", tags=[topic])
    assert stored_slugs(post)[:2] == ["tagged", "untagged"]


def test_analyses_of_the_same_article_are_kin(saving):
    with saving():
        post = ArticleAnalysisFactory(slug="first", source_url="https://www.example.com/piece/")
        ArticleAnalysisFactory(slug="other-source", source_url="https://example.com/elsewhere")
        ArticleAnalysisFactory(slug="same-source", source_url="http://example.com/piece")
    assert stored_slugs(post)[0] == "same-source"
    link = RelatedLink.objects.get(source=post, target__slug="same-source")
    assert link.source_score == 1


def test_the_same_source_is_recognised_whatever_the_spelling():
    assert analysed_sources("https://www.Example.com/a/", "The  Piece") == analysed_sources(
        "http://example.com/a", "the piece"
    )


def test_between_equals_the_closer_in_time_comes_first(saving):
    now = timezone.now()
    with saving():
        post = essay("post", BREAD, publish_at=now - timedelta(days=400))
        essay("far", BREAD, publish_at=now - timedelta(days=2000))
        essay("near", BREAD, publish_at=now - timedelta(days=390))
    assert stored_slugs(post) == ["near", "far"]


@pytest.mark.parametrize(
    "overrides, first",
    [({"TAGS": 2.0, "TEXT": 0.1}, "same-tag"), ({"TAGS": 0.0, "TEXT": 1.0}, "same-words")],
)
def test_the_weights_are_settings(saving, overrides, first):
    topic = TagFactory(name="astronomy")
    with override_settings(RELATED=overrides), saving():
        post = essay("post", STARS, title="Stars", tags=[topic])
        essay("same-words", STARS_TOO, title="Stars")
        essay("same-tag", GARDEN, title="Garden", tags=[topic])
    assert stored_slugs(post)[0] == first


def test_unknown_weights_fail_loudly():
    with (
        override_settings(RELATED={"TEXTS": 1}),
        pytest.raises(ImproperlyConfigured, match="TEXTS"),
    ):
        weights()


def test_word_forms_match_through_the_title_character_grams():
    docs = [
        engine.Document(1, title="Generics in practice", body="Go code."),
        # Listed first, so that it would win a tie.
        engine.Document(3, title="Garbage collector pauses", body="Go code."),
        engine.Document(2, title="Why generic code", body="Go code."),
    ]
    index = engine.Index(weights())
    index.put(engine.vectorize(docs))
    ranked = dict(index.rank())
    assert [candidate.key for candidate in ranked[1]] == [2, 3]


def test_rows_are_replaced_and_appended_in_place():
    first = (np.array([1, 3], np.int32), np.array([1, 2], np.float32))
    second = (np.array([0], np.int32), np.array([5], np.float32))
    new = (np.array([2], np.int32), np.array([7], np.float32))
    patched = weighting.set_rows(weighting.stack([first, second], 4), {0: new, 2: new})
    assert patched.toarray().tolist() == [[0, 0, 7, 0], [5, 0, 0, 0], [0, 0, 7, 0]]


def test_a_large_index_patches_a_saved_post_in_and_counts_newly_shared_words(monkeypatch):
    monkeypatch.setattr(engine, "PATCH_FROM", 0)
    docs = [
        engine.Document(1, body="sourdough starter flour"),
        engine.Document(2, body="galaxies nebulae"),
        engine.Document(3, body="telescope galaxies"),
        engine.Document(4, body="compost tomatoes"),
    ]
    index = engine.Index(weights())
    index.put(engine.vectorize(docs))
    words = index.views["words"]
    # "compost" is post 4's alone: it counts for nothing until another post uses it.
    assert dict(index.rank())[4] == []
    index.put(engine.vectorize([engine.Document(2, body="compost heap")]))
    assert index.views["words"] is words  # patched, not recomputed
    ranked = dict(index.rank())
    assert [candidate.key for candidate in ranked[4]] == [2]
    assert [candidate.key for candidate in ranked[3]] == []
    fresh = engine.Index(weights())
    fresh.put(index.vectors)
    assert {key: [c.key for c in found] for key, found in fresh.rank()} == {
        key: [c.key for c in found] for key, found in ranked.items()
    }


def test_stored_counts_read_back_as_written():
    (vectors,) = engine.vectorize([engine.Document(1, title="Go", body="Goroutines and channels")])
    views = engine.unpack(engine.pack(vectors.views))
    for view, (indices, values) in vectors.views.items():
        assert views[view][0].tolist() == indices.tolist()
        assert views[view][1].tolist() == values.tolist()


def test_the_stored_list_is_capped_at_count(saving):
    with override_settings(RELATED={"COUNT": 2}), saving():
        post = essay("post", BREAD)
        for n in range(4):
            EssayFactory(slug=f"kin-{n}", body=BREAD_TOO)
    assert len(stored_slugs(post)) == 2


def test_a_new_post_enters_the_full_lists_it_beats(saving):
    with override_settings(RELATED={"COUNT": 1}):
        with saving():
            post = essay("post", BREAD)
            essay("weak", "Bread and butter.")
        assert stored_slugs(post) == ["weak"]
        with saving():
            essay("strong", BREAD_TOO)
        assert stored_slugs(post) == ["strong"]


def test_saves_keep_the_lists_those_of_a_full_rebuild(saving):
    """The incremental path (floors, backlinks) ends where a rebuild does."""
    texts = [BREAD, BREAD_TOO, STARS, STARS_TOO, GARDEN, BREAD + STARS, GARDEN + BREAD]
    with override_settings(RELATED={"COUNT": 2}):
        with saving():
            posts = [EssayFactory(slug=f"p{n}", body=text) for n, text in enumerate(texts)]
        with saving():
            posts[0].body = GARDEN
            posts[0].save()
        with saving():
            posts[4].delete()
        incremental = {post.slug: set(stored_slugs(post)) for post in Writing.objects.all()}
        store.rebuild()
        rebuilt = {post.slug: set(stored_slugs(post)) for post in Writing.objects.all()}
    assert incremental == rebuilt


# The author's control


def test_pinned_posts_come_first_in_order_and_excluded_ones_never(saving):
    with saving():
        post = essay("post", BREAD)
        essay("best", BREAD_TOO)
        essay("second", BREAD + " Ovens.")
        stranger = essay("stranger", GARDEN)
        other = essay("other", STARS)
        RelatedChoice.objects.create(source=post, target_id=other.pk, position=2)
        RelatedChoice.objects.create(source=post, target_id=stranger.pk, position=1)
        RelatedChoice.objects.create(
            source=post, target_id=Writing.objects.get(slug="best").pk, action="exclude"
        )
    assert related_slugs(post) == ["stranger", "other", "second"]
    assert RelatedLink.objects.get(source=post, target=stranger).pinned


def test_removing_a_pin_takes_it_out_again(saving):
    with saving():
        post = essay("post", BREAD)
        stranger = essay("stranger", GARDEN)
        pin = RelatedChoice.objects.create(source=post, target_id=stranger.pk)
    assert related_slugs(post) == ["stranger"]
    with saving():
        pin.delete()
    assert related_slugs(post) == []


def test_a_pinned_draft_waits_until_it_is_published(saving):
    with saving():
        post = essay("post", BREAD)
        draft = essay("draft", GARDEN, draft=True)
        RelatedChoice.objects.create(source=post, target_id=draft.pk)
    assert related_slugs(post) == []
    with saving():
        draft.status, draft.publish_at = "published", timezone.now() - timedelta(minutes=1)
        draft.save()
    assert related_slugs(post) == ["draft"]


# Visibility


def test_drafts_and_scheduled_posts_are_stored_but_never_shown(client, saving):
    with saving():
        post = essay("post", BREAD)
        essay("draft", BREAD, draft=True)
        scheduled = essay("scheduled", BREAD, scheduled=True)
        essay("public", BREAD_TOO)
    assert set(stored_slugs(post)) == {"draft", "scheduled", "public"}
    assert related_slugs(post) == ["public"]
    html = client.get(post.get_absolute_url()).content.decode()
    assert 'href="/draft/"' not in html and 'href="/scheduled/"' not in html
    # A scheduled post's own list is ready for the day it goes live.
    assert "public" in stored_slugs(scheduled)


def test_a_scheduled_post_appears_when_its_time_comes_without_a_recompute(saving, monkeypatch):
    with saving():
        post = essay("post", BREAD)
        scheduled = essay("scheduled", BREAD_TOO, scheduled=True)
    assert related_slugs(post) == []

    def no_recompute(*args, **kwargs):
        raise AssertionError("time alone must be enough")

    monkeypatch.setattr(store, "refresh", no_recompute)
    monkeypatch.setattr(store, "rebuild", no_recompute)
    with time_machine.travel(scheduled.publish_at + timedelta(minutes=1)):
        assert related_slugs(post) == ["scheduled"]


# When lists are computed


def test_saving_a_post_enqueues_one_refresh_per_transaction(saving):
    enqueued = []

    def record(sender, task_result, **kwargs):
        enqueued.append(task_result)

    task_enqueued.connect(record)
    try:
        with saving():
            post = essay("post", BREAD, tags=[TagFactory()])
            post.tags.add(TagFactory())
    finally:
        task_enqueued.disconnect(record)
    assert [result.task.name for result in enqueued] == ["refresh_related"]
    assert enqueued[0].args == [[post.pk]]
    assert enqueued[0].status == "SUCCESSFUL"
    assert IndexEntry.objects.filter(pk=post.pk).exists()


def test_nothing_is_enqueued_before_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        EssayFactory(body=BREAD)
    assert callbacks
    assert not RelatedLink.objects.exists() and not IndexEntry.objects.exists()


def test_a_new_tag_on_a_post_refreshes_its_list(saving):
    topic = TagFactory(name="night")
    with saving():
        post = essay("post", BREAD)
        essay("tagged", GARDEN, tags=[topic])
    assert related_slugs(post) == []
    with saving():
        post.tags.add(topic)
    assert related_slugs(post) == ["tagged"]


def test_a_deleted_post_leaves_the_lists_and_is_replaced(saving):
    with override_settings(RELATED={"COUNT": 1}):
        with saving():
            post = essay("post", BREAD)
            best = essay("best", BREAD)
            essay("next", BREAD_TOO)
        assert related_slugs(post) == ["best"]
        with saving():
            best.delete()
        assert related_slugs(post) == ["next"]


def test_rebuild_related_computes_every_list_with_a_progress_bar():
    # Saved without running the commit callbacks: no lists yet.
    post = essay("post", BREAD)
    essay("kin", BREAD_TOO)
    assert not RelatedLink.objects.exists()
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("rebuild_related", stdout=stdout, stderr=stderr)
    assert related_slugs(post) == ["kin"]
    assert "Related writing of 2 posts rebuilt" in stdout.getvalue()
    assert "Ranking" in stderr.getvalue() and "100%" in stderr.getvalue()


def test_a_refresh_takes_in_posts_it_has_never_seen():
    essay("earlier", BREAD_TOO)  # saved before the engine ran
    post = essay("post", BREAD)
    store.refresh([post.pk])
    assert related_slugs(post) == ["earlier"]


# What it costs


def _sidebar_queries(post):
    request = page_request()
    with CaptureQueriesContext(connection) as queries:
        html = render_related(post, request)
    return len(queries), len(section_links(html, "related"))


def test_the_related_list_costs_one_query_whatever_the_content(saving):
    SiteSettings.objects.create(related_count=5)
    with saving():
        post = essay("post", BREAD)
        for n in range(3):
            EssayFactory(body=BREAD_TOO + f" Variation {n}.")
    small = _sidebar_queries(post)
    with saving():
        for n in range(30):
            EssayFactory(body=BREAD_TOO + f" Variation {n}.", draft=n % 3 == 0)
    large = _sidebar_queries(post)
    assert small == (1, 3)
    assert large == (1, 5)


def _page_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_a_post_page_costs_the_same_whatever_the_content(client, saving):
    topic = TagFactory(name="common")
    with saving():
        posts = [
            EssayFactory(body=BREAD, tags=[topic]),
            ArticleAnalysisFactory(analysis=BREAD, tags=[topic]),
            DevReflectionFactory(body=BREAD, tags=[topic]),
        ]
        EssayFactory(body=BREAD_TOO, tags=[topic])
    small = [_page_queries(client, post.get_absolute_url()) for post in posts]
    with saving(), tags_in_bulk():
        for _ in range(40):
            EssayFactory(body=BREAD_TOO, tags=[topic])
            ArticleAnalysisFactory(analysis=BREAD_TOO, tags=[topic])
            DevReflectionFactory(body=BREAD_TOO, tags=[topic])
    large = [_page_queries(client, post.get_absolute_url()) for post in posts]
    assert small == large
    assert all(
        len(section_links(client.get(post.get_absolute_url()).content.decode(), "related")) == 3
        for post in posts
    )


def test_analyses_say_notes_and_related_thinking_other_posts_related_writing(client, saving):
    with saving():
        bread = essay("essay", BREAD)
        analysis = ArticleAnalysisFactory(slug="analysis", analysis=BREAD_TOO)
    essay_html = client.get(bread.get_absolute_url()).content.decode()
    analysis_html = client.get(analysis.get_absolute_url()).content.decode()
    assert ">Related writing</h2>" in essay_html and 'href="/analysis/"' in essay_html
    assert ">Notes and related thinking</h2>" in analysis_html
    assert 'href="/essay/"' in analysis_html


# The admin


def test_staff_see_why_each_suggestion_was_made(staff_client, saving):
    with saving():
        post = essay("post", BREAD, tags=[TagFactory(name="baking")])
        essay("kin", BREAD_TOO, tags=[TagFactory(name="baking")])
        essay("draft", BREAD_TOO, draft=True)
    response = staff_client.get(reverse("admin:related_post_change", args=[post.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Shared tags: baking." in html
    terms = re.search(r"Strongest shared terms: ([^.]*)\.", html).group(1).split(", ")
    assert {"sourdough", "starter"} <= set(terms)
    assert "not yet: Draft" in html


def test_the_author_pins_and_excludes_in_the_admin(staff_client, saving):
    with saving():
        post = essay("post", BREAD)
        best = essay("best", BREAD_TOO)
        stranger = essay("stranger", GARDEN)
    url = reverse("admin:related_post_change", args=[post.pk])
    prefix = "related_choices"
    data = {
        f"{prefix}-TOTAL_FORMS": "2",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-0-target": str(stranger.pk),
        f"{prefix}-0-action": "pin",
        f"{prefix}-0-position": "0",
        f"{prefix}-1-target": str(best.pk),
        f"{prefix}-1-action": "exclude",
        f"{prefix}-1-position": "0",
    }
    with saving():
        response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    assert related_slugs(post) == ["stranger"]
    post.refresh_from_db()
    assert post.kind == "essay" and post.excerpt  # the post itself was left alone


def test_the_admin_lists_every_post_and_finds_them_by_title(staff_client):
    essay("bread", BREAD, title="On sourdough")
    essay("stars", STARS, title="On telescopes")
    url = reverse("admin:related_post_changelist")
    assert staff_client.get(url).status_code == 200
    found = staff_client.get(url, {"q": "sourdough"}).context["cl"].result_list
    assert [post.slug for post in found] == ["bread"]


def test_the_admin_refuses_a_post_related_to_itself(staff_client):
    post = essay("post", BREAD)
    prefix = "related_choices"
    data = {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-0-target": str(post.pk),
        f"{prefix}-0-action": "pin",
        f"{prefix}-0-position": "0",
    }
    response = staff_client.post(reverse("admin:related_post_change", args=[post.pk]), data)
    assert response.status_code == 200
    assert "cannot be related to itself" in response.content.decode()
    assert not RelatedChoice.objects.exists()


# Measuring quality


def _write(folder, name, text):
    (folder / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def _fixture_folder(folder):
    subjects = {"bread": (BREAD, BREAD_TOO), "stars": (STARS, STARS_TOO)}
    for tag, (first, second) in subjects.items():
        for n, body in enumerate((first, second, first + " " + second, second + " " + first)):
            _write(
                folder,
                f"{tag}-{n}.md",
                f"""
                ---
                title: About {tag} {n}
                date: 2024-4-0{n + 1}
                tags: [{tag.title()}]
                summary: Notes.
                ---

                {body} {{{{play "example.go"}}}}
                """,
            )
    _write(folder, "README.md", "# Not a post\n\nNo front matter here.\n")
    _write(folder, "untagged.md", "---\ntitle: Untagged\n---\n\n" + GARDEN)


def test_related_quality_measures_a_folder_without_touching_the_site(tmp_path):
    _fixture_folder(tmp_path)
    stdout = io.StringIO()
    with CaptureQueriesContext(connection) as queries:
        call_command("related_quality", str(tmp_path), stdout=stdout)
    assert len(queries) == 0
    lines = stdout.getvalue().splitlines()
    assert re.fullmatch(r"precision@3 text-only: 1\.000 \(baseline \d\.\d{3}\)", lines[-3])
    assert re.fullmatch(r"precision@3 with tags: 1\.000 \(baseline \d\.\d{3}\)", lines[-2])
    assert lines[-1] == "posts without suggestions: 0 of 8"
    assert "10 Markdown files: 1 without front matter, 1 without tags" in lines[0]


def test_related_quality_counts_posts_it_finds_nothing_for(tmp_path):
    _fixture_folder(tmp_path)
    _write(tmp_path, "lonely.md", "---\ntitle: Quiet\ntags: [bread]\n---\n\nZzz.\n")
    stdout = io.StringIO()
    call_command("related_quality", str(tmp_path), stdout=stdout)
    assert stdout.getvalue().splitlines()[-1] == "posts without suggestions: 1 of 9"


def test_markdown_documents_carry_tags_dates_and_rendered_text(tmp_path):
    _write(
        tmp_path,
        "post.md",
        """
        ---
        title: Go fmt your code
        date: 2024-4-09
        tags: [gofmt, Technical, 2024]
        description: How and why.
        source_url: https://www.example.com/a/
        ---

        ## Heading

        Some *formatted* text with `code`.
        """,
    )
    doc = from_markdown(tmp_path / "post.md")
    assert doc.tags == ("2024", "gofmt", "technical")
    assert (doc.date.year, doc.date.month, doc.date.day) == (2024, 4, 9)
    assert doc.body == "Heading Some formatted text with code."
    assert doc.sources == ("url:example.com/a",)
    _write(tmp_path, "notes.md", "# Notes\n\nNo front matter: not a post.\n")
    assert from_markdown(tmp_path / "notes.md") is None


def test_the_site_and_the_quality_command_read_a_post_alike(tmp_path):
    essay = EssayFactory(
        title="Same", description="Dek.", body="## Heading\n\nSome *formatted* text."
    )
    _write(tmp_path, "same.md", "---\ntitle: Same\ndescription: Dek.\n---\n\n" + essay.body)
    site, folder = from_writing(essay), from_markdown(tmp_path / "same.md")
    assert (site.title, site.description, site.body) == (
        folder.title,
        folder.description,
        folder.body,
    )
