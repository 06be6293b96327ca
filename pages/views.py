from django.views.generic import DetailView

from core.meta import PageMeta
from core.views import SitePageMixin

from .models import Page


class PageDetailView(SitePageMixin, DetailView):
    context_object_name = "page"

    def get_queryset(self):
        return Page.objects.published()

    def get_meta(self):
        page = self.object
        return PageMeta(title=page.title, description=page.description or page.title)
