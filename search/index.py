"""Writing the search index: what text a post is found by, and how it is stored.

Every post gets an entry, whatever its state; visibility is decided at query time.
The text is plain (HTML entities decoded); the vector is computed by PostgreSQL from
the stored columns, so both backends always work from the same text.
"""

import html
from collections import defaultdict
from itertools import batched

from django.contrib.postgres.search import SearchVector
from django.db import connections, transaction
from django.db.models import Case, F, TextField, Value, When
from django.db.models.functions import Replace

from core.markdown import plain_text
from core.page_cache import invalidate
from essays.models import Writing

from .models import SearchEntry

# The text search configuration: stemming and stop words for English.
CONFIG = "english"
# Private-use characters that PostgreSQL puts around matches in snippets, replaced by
# <mark> once the rest is escaped. Removed from indexed text so no post can fake one.
MARK_START, MARK_END = "\ue000", "\ue001"
TEXT_FIELDS = ["title", "description", "tags", "body"]
WEIGHTS = {"title": "A", "description": "B", "tags": "B", "body": "C"}
# Plain-text fields a kind has besides its Markdown ones; they are indexed as body text.
EXTRA_BODY_FIELDS = {
    Writing.Kind.ANALYSIS: ("quote", "source_title", "source_author", "source_publication"),
}


def _clean(text):
    return " ".join(text.replace(MARK_START, "").replace(MARK_END, "").split())


def document(post, tag_names):
    """The indexed text of a post, by column. ``post`` may be a Writing or its own type."""
    post = post.specific
    parts = [
        html.unescape(plain_text(getattr(post, target))) for _, target in post.markdown_fields()
    ]
    parts += [getattr(post, name) for name in EXTRA_BODY_FIELDS.get(post.kind, ())]
    return {
        "title": _clean(post.title),
        "description": _clean(post.description),
        "tags": _clean(" ".join(tag_names)),
        "body": _clean(" ".join(parts)),
    }


def vector():
    """The weighted tsvector of an entry, from its own columns (PostgreSQL only)."""
    parts = [
        # PostgreSQL's parser skips anything that looks like an HTML tag; posts about
        # code mention <template> and the like as words, so index them as words.
        SearchVector(
            Replace(F(field), Value("<"), Value(" "), output_field=TextField()),
            weight=weight,
            config=CONFIG,
        )
        for field, weight in WEIGHTS.items()
    ]
    combined = parts[0]
    for part in parts[1:]:
        combined = combined + part
    return combined


def _update_vectors(pks, using):
    if pks and connections[using].vendor == "postgresql":
        SearchEntry.objects.using(using).filter(pk__in=pks).update(vector=vector())


def index_posts(posts_with_tags, using="default"):
    """Write the entries of (post, tag names) pairs: one upsert, plus the vectors."""
    entries = [
        SearchEntry(writing_id=post.pk, **document(post, tag_names))
        for post, tag_names in posts_with_tags
    ]
    if not entries:
        return 0
    SearchEntry.objects.using(using).bulk_create(
        entries, update_conflicts=True, unique_fields=["writing"], update_fields=TEXT_FIELDS
    )
    _update_vectors([entry.pk for entry in entries], using)
    # Written in bulk, which no signal reports: /search/ must not show the old entries.
    invalidate(using)
    return len(entries)


def refresh_tags(writing_ids, using="default"):
    """Re-read the tag names of these posts into their entries, 500 posts per UPDATE."""
    writing_ids = list(writing_ids or ())
    for start in range(0, len(writing_ids), 500):
        _refresh_tags(writing_ids[start : start + 500], using)


def _refresh_tags(writing_ids, using):
    links = Writing.tags.through.objects.using(using).filter(writing_id__in=writing_ids)
    names = defaultdict(list)
    for writing_id, name in links.order_by("tag__name").values_list("writing_id", "tag__name"):
        names[writing_id].append(name)
    tags = Case(
        *(When(pk=pk, then=Value(_clean(" ".join(names[pk])))) for pk in writing_ids),
        default=F("tags"),
        output_field=TextField(),
    )
    SearchEntry.objects.using(using).filter(pk__in=writing_ids).update(tags=tags)
    _update_vectors(writing_ids, using)
    invalidate(using)


REBUILD_BATCH = 500


def rebuild(using="default"):
    """The index from scratch, from every post (drafts and scheduled ones too); the
    number of posts indexed."""
    posts = Writing.objects.using(using).with_specific().prefetch_related("tags").order_by("pk")
    total = 0
    with transaction.atomic(using=using):
        # Entries only ever belong to existing posts (CASCADE); start clean anyway, so
        # the index is exactly what indexing today's posts gives.
        SearchEntry.objects.using(using).all().delete()
        for batch in batched(posts.iterator(chunk_size=REBUILD_BATCH), REBUILD_BATCH):
            pairs = [(post, [tag.name for tag in post.tags.all()]) for post in batch]
            total += index_posts(pairs, using=using)
    return total
