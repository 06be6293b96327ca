"""The sitemap: every public page, found through ``published()`` like every other surface."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from books.models import Book
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


class UpdatedSitemap(Sitemap):
    """Published rows of one model, each last modified when it was last saved."""

    queryset = None

    def items(self):
        return self.queryset.published()

    def lastmod(self, item):
        return item.updated


class WritingSitemap(UpdatedSitemap):
    queryset = Writing.objects


class BookSitemap(UpdatedSitemap):
    queryset = Book.objects


class PageSitemap(UpdatedSitemap):
    queryset = Page.objects


class TagSitemap(Sitemap):
    """Only tags that a published post carries: the others are 404s."""

    def items(self):
        return Tag.objects.in_use()


SITEMAPS = {
    "static": StaticSitemap,
    "writing": WritingSitemap,
    "books": BookSitemap,
    "pages": PageSitemap,
    "tags": TagSitemap,
}
