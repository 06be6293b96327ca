"""Sessions read from the cache (Redis) and kept in the database: Django's ``cached_db``, but
a cache that cannot be reached is a cache miss, so the database answers.

Django's own store already shrugs off a failed write, but not a failed read: with Redis
restarting, every signed-in request (an autosave) and every sign-in would be a 500. A failed
delete (signing out) still fails loudly: passed over, it would leave the session alive in
the cache once Redis is back.
"""

import logging

from django.contrib.sessions.backends import cached_db

logger = logging.getLogger(__name__)


class _Tolerant:
    """The session cache, with reads and writes that fail returning nothing."""

    def __init__(self, cache):
        self.cache = cache

    def _try(self, name, *args):
        try:
            return getattr(self.cache, name)(*args)
        except Exception:  # noqa: BLE001  (the cache is down: the database answers)
            logger.warning("The sessions cache cannot be reached: read from the database.")
            return None

    def get(self, key):
        return self._try("get", key)

    def set(self, key, value, timeout):
        self._try("set", key, value, timeout)

    def __contains__(self, key):
        return bool(self._try("has_key", key))

    def delete(self, key):
        return self.cache.delete(key)

    def __getattr__(self, name):
        return getattr(self.cache, name)

    def __str__(self):
        return str(self.cache)


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _Tolerant(self._cache)
