from django.utils.functional import SimpleLazyObject

from . import fragments


def site(request):
    """The site settings for the page chrome: once per request, only if used, and from the
    fragment cache when it holds them (``core/fragments.py``)."""
    settings = SimpleLazyObject(lambda: fragments.site_settings(request))
    # Also as "site_settings": Django's login and logout views give "site" (the host) to
    # their templates, which would hide this one in the admin's header.
    return {"site": settings, "site_settings": settings}
