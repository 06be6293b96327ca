"""``manage.py check --deploy`` for a site on several app servers (``INSTANCES`` > 1).

Each warning names a piece of state that one process or one machine keeps to itself, and
so that the other servers never see: media on a local disk, a cache in memory or in files,
sessions kept there, tasks run in the process that asks; and a client address read from
the load balancer's connection, not from what it forwards. One server is fine with all of
them; the checks say nothing unless the deployer says there are more (README, "Production").
"""

from django.conf import settings
from django.contrib.sessions.backends import cache, cached_db, file
from django.core import checks
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.files.storage import FileSystemStorage, InMemoryStorage
from django.tasks.backends.dummy import DummyBackend
from django.tasks.backends.immediate import ImmediateBackend
from django.utils.module_loading import import_string

LOCAL_CACHES = (LocMemCache, FileBasedCache, DummyCache)
LOCAL_STORAGES = (FileSystemStorage, InMemoryStorage)
IN_PROCESS_TASKS = (ImmediateBackend, DummyBackend)
LOCAL_SESSIONS = (file.SessionStore,)
CACHED_SESSIONS = (cache.SessionStore, cached_db.SessionStore)
REDIS_HINT = "Set REDIS_URL (e.g. redis://redis.internal:6379/0), the same on every server."


def _is(dotted_path, classes):
    """Whether the backend named by ``dotted_path`` is one of ``classes`` (or a subclass);
    a path that does not import is left to the checks that own it."""
    try:
        return issubclass(import_string(dotted_path), classes)
    except (ImportError, TypeError):
        return False


def _cache_is_local(alias):
    backend = settings.CACHES.get(alias, {}).get("BACKEND", "")
    return _is(backend, LOCAL_CACHES), backend


# Its own tag: `check --deploy --tag site_cms` runs these alone.
@checks.register("site_cms", deploy=True)
def several_instances(app_configs, **kwargs):
    instances = getattr(settings, "INSTANCES", 1)
    if instances <= 1:
        return []
    several = f"INSTANCES is {instances}, but"
    warnings = []
    media = settings.STORAGES["default"]["BACKEND"]
    if _is(media, LOCAL_STORAGES):
        warnings.append(
            checks.Warning(
                f"{several} media are stored on this machine ({media}): an upload made "
                "through one server is missing on the others.",
                hint="Set AWS_STORAGE_BUCKET_NAME (and AWS_S3_ENDPOINT_URL for a service "
                "other than AWS): media on S3-compatible storage that every server shares.",
                id="site_cms.W101",
            )
        )
    for alias, number, effect in (
        ("default", 102, "what one server caches, the others neither see nor clear"),
        (
            "pages",
            103,
            "an edit or a go-live made through one server is not seen on the others' "
            "pages, and the throttles count on each server apart",
        ),
    ):
        local, backend = _cache_is_local(alias)
        if local:
            warnings.append(
                checks.Warning(
                    f"{several} the {alias!r} cache ({backend}) is kept by each process "
                    f"or machine: {effect}.",
                    hint=REDIS_HINT,
                    id=f"site_cms.W{number}",
                )
            )
    engine = settings.SESSION_ENGINE
    store = f"{engine}.SessionStore"
    if _is(store, LOCAL_SESSIONS) or (
        _is(store, CACHED_SESSIONS) and _cache_is_local(settings.SESSION_CACHE_ALIAS)[0]
    ):
        warnings.append(
            checks.Warning(
                f"{several} sessions ({engine}, cache {settings.SESSION_CACHE_ALIAS!r}) are "
                "kept by each process or machine: an editor signed in on one server is "
                "signed out, or sees stale session data, on another.",
                hint=REDIS_HINT + " Sessions then use cached_db on Redis; without it, "
                "keep Django's database sessions (the default SESSION_ENGINE).",
                id="site_cms.W104",
            )
        )
    tasks = settings.TASKS.get("default", {}).get("BACKEND", "")
    if _is(tasks, IN_PROCESS_TASKS):
        warnings.append(
            checks.Warning(
                f"{several} background tasks run in the process that asks for them "
                f"({tasks}): a slow task holds up a request, and a failed one is not tried "
                "again.",
                hint="Unset TASKS_BACKEND (or set it to database) and run `manage.py "
                "worker` on one machine or more.",
                id="site_cms.W105",
            )
        )
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        warnings.append(
            checks.Warning(
                f"{several} the database is SQLite, a file on one machine.",
                hint="Set DATABASE_URL to a PostgreSQL database that every server reaches.",
                id="site_cms.W106",
            )
        )
    if not settings.PROXY_COUNT:
        warnings.append(
            checks.Warning(
                f"{several} AXES_PROXY_COUNT is 0: behind a load balancer, every reader "
                "seems to come from its address, so five wrong passwords from anyone lock "
                "the admin's login for everyone, and the request log names no reader.",
                hint="Set AXES_PROXY_COUNT to the number of proxies that append to "
                "X-Forwarded-For in front of the servers (1 behind one load balancer).",
                id="site_cms.W107",
            )
        )
    return warnings
