from contextlib import contextmanager
from datetime import timedelta
from itertools import count

import factory
from django.utils import timezone

from books.models import Book
from core.publishing import Status
from essays.models import ArticleAnalysis, DevReflection, Essay, Tag

# One counter for every type, since slugs are unique across all writing.
_numbers = count(1)


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"tag-{n}")
    slug = factory.SelfAttribute("name")


class WritingFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True
        skip_postgeneration_save = True

    slug = factory.LazyAttribute(lambda o: f"post-{o.number}")
    description = factory.LazyAttribute(lambda o: f"Description of post {o.number}.")
    status = Status.PUBLISHED
    publish_at = factory.LazyAttribute(lambda o: hours_ago(o.number))

    class Params:
        number = factory.LazyFunction(lambda: next(_numbers))
        draft = factory.Trait(status=Status.DRAFT, publish_at=None)
        scheduled = factory.Trait(
            publish_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
        )

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            if _tagging_later is None:
                self.tags.add(*extracted)
            else:
                for tag in extracted:
                    _tagging_later.setdefault(tag, []).append(self)


# {tag: [post, ...]} while tags_in_bulk() is open.
_tagging_later = None


@contextmanager
def tags_in_bulk():
    """Posts made inside get their ``tags=[...]`` when it closes: one ``tag.writings.add()``
    per tag instead of one ``post.tags.add()`` per post. The rows, the search index and
    the related refresh end up the same (both are a tag change of those posts), in a
    tenth of the time: for the tests that make hundreds of posts to measure a page."""
    global _tagging_later
    assert _tagging_later is None, "tags_in_bulk() does not nest"
    _tagging_later = {}
    try:
        yield
        for tag, posts in _tagging_later.items():
            tag.writings.add(*posts)
    finally:
        _tagging_later = None


class EssayFactory(WritingFactory):
    class Meta:
        model = Essay

    title = factory.Sequence(lambda n: f"Essay number {n}")
    body = factory.Sequence(lambda n: f"The body of essay {n}, in *Markdown*.")


class ArticleAnalysisFactory(WritingFactory):
    class Meta:
        model = ArticleAnalysis

    title = ""
    source_title = factory.Sequence(lambda n: f"Source article {n}")
    source_url = factory.Sequence(lambda n: f"https://example.com/articles/{n}")
    source_author = "A. Writer"
    quote = "A sentence worth quoting."
    summary = "The article argues a thing."
    analysis = "I think otherwise."


class DevReflectionFactory(WritingFactory):
    class Meta:
        model = DevReflection

    title = ""
    description = ""
    body = factory.Sequence(lambda n: f"So here's reflection {n}. " + "Words go on. " * 30)


class BookFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Book

    title = factory.Sequence(lambda n: f"Book {n}")
    slug = factory.Sequence(lambda n: f"book-{n}")
    description = "A one-line pitch."
    pitch = "A longer *pitch*."
    status = Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: hours_ago(1))

    class Params:
        draft = factory.Trait(status=Status.DRAFT, publish_at=None)
        scheduled = factory.Trait(
            publish_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
        )


def book_form(**data):
    """The admin's book form, filled in; ``data`` overrides fields."""
    return {
        "title": "A Book",
        "slug": "a-book",
        "subtitle": "",
        "description": "One line.",
        "pitch": "Read *this*.",
        "cover_alt": "",
        "stage": "available",
        "buy_url": "",
        "buy_label": "Read on Amazon",
        "display_order": "1",
        "status": "published",
        "publish_at_0": "",
        "publish_at_1": "",
        **data,
    }
