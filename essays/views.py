from django.views.generic import DetailView

from site_cms.sidebars import SidebarMixin

from .models import Writing


class WritingDetailView(SidebarMixin, DetailView):
    """Any post, whatever its type, at /<slug>/."""

    context_object_name = "post"

    def get_queryset(self):
        return Writing.objects.published().with_specific().for_listing()

    def get_object(self, queryset=None):
        return super().get_object(queryset).specific

    def get_template_names(self):
        return [f"essays/{self.object.kind}_detail.html", "essays/writing_detail.html"]
