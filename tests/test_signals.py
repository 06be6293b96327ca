"""The one "a post changed" signal (essays.signals.post_changed): when it is sent, with
what, and what the apps that listen to it do; Markdown rendered once per save; and what
an admin save costs in all."""

import pytest
from django.core import serializers
from django.db import connection, transaction
from django.urls import reverse

import core.markdown
from editorial.models import Revision
from essays.models import ArticleAnalysis, DevReflection, Essay, Tag, Writing
from essays.signals import DELETING, SAVED, TAGS, post_changed
from related.models import Post, RelatedLink
from search.models import SearchEntry

from .factories import ArticleAnalysisFactory, DevReflectionFactory, EssayFactory, TagFactory

pytestmark = pytest.mark.django_db

FACTORIES = [EssayFactory, ArticleAnalysisFactory, DevReflectionFactory]
HTML_FIELDS = {
    Essay: ["body_html"],
    ArticleAnalysis: ["summary_html", "analysis_html"],
    DevReflection: ["body_html"],
}


@pytest.fixture
def sent():
    """Every post_changed sent, as (change, pks, instance) with what was in the database
    at that moment: whether the posts and the links to their tags still existed."""
    calls = []

    def record(sender, change, pks, instance, **kwargs):
        assert sender is Writing
        calls.append(
            {
                "change": change,
                "pks": pks,
                "instance": instance,
                "created": kwargs["created"],
                "rows": Writing.objects.filter(pk__in=pks).count(),
                "links": Writing.tags.through.objects.filter(writing_id__in=pks).count(),
            }
        )

    post_changed.connect(record, weak=False, dispatch_uid="tests:sent")
    yield calls
    post_changed.disconnect(dispatch_uid="tests:sent")


def summary(calls):
    return [(call["change"], call["pks"]) for call in calls]


# Saves -----------------------------------------------------------------------------


@pytest.mark.parametrize("factory", FACTORIES)
def test_each_save_of_any_type_sends_one_signal(sent, factory):
    post = factory()
    assert summary(sent) == [(SAVED, [post.pk])]
    assert sent[0]["instance"] is post and sent[0]["created"]
    sent.clear()
    post.description = "Edited."
    post.save()
    assert summary(sent) == [(SAVED, [post.pk])]
    assert not sent[0]["created"]


@pytest.mark.parametrize("factory", FACTORIES)
def test_saving_a_base_row_keeps_its_type_html_and_excerpt(sent, factory):
    post = factory(tags=[TagFactory()])
    model = type(post)
    derived = ["kind", "excerpt", "word_count", *HTML_FIELDS[model]]
    before = model.objects.values(*derived).get(pk=post.pk)
    assert before["excerpt"] and before["word_count"]
    sent.clear()

    row = Writing.objects.get(pk=post.pk)
    row.title = "Saved as a base row"
    row.save()

    assert model.objects.values(*derived).get(pk=post.pk) == before
    assert Writing.objects.get(pk=post.pk).title == "Saved as a base row"
    assert summary(sent) == [(SAVED, [post.pk])]
    assert sent[0]["instance"] is row
    # The listeners took it: search indexed the post, as its own type, by the new title.
    assert SearchEntry.objects.get(pk=post.pk).title == "Saved as a base row"


def test_the_first_row_of_all_writing_saves():
    for factory in FACTORIES:
        factory()
    for row in Writing.objects.all():
        kind, excerpt = row.kind, row.excerpt
        row.save()
        row.refresh_from_db()
        assert (row.kind, row.excerpt) == (kind, excerpt)


def test_a_new_post_cannot_be_saved_without_a_type(sent):
    with pytest.raises(TypeError):
        Writing(title="Of no type").save()
    assert not Writing.objects.exists() and sent == []


def test_raw_saves_send_nothing(sent):
    post = EssayFactory(tags=[TagFactory(name="kept")])
    rows = [Writing.objects.get(pk=post.pk), Essay.objects.get(pk=post.pk), Tag.objects.get()]
    fixture = serializers.serialize("json", rows)
    sent.clear()
    for obj in serializers.deserialize("json", fixture):
        obj.save()
    post.save_base(raw=True)
    assert sent == []


# Tags ------------------------------------------------------------------------------


def test_a_posts_own_tag_changes_send_once_each(sent):
    post = EssayFactory()
    first, second = TagFactory(), TagFactory()
    sent.clear()
    post.tags.add(first, second)
    post.tags.add(first)  # already there: nothing changed
    post.tags.remove(first)
    post.tags.clear()
    post.tags.set([first])
    assert summary(sent) == [(TAGS, [post.pk])] * 4
    assert all(call["instance"] is post for call in sent)
    assert [call["links"] for call in sent] == [2, 1, 0, 1]


