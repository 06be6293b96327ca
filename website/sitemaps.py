"""The sitemap: every public page, found through ``published()`` like every other surface.

Three queries whatever the content: each section's ``items()`` is a list, which Django's
paginator counts without a query, and books and simple pages, a handful each, come in one.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import CharField, Value
from django.urls import reverse

from books.models import Book
from core.validators import ROOT_VIEW_NAME
from essays.models import SECTIONS, Tag, Writing
from pages.models import Page


class StaticSitemap(Sitemap):
    """The pages that are views rather than rows: the landing page, the lists."""

    def items(self):
        names = ["home", "writing", "essays:blog", "essays:tags", "books:list", "podcast"]
        return [(name, {}) for name in names] + [
            ("essays:section", {"section": section}) for section in SECTIONS
        ]

    def location(self, item):
        name, kwargs = item
        return reverse(name, kwargs=kwargs)


class WritingSitemap(Sitemap):
    """Every published post, last modified when it was last saved: one query."""

    def items(self):
        return list(Writing.objects.published().only("slug", "updated"))

    def lastmod(self, post):
        return post.updated


class BooksAndPagesSitemap(Sitemap):
    """Published books and simple pages, each last modified when it was last saved: one
    query for both (a UNION of the two ``published()`` lists), as (view, slug, updated)."""

    def items(self):
        def rows(model, view):
            view = Value(view, output_field=CharField())
            return model.objects.published().order_by().values_list(view, "slug", "updated")

        books, pages = rows(Book, "books:detail"), rows(Page, ROOT_VIEW_NAME)
        return list(books.union(pages, all=True).order_by("slug"))

    def location(self, item):
        view, slug, _updated = item
        return reverse(view, kwargs={"slug": slug})

    def lastmod(self, item):
        return item[2]


class TagSitemap(Sitemap):
    """Only tags that a published post carries: the others are 404s. One query."""

    def items(self):
        return list(Tag.objects.in_use().order_by("slug"))


SITEMAPS = {
    "static": StaticSitemap,
    "writing": WritingSitemap,
    "books-and-pages": BooksAndPagesSitemap,
    "tags": TagSitemap,
}
