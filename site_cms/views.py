"""Pages that draw on several apps."""

from django.views.generic import TemplateView

from books.models import Book

from .sidebars import SidebarMixin


class HomeView(SidebarMixin, TemplateView):
    """The author's landing page: the hero book, the bio, then the sidebars."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["hero"] = Book.objects.published().filter(home_hero=True).in_display_order().first()
        return context
