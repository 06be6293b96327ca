"""What every public page's view shares: the site settings and the page's head metadata.

The sidebars are not here: each is an inclusion tag of the app whose data it shows
(``templates/includes/sidebars.html`` puts them in the seed page's order).
"""

from django.utils.functional import cached_property

from . import fragments
from .meta import PageMeta


class SitePageMixin:
    """Puts the page's ``meta`` (a PageMeta) in the context; views override ``get_meta``."""

    @cached_property
    def site(self):
        return fragments.site_settings(self.request)

    def get_meta(self):
        return PageMeta()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["meta"] = self.get_meta()
        return context
