from django.utils.functional import SimpleLazyObject

from core import fragments

from .models import Page


def navigation_pages(request):
    """The pages in the site's navigation: once per request, from the fragment cache when
    it holds them (``core/fragments.py``)."""
    if not hasattr(request, "_navigation_pages"):
        request._navigation_pages = fragments.cached(
            request, "navigation", lambda: list(Page.objects.in_navigation())
        )
    return request._navigation_pages


def navigation(request):
    """The navigation's pages for every template, fetched only if used."""
    return {"nav_pages": SimpleLazyObject(lambda: navigation_pages(request))}
