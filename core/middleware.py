from django.http import HttpResponsePermanentRedirect

from .models import Redirect
from .redirects import query_path


class RedirectFallbackMiddleware:
    """Answer a 404 with a 301 when the path has a redirect (one query, on 404s only).

    WordPress's ``/?p=12`` and ``/?page_id=7`` are the home page with a query, not a 404:
    they are looked up first (one query, on those requests only).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # request.GET only on the home page: parsing every query string costs, and can 400.
        if request.path == "/" and (old_path := query_path("/", request.GET)) is not None:
            redirect = Redirect.objects.filter(old_path=old_path).first()
            if redirect is not None:
                return HttpResponsePermanentRedirect(redirect.new_path)
        response = self.get_response(request)
        # A NUL byte cannot be stored, so no redirect can match it (PostgreSQL would refuse).
        if response.status_code != 404 or "\x00" in request.path:
            return response
        paths = {request.path}
        # Hugo served /slug and /slug/ alike.
        paths.add(request.path[:-1] if request.path.endswith("/") else request.path + "/")
        redirect = Redirect.objects.filter(old_path__in=paths).first()
        if redirect is None:
            return response
        return HttpResponsePermanentRedirect(redirect.new_path)
