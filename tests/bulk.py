"""Thousands of published posts in a few seconds, for the tests and benchmarks that
measure what a page costs with the author's whole archive.

The factories save one post at a time (Markdown rendered, search index and related list
refreshed): about 30 ms a post. Here one post of each type is made through its factory,
and then copied: the base rows in one ``bulk_create``, each type's own rows in one
insert, the tags and the related links in one ``bulk_create`` each. The copies carry the
rendered HTML of their model, so pages print real content, and every post has related
links, so the related sidebar is as full as on a real site.

``bulk_create`` sends no model signal: ``add_posts`` calls ``page_cache.invalidate()``.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core import page_cache
from essays.models import Tag, Writing
from related.models import RelatedLink

from .factories import ArticleAnalysisFactory, BookFactory, DevReflectionFactory, EssayFactory

WORDS = "Words about work, machines and the people between them. " * 60
BATCH = 2000


def _models():
    return [
        (EssayFactory, {"body": WORDS}),
        (ArticleAnalysisFactory, {"summary": WORDS[:600], "analysis": WORDS}),
        (DevReflectionFactory, {"body": WORDS}),
    ]


def add_posts(count, *, tags=20, related=5, books=3, prefix="bulk"):
    """Add ``count`` published posts of the three types, one hour apart, each with one to
    three of ``tags`` tags and ``related`` related links, one in seven featured; and
    ``books`` books. Returns the posts' base rows (``Writing``), newest first."""
    # Saved and committed first: their related lists are computed when they commit,
    # which after the copies would rank every copy.
    with transaction.atomic():
        tag_rows = [
            Tag.objects.get_or_create(
                slug=f"{prefix}-tag-{n}", defaults={"name": f"{prefix}-tag-{n}"}
            )[0]
            for n in range(tags)
        ]
        models = [
            factory(slug=f"{prefix}-model-{n}", **text)
            for n, (factory, text) in enumerate(_models())
        ]
        for n in range(books):
            BookFactory(slug=f"{prefix}-book-{n}")
    with transaction.atomic():
        now = timezone.now()
        bases = []
        for n in range(count):
            model = models[n % 3]
            base = Writing(
                **{
                    field.attname: getattr(model, field.attname)
                    for field in Writing._meta.concrete_fields
                    if not field.primary_key
                }
            )
            base.slug = f"{prefix}-{n}"
            base.title = f"{model._meta.verbose_name.capitalize()} number {n}"
            base.featured = n % 7 == 0
            base.publish_at = now - timedelta(hours=n + 1, minutes=1)
            base.created = base.updated = base.publish_at
            bases.append(base)
        Writing.objects.bulk_create(bases, batch_size=BATCH)
        for n, model in enumerate(models):
            child = type(model)
            local = child._meta.local_concrete_fields
            rows = []
            for base in bases[n::3]:
                row = child(**{field.attname: getattr(model, field.attname) for field in local})
                row.writing_ptr_id = base.pk
                rows.append(row)
            for start in range(0, len(rows), BATCH):
                child._base_manager._insert(rows[start : start + BATCH], fields=local)
        through = Writing.tags.through
        through.objects.bulk_create(
            [
                through(writing_id=base.pk, tag_id=tag_rows[(n + k) % tags].pk)
                for n, base in enumerate(bases)
                for k in range(1 + n % 3)
            ],
            batch_size=BATCH,
        )
        RelatedLink.objects.bulk_create(
            [
                RelatedLink(
                    source_id=base.pk, target_id=bases[(n + k) % count].pk, rank=k, score=1 / k
                )
                for n, base in enumerate(bases)
                for k in range(1, min(related, count - 1) + 1)
            ],
            batch_size=BATCH,
        )
        page_cache.invalidate()
    return bases
