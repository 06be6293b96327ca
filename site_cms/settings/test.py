"""The test profile: fast password hashing, plain static storage, in-memory caches."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-secret-key"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}
# Database sessions, whatever REDIS_URL says (tests/test_ops.py tries them on Redis).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_CACHE_ALIAS = "default"
INSTANCES = 1
# Off: the tests pin each page's query count, which a cached page would hide.
# tests/test_page_cache.py turns it on.
PAGE_CACHE_ENABLED = False
# Off too: the tests change the database without committing, which would not draw a new
# generation. tests/test_fragments.py turns it on.
FRAGMENT_CACHE_ENABLED = False
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Live-server tests must not leave connections open when the test database is dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Tasks run in the process that asks for them, as the tests expect; the tests of the queue
# (tests/test_tasks_queue.py, tests/test_golive.py) switch to the database backend.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# No Webmention is sent from tests unless one asks (tests/test_webmention.py, against a
# local server): a post's links must never reach the network.
WEBMENTION_SEND = False
# On SQLite, a test database in a file, not in memory: Django would otherwise share one
# in-memory connection among the live server's request threads, and two requests at once
# from a browser (an autosave beside a page load) can block each other on it for good.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import tempfile as _tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(_tempfile.gettempdir()) / f"site_cms-test-{os.getpid()}.sqlite3")  # noqa: F405
    }
