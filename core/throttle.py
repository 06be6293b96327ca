"""Too many failures from one address: refused for a while, on every worker and server.

Logins are django-axes's (settings ``AXES_*``); this is the same rule for what has no
account, such as share links: after ``limit`` failures from one client address within
``seconds``, further attempts are refused until then. Counts live in the shared
``pages`` cache (files or Redis: never one process's memory). If that cache fails, the
throttle lets requests through and says so in the log: a share link is signed, so
guessing one is hopeless anyway; the throttle only spares the server.
"""

import hashlib
import logging
import math
import time

from axes.helpers import get_client_ip_address
from django.core.cache import caches

logger = logging.getLogger(__name__)


class Throttle:
    """Each client's count is kept with the end of its window, ``[count, until]``: the
    window starts at the first counted request and the entry is stored until its end, so
    that no later count moves it (a cache's ``incr`` may store the value again with the
    cache's default timeout, as the file cache does)."""

    def __init__(self, name, limit=5, seconds=15 * 60):
        self.name, self.limit, self.seconds = name, limit, seconds

    def _key(self, request):
        address = get_client_ip_address(request) or "unknown"
        digest = hashlib.sha256(address.encode()).hexdigest()[:32]
        return f"throttle:{self.name}:{digest}"

    def _entry(self, cache, key, now):
        """This client's [count, until] while its window lasts, else None."""
        entry = cache.get(key)
        if isinstance(entry, list | tuple) and len(entry) == 2 and entry[1] > now:
            return list(entry)
        return None

    def retry_after(self, request):
        """Whole seconds until this client's window ends (0 if it has none), or the
        window's length when the cache cannot say."""
        now = time.time()
        try:
            entry = self._entry(caches["pages"], self._key(request), now)
        except Exception:  # noqa: BLE001
            return self.seconds
        return math.ceil(entry[1] - now) if entry else 0

    def blocked(self, request):
        """Whether this client has failed ``limit`` times within the window."""
        try:
            entry = self._entry(caches["pages"], self._key(request), time.time())
        except Exception:  # noqa: BLE001  (the cache is down: let the request through)
            logger.warning("The %s throttle cannot reach its cache.", self.name)
            return False
        return entry is not None and entry[0] >= self.limit

    def failed(self, request):
        """Count one failure; the window starts at the first and ends ``seconds`` later,
        whatever comes after."""
        key, now = self._key(request), time.time()
        try:
            cache = caches["pages"]
            entry = self._entry(cache, key, now) or [0, now + self.seconds]
            entry[0] += 1
            cache.set(key, entry, max(1, math.ceil(entry[1] - now)))
        except Exception:  # noqa: BLE001
            logger.warning("The %s throttle cannot reach its cache.", self.name)