def test_tag_changes_from_the_tags_side_name_the_posts(sent):
    one, two, other = EssayFactory(), EssayFactory(), EssayFactory()
    tag = TagFactory()
    sent.clear()
    tag.writings.add(one, two)
    tag.writings.add(one)
    tag.writings.remove(one)
    tag.writings.clear()
    assert summary(sent) == [(TAGS, sorted([one.pk, two.pk])), (TAGS, [one.pk]), (TAGS, [two.pk])]
    assert all(call["instance"] is None for call in sent)
    assert other.pk not in {pk for call in sent for pk in call["pks"]}
    # Sent once done: a clear is over when its posts are named.
    assert sent[-1]["links"] == 0


def test_a_renamed_tag_names_its_posts_and_an_unchanged_one_nothing(sent):
    tag = TagFactory(name="before")
    posts = [EssayFactory(tags=[tag]), ArticleAnalysisFactory(tags=[tag]), EssayFactory()]
    sent.clear()
    TagFactory(name="brand-new")
    tag.save()
    Tag.objects.get(pk=tag.pk).save()
    assert sent == []
    tag.name = "after"
    tag.save()
    tag.save()
    fresh = Tag.objects.get(pk=tag.pk)
    fresh.slug = "after"
    fresh.save()
    assert summary(sent) == [(TAGS, sorted(post.pk for post in posts[:2]))] * 2
    assert sent[0]["instance"] is None


def test_a_deleted_tag_names_its_posts_once_it_is_gone(sent):
    tag = TagFactory()
    posts = [EssayFactory(tags=[tag]), DevReflectionFactory(tags=[tag])]
    sent.clear()
    tag.delete()
    assert summary(sent) == [(TAGS, sorted(post.pk for post in posts))]
    assert sent[0]["links"] == 0


# Deletions -------------------------------------------------------------------------


@pytest.mark.parametrize("factory", FACTORIES)
@pytest.mark.parametrize("how", ["own type", "base row", "proxy", "queryset"])
def test_a_deleted_post_is_sent_once_before_it_goes(sent, factory, how):
    post = factory(tags=[TagFactory()])
    pk = post.pk
    sent.clear()
    if how == "own type":
        post.delete()
    elif how == "base row":
        Writing.objects.get(pk=post.pk).delete()
    elif how == "proxy":
        Post.objects.get(pk=post.pk).delete()
    else:
        Writing.objects.filter(pk=post.pk).delete()
    assert summary(sent) == [(DELETING, [pk])]
    # Sent at pre_delete: the row and what points at it are still there to be read.
    assert sent[0]["rows"] == 1 and sent[0]["links"] == 1
    assert not Writing.objects.filter(pk=pk).exists()


def test_related_refreshes_the_lists_that_held_a_deleted_post(monkeypatch):
    post, holder, bystander = EssayFactory(), EssayFactory(), EssayFactory()
    RelatedLink.objects.create(source=holder, target=post, rank=1, score=0.5)
    RelatedLink.objects.create(source=bystander, target=holder, rank=1, score=0.5)
    scheduled, pk = [], post.pk
    monkeypatch.setattr("related.signals.schedule", lambda pks, using: scheduled.append(pks))
    post.delete()
    assert scheduled == [[pk, holder.pk]]


# Revisions -------------------------------------------------------------------------


def test_a_tag_renamed_elsewhere_is_no_revision_of_its_posts(django_capture_on_commit_callbacks):
    tag = TagFactory(name="before")
    with django_capture_on_commit_callbacks(execute=True):
        EssayFactory(tags=[tag])
    assert Revision.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        tag.name = "after"
        tag.save()
        tag.delete()
    assert Revision.objects.count() == 1


def test_a_rolled_back_change_leaves_nothing_for_the_next_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        rolled_back = EssayFactory()
    Revision.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            rolled_back.title = "Never saved"
            rolled_back.save()
            raise RuntimeError("rolled back")
        committed = EssayFactory()
    assert list(Revision.objects.values_list("object_id", flat=True)) == [committed.pk]


# Rendering once --------------------------------------------------------------------


@pytest.fixture
def conversions(monkeypatch):
    """The Markdown texts the parser converted (``core.markdown.convert``, its one entry)."""
    texts, convert = [], core.markdown.convert
    monkeypatch.setattr(
        core.markdown, "convert", lambda text, *args: texts.append(text) or convert(text, *args)
    )
    return texts


