from django.utils.functional import SimpleLazyObject

from .models import Page


def navigation(request):
    """The pages in the site's navigation, fetched once per request, and only if used."""
    return {"nav_pages": SimpleLazyObject(lambda: Page.navigation_for_request(request))}
