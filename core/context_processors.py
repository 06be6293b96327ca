from django.utils.functional import SimpleLazyObject

from .models import SiteSettings


def site(request):
    """The site settings for the page chrome, fetched once, and only if a template uses them."""
    return {"site": SimpleLazyObject(lambda: SiteSettings.for_request(request))}
