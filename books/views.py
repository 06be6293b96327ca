from django.views.generic import DetailView, ListView

from site_cms.sidebars import SidebarMixin

from .models import Book


class BookListView(SidebarMixin, ListView):
    context_object_name = "books"

    def get_queryset(self):
        return Book.objects.published().in_display_order()


class BookDetailView(SidebarMixin, DetailView):
    context_object_name = "book"

    def get_queryset(self):
        return Book.objects.published()
