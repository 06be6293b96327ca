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

from axes.helpers import get_client_ip_address
from django.core.cache import caches

logger = logging.getLogger(__name__)


class Throttle:
    def __init__(self, name, limit=5, seconds=15 * 60):
        self.name, self.limit, self.seconds = name, limit, seconds

    def _key(self, request):
        address = get_client_ip_address(request) or "unknown"
        digest = hashlib.sha256(address.encode()).hexdigest()[:32]
        return f"throttle:{self.name}:{digest}"

    def blocked(self, request):
        """Whether this client has failed ``limit`` times within the window."""
        try:
            return (caches["pages"].get(self._key(request)) or 0) >= self.limit
        except Exception:  # noqa: BLE001  (the cache is down: let the request through)
            logger.warning("The %s throttle cannot reach its cache.", self.name)
            return False

    def failed(self, request):
        """Count one failure; the window starts at the first."""
        key = self._key(request)
        try:
            cache = caches["pages"]
            if not cache.add(key, 1, self.seconds):
                cache.incr(key)
        except ValueError:  # expired between add and incr: this one starts a new window
            caches["pages"].add(key, 1, self.seconds)
        except Exception:  # noqa: BLE001
            logger.warning("The %s throttle cannot reach its cache.", self.name)
