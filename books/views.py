from django.views.generic import DetailView, ListView

from core.meta import PageMeta
from core.views import SitePageMixin

from .meta import book_meta
from .models import Book


class BookListView(SitePageMixin, ListView):
    context_object_name = "books"

    def get_queryset(self):
        return Book.objects.published().in_display_order()

    def get_meta(self):
        return PageMeta(title="Books", description=f"Books by {self.site.author_name}.")


class BookDetailView(SitePageMixin, DetailView):
    context_object_name = "book"

    def get_queryset(self):
        return Book.objects.published()

    def get_meta(self):
        return book_meta(self.object, self.site, self.request)
