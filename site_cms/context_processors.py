from django.utils.functional import SimpleLazyObject

from core.models import SiteSettings
from pages.models import Page


def site(request):
    """The page chrome: site settings and the navigation's pages, each fetched once if used."""
    return {
        "site": SimpleLazyObject(lambda: SiteSettings.for_request(request)),
        "nav_pages": SimpleLazyObject(lambda: Page.navigation_for_request(request)),
    }
