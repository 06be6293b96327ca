from django.utils.functional import SimpleLazyObject

from .models import SiteSettings


def site(request):
    """The site settings for the page chrome, fetched once per request, and only if used."""
    return {"site": SimpleLazyObject(lambda: SiteSettings.for_request(request))}
