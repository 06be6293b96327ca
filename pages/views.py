from django.views.generic import DetailView

from site_cms.seo import PageMeta
from site_cms.sidebars import SidebarMixin

from .models import Page


class PageDetailView(SidebarMixin, DetailView):
    context_object_name = "page"

    def get_queryset(self):
        return Page.objects.published()

    def get_meta(self):
        page = self.object
        return PageMeta(title=page.title, description=page.description or page.title)
