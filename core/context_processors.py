from django.utils.functional import SimpleLazyObject

from . import fragments


def site(request):
    """The site settings for the page chrome: once per request, only if used, and from the
    fragment cache when it holds them (``core/fragments.py``)."""
    return {"site": SimpleLazyObject(lambda: fragments.site_settings(request))}