def test_the_publish_gate_and_the_save_render_each_field_once(conversions):
    post = ArticleAnalysis(
        source_title="A piece",
        source_url="https://example.com/piece",
        quote="Quoted.",
        summary="It argues.\n\n![](https://example.com/chart.png)",
        analysis="I *disagree*.",
        status="published",
    )
    assert post.publish_problems() == [
        "The image https://example.com/chart.png has no alt text: describe it in ![…](url)."
    ]
    post.summary = "It argues.\n\n![A chart](https://example.com/chart.png)"
    assert post.publish_problems() == []
    post.full_clean()
    post.save()
    # The first check rendered both fields, the second only the one that changed; the
    # save, none: it kept what the gate rendered.
    assert conversions == [
        "It argues.\n\n![](https://example.com/chart.png)",
        post.analysis,
        post.summary,
    ]
    assert 'alt="A chart"' in post.summary_html and "<em>disagree</em>" in post.analysis_html
    conversions.clear()
    post.analysis = "I agree."
    post.save()
    assert conversions == ["I agree."]


def test_an_admin_save_renders_each_field_once(admin_client, conversions):
    post = ArticleAnalysisFactory()
    conversions.clear()
    response = admin_client.post(
        reverse("admin:essays_articleanalysis_change", args=[post.pk]),
        {**analysis_form(post), "_publish_now": "1"},
    )
    assert response.status_code == 302
    assert sorted(conversions) == sorted([post.summary + " More.", post.analysis])


# What an admin save costs ----------------------------------------------------------


def analysis_form(post, **overrides):
    data = {
        "source_title": post.source_title,
        "source_url": post.source_url,
        "source_author": post.source_author,
        "source_publication": "",
        "title": post.title,
        "slug": post.slug,
        "description": post.description,
        "quote": post.quote,
        "summary": post.summary + " More.",
        "analysis": post.analysis,
        "status": "published",
        "publish_at_0": "2026-01-01",
        "publish_at_1": "10:00:00",
        "byline": "",
        "author": "",
        "audio_url": "",
        "audio_seconds": "",
        "audio_bytes": "",
        "tags": "alpha, beta, gamma",
        "previews-TOTAL_FORMS": "0",
        "previews-INITIAL_FORMS": "0",
    }
    return {**data, **overrides}


def test_tags_by_name_cost_one_query_when_they_exist(django_assert_num_queries):
    ai, work = TagFactory(name="ai"), TagFactory(name="work")
    renamed = Tag.objects.create(name="ml", slug="machine-learning")
    with django_assert_num_queries(1):
        assert Tag.objects.for_names(["work", "AI", "ai", "ml"]) == [work, ai, renamed]
    with django_assert_num_queries(3):  # read, insert the new one, read it back
        tags = Tag.objects.for_names(["new one", "work"])
    assert [(tag.name, tag.slug) for tag in tags] == [("new one", "new-one"), ("work", "work")]


# Session and user 2; the admin's savepoint 2; the post and its tags 2; slug checks 3;
# the save 6 (savepoint, two tables, search entry, redirect); the tags by name 3 (one
# new: insert, read back); set() 8 (current, delete, add 2, search's two tag refreshes
# 2 each); the admin log 1; the user's server autosave dropped 1. On commit: related's
# refresh 11 (its lock among processes first), one revision 4 (the post, its tags, the
# last revision, the new one).
# PostgreSQL also updates search vectors (3).
# Before the one signal: 51 (three revision callbacks, a query per tag name).
ADMIN_SAVE_QUERIES = 44


def test_an_admin_save_of_an_analysis_with_tags_costs_a_fixed_number_of_queries(
    admin_client, django_capture_on_commit_callbacks, django_assert_num_queries
):
    post = ArticleAnalysisFactory(
        tags=[TagFactory(name="alpha"), TagFactory(name="beta"), TagFactory(name="delta")]
    )
    url = reverse("admin:essays_articleanalysis_change", args=[post.pk])
    admin_client.get(url)
    expected = ADMIN_SAVE_QUERIES + (3 if connection.vendor == "postgresql" else 0)
    with django_assert_num_queries(expected):
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(url, analysis_form(post))
    assert response.status_code == 302
    post.refresh_from_db()
    assert sorted(tag.name for tag in post.tags.all()) == ["alpha", "beta", "gamma"]
    assert SearchEntry.objects.get(pk=post.pk).tags == "alpha beta gamma"
    assert Revision.objects.filter(object_id=post.pk).count() == 1
