"""The related-content block that ends almost every page, in the seed page's order.

Each list costs one query, made once, only if the page shows it; never from a
template loop or a context processor.
"""

from django.utils.functional import cached_property

from books.models import Book
from core.models import SiteSettings
from essays.models import Writing
from related.models import RelatedLink

from .seo import MetaMixin


class Sidebars:
    def __init__(self, site, current=None):
        self.site = site
        self.current = current

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
        posts = Writing.objects.published()
        if isinstance(self.current, Writing):
            posts = posts.exclude(pk=self.current.pk)
        return list(posts.newest()[: self.site.recent_count])

    @cached_property
    def related(self):
        """The related-content engine's suggestions for the page's post, pins first.

        Only what readers may see: the stored links are read through
        ``Writing.objects.published()``, in one query.
        """
        if not isinstance(self.current, Writing) or not self.site.related_count:
            return []
        links = RelatedLink.objects.public_for(self.current)[: self.site.related_count]
        return [link.target for link in links]


class SidebarMixin(MetaMixin):
    """A public page: its head metadata, then the sidebars after the main content."""

    def get_sidebar_object(self):
        return getattr(self, "object", None)

    @cached_property
    def site(self):
        return SiteSettings.for_request(self.request)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sidebars"] = Sidebars(self.site, current=self.get_sidebar_object())
        return context
