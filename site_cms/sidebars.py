"""The related-content block that ends almost every page, in the seed page's order.

Each list is fetched by the view before rendering (one query each), never from a
template loop or a context processor.
"""

from django.utils.functional import cached_property

from books.models import Book
from core.models import SiteSettings
from essays.models import Writing


class Sidebars:
    def __init__(self, site, current=None):
        self.site = site
        self.current = current

    def _others(self, queryset):
        if self.current is not None and isinstance(self.current, Writing):
            queryset = queryset.exclude(pk=self.current.pk)
        return queryset

    @cached_property
    def featured(self):
        """Curated posts: the same few on every page."""
        if not self.site.featured_count:
            return []
        posts = Writing.objects.published().filter(featured=True).newest()
        return list(posts[: self.site.featured_count])

    @cached_property
    def books(self):
        if not self.site.books_count:
            return []
        return list(Book.objects.published().in_display_order()[: self.site.books_count])

    @cached_property
    def recent(self):
        """The newest writing of every type, site-wide, leaving out the page's own post."""
        if not self.site.recent_count:
            return []
        posts = self._others(Writing.objects.published()).newest()
        return list(posts[: self.site.recent_count])

    @cached_property
    def related(self):
        """Notes and related thinking: only article analyses have it for now."""
        related = getattr(self.current, "related_analyses", None)
        if related is None or not self.site.related_count:
            return []
        return related(self.site.related_count)


class SidebarMixin:
    """Adds ``sidebars`` to a view's context; ``sidebar_object`` names the page's own post."""

    def get_sidebar_object(self):
        return getattr(self, "object", None)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        site = SiteSettings.for_request(self.request)
        context["sidebars"] = Sidebars(site, current=self.get_sidebar_object())
        return context
