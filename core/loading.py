"""Loading fixtures (``loaddata``, ``restore``): what keeps in step with posts waits.

While ``loading()`` is active, the apps that follow posts (search's index, related's
lists) are told nothing row by row: a fixture's rows arrive in any order (a post's tags
before its type's own row), and its derived rows may come in the same file. Once the
load is done, ``fixtures_loaded`` is sent, and each of those apps rebuilds what it keeps
from the rows now in the database.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.dispatch import Signal

# Sent with ``using``, the database alias, after a load has committed.
fixtures_loaded = Signal()

_loading = ContextVar("loading_fixtures", default=False)


def is_loading():
    return _loading.get()


@contextmanager
def loading():
    token = _loading.set(True)
    try:
        yield
    finally:
        _loading.reset(token)
