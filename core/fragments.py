"""What every page shares, kept between requests: the site settings, the navigation, the
Featured writing, Books and Recent writing sidebars.

A page the page cache misses (or any page, with the page cache off) would otherwise fetch
them all again: five queries of its six to ten. ``cached()`` keeps each fragment in the
``pages`` cache under the page cache's generation (``core/page_cache.py``), so a fragment
is stale exactly when cached pages are: any change readers can see draws a new
generation, and so does the next go-live or expiry. Nothing here is ever invalidated by
hand, and nothing outlives a go-live.

A fragment is data (model instances), not HTML: a page still renders it in its own
templates, so an edited template shows at once. Within one generation a fragment never
changes, so each worker also keeps the fragments of the current generation in memory:
a page then costs one cache read (the generation, once per request) for all of them.

When the cache fails (``page_cache.Unavailable``), fragments are computed as if there were
no cache. ``FRAGMENT_CACHE_ENABLED = False`` (the test profile) computes them every time.
"""

from django.conf import settings

from . import page_cache
from .models import SiteSettings

_UNAVAILABLE = object()


class _Memory:
    """This process's fragments of one generation: {name: value}."""

    token = None
    values = {}


def _generation(request):
    """The page cache's generation, read once per request; None when the cache failed."""
    if not hasattr(request, "_fragment_generation"):
        try:
            request._fragment_generation = page_cache.current_generation()
        except page_cache.Unavailable:
            request._fragment_generation = None
    return request._fragment_generation


def cached(request, name, compute):
    """The fragment ``name`` of the current generation, computed (``compute()``) and kept
    when there is none. ``name`` must say everything the value depends on."""
    if not settings.FRAGMENT_CACHE_ENABLED:
        return compute()
    generation = _generation(request)
    if generation is None:
        return compute()
    if _Memory.token != generation.token:
        _Memory.token, _Memory.values = generation.token, {}
    if name in _Memory.values:
        return _Memory.values[name]
    key = f"fragment:{generation.token}:{name}"
    value = _shared(key)
    if value is _UNAVAILABLE or value is None:
        value = compute()
        # Kept no longer than the generation: within a second of its end, not at all.
        timeout = generation.seconds_left(settings.PAGE_CACHE_SECONDS)
        if timeout < 1:
            return value
        _store(key, value, timeout)
    _Memory.values[name] = value
    return value


def _shared(key):
    try:
        with page_cache._backend() as cache:
            return cache.get(key)
    except page_cache.Unavailable:
        return _UNAVAILABLE


def _store(key, value, timeout):
    try:
        with page_cache._backend() as cache:
            cache.set(key, value, timeout)
    except page_cache.Unavailable:
        pass


# A process keeps at most this many rendered pieces of one generation.
MAX_HTML = 64


def cached_html(request, name, render):
    """The HTML ``render()`` gives for ``name``, rendered once per generation in this
    process (never in the shared cache: a deploy's new templates show at once).

    For what every page shows alike (the Featured, Books and Recent sections): the rest
    of a page the page cache misses is then its own. ``name`` must say everything the
    HTML depends on."""
    if not settings.FRAGMENT_CACHE_ENABLED:
        return render()
    generation = _generation(request)
    if generation is None:
        return render()
    if _Memory.token != generation.token:
        _Memory.token, _Memory.values = generation.token, {}
    key = ("html", name)
    if key not in _Memory.values:
        html = render()
        if sum(1 for known in _Memory.values if known[0] == "html") < MAX_HTML:
            _Memory.values[key] = html
        return html
    return _Memory.values[key]


def site_settings(request):
    """The site settings, at most once per request, from the cache when it holds them."""
    if not hasattr(request, "_fragment_site"):
        request._fragment_site = cached(request, "site-settings", SiteSettings.load)
    return request._fragment_site


def forget():
    """Drop this process's copies: the next read goes to the shared cache, as a new
    worker's does."""
    _Memory.token, _Memory.values = None, {}
