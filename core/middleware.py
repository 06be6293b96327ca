from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpResponsePermanentRedirect
from django.middleware import common
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import escape_leading_slashes

from . import page_cache
from .models import Redirect
from .redirects import query_path
from .safe_urls import redirect_target_problem


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
            if redirect is not None and not redirect_target_problem(redirect.new_path):
                return HttpResponsePermanentRedirect(redirect.new_path)
        response = self.get_response(request)
        # A NUL byte cannot be stored, so no redirect can match it (PostgreSQL would refuse).
        if response.status_code != 404 or "\x00" in request.path:
            return response
        paths = {request.path}
        # Hugo served /slug and /slug/ alike.
        paths.add(request.path[:-1] if request.path.endswith("/") else request.path + "/")
        redirect = Redirect.objects.filter(old_path__in=paths).first()
        # A row written before the rules (or by raw SQL) still never leads off the site.
        if redirect is None or redirect_target_problem(redirect.new_path):
            return response
        return HttpResponsePermanentRedirect(redirect.new_path)


class PageCacheMiddleware:
    """Serve readers' pages from the pages cache (``core/page_cache.py``).

    Only anonymous reads are cached: GET and HEAD, outside ``PAGE_CACHE_SKIP`` (the admin,
    previews and share links), without a session or messages cookie or credentials (staff
    see drafts and banners). Only responses fit for anyone are stored: a 200, 301 or 404
    that sets no cookie, varies on nothing but cookies, and has chosen no caching of its own
    (a ``Cache-Control`` header: previews, the admin).

    Readers get an ETag (a conditional request gets its 304) and ``max-age=0``: a browser
    asks again each time, as the cache cannot reach into it. Shared caches (a CDN) get
    ``s-maxage``, at most ``PAGE_CACHE_CDN_SECONDS`` and never past the next go-live.

    Django's cache middleware does not fit: it keys pages by their cookies when a response
    varies on them (every page here does), caches 200s only, cannot drop every page at once
    and fails when its backend does.
    """

    STATUSES = {200, 301, 404}

    def __init__(self, get_response):
        if not settings.PAGE_CACHE_ENABLED:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        if not self.is_anonymous_read(request):
            return self.get_response(request)
        try:
            generation = page_cache.current_generation()
            key = page_cache.page_key(generation, request)
            response = page_cache.fetch(key)
        except page_cache.Unavailable:
            return self.get_response(request)
        if response is None:
            response = self.get_response(request)
            if not self.is_storable(response):
                return response
            set_response_etag(response)
            self.store(key, response, generation)
            response["X-Cache"] = "miss"
        else:
            response["X-Cache"] = "hit"
        shared = generation.seconds_left(settings.PAGE_CACHE_CDN_SECONDS)
        patch_cache_control(response, public=True, max_age=0, s_maxage=shared)
        return get_conditional_response(request, etag=response.get("ETag"), response=response)

    @staticmethod
    def is_anonymous_read(request):
        return (
            request.method in {"GET", "HEAD"}
            and not request.path.startswith(tuple(settings.PAGE_CACHE_SKIP))
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and CookieStorage.cookie_name not in request.COOKIES
            and "HTTP_AUTHORIZATION" not in request.META
        )

    def is_storable(self, response):
        varies_on = {name.strip().lower() for name in response.get("Vary", "").split(",")}
        return (
            response.status_code in self.STATUSES
            and not response.streaming
            and not response.cookies
            and not response.has_header("Cache-Control")
            and varies_on <= {"", "cookie"}
        )

    @staticmethod
    def store(key, response, generation):
        """Store the response until the generation ends; within a second of its end, not at
        all (the cache's clocks count whole seconds)."""
        timeout = generation.seconds_left(settings.PAGE_CACHE_SECONDS)
        if timeout >= 1:
            try:
                page_cache.store(key, response, timeout)
            except page_cache.Unavailable:
                pass


class CommonMiddleware(common.CommonMiddleware):
    """Django's ``CommonMiddleware``, except for a POST (PUT, PATCH, DELETE) to a URL that
    exists only with a trailing slash.

    Django answers it with a 301, which browsers follow with a GET, dropping the form,
    and with ``DEBUG`` on (``make run``) raises a RuntimeError instead: a 500. Here it gets
    a 308, which browsers follow with the same method and body, whatever ``DEBUG`` says.
    """

    KEEPS_METHOD = 308

    def get_full_path_with_slash(self, request):
        # Django's, without the DEBUG RuntimeError; "//host" never becomes a Location.
        return escape_leading_slashes(request.get_full_path(force_append_slash=True))

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if (
            request.method not in {"GET", "HEAD", "OPTIONS", "TRACE"}
            and response.status_code == 301
            and isinstance(response, HttpResponsePermanentRedirect)
            and response.url == self.get_full_path_with_slash(request)
        ):
            response.status_code = self.KEEPS_METHOD
        return response
