"""``/healthz``: whether this app server can do its work, for a load balancer or a monitor.

JSON, never cached: each check's outcome and how long it took, and 200 when every check
passes, else 503. The checks: the database (``SELECT 1``), the cache (a key written and
read back: Redis when set, shared by every server), the media storage (an existence
check: a request to the bucket on S3), the task queue's lag (how long the oldest task
that is due has waited: over ``HEALTHZ_MAX_TASK_LAG`` seconds, 300 by default, no worker is
keeping up), and whatever apps register (``register``: the go-live records, golive/apps.py).
``/healthz?scope=server`` checks only what this server needs to answer readers (the
database, the cache, the storage): for a load balancer, which should not take every
server out because the workers lag.

No secrets, no content: a failure says which exception class, never its message (which
may name hosts or users), and no post, user or setting is named.
"""

import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Min
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

_checks = {}


def register(name, check):
    """Add a check: a function returning a dict of figures, with ``"ok": False`` when it
    fails (it may raise too)."""
    _checks[name] = check


def database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def shared_cache():
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    found = cache.get(key) == "1"
    cache.delete(key)
    return {"ok": found}


def storage():
    default_storage.exists("healthz-probe")
    return {}


def task_queue():
    """The oldest due task's wait, on the database queue (none: another backend)."""
    if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
        return {"backend": "immediate"}
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = timezone.now()
    ready = DBTaskResult.objects.filter(status="READY")
    # Due since it was enqueued (no run_after: the date max), or since its run_after.
    oldest = [
        ready.filter(run_after=get_date_max()).aggregate(at=Min("enqueued_at"))["at"],
        ready.filter(run_after__lte=now).aggregate(at=Min("run_after"))["at"],
    ]
    lag = max([(now - at).total_seconds() for at in oldest if at], default=0.0)
    limit = getattr(settings, "HEALTHZ_MAX_TASK_LAG", 300)
    return {"ok": lag <= limit, "lag_seconds": round(lag, 1), "due": ready.count()}


CHECKS = {"database": database, "cache": shared_cache, "storage": storage, "tasks": task_queue}
WITHOUT_DATABASE = {"database", "cache", "storage"}


def run(name, check):
    started = time.perf_counter()
    try:
        outcome = {"ok": True, **check()}
    except Exception as error:
        outcome = {"ok": False, "error": type(error).__name__}
    outcome["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return outcome


@never_cache
def healthz(request):
    wanted = {**CHECKS, **_checks}
    if request.GET.get("scope") == "server":
        wanted = {name: wanted[name] for name in WITHOUT_DATABASE}
    checks = {}
    for name, check in wanted.items():
        if name in WITHOUT_DATABASE or checks["database"]["ok"]:
            checks[name] = run(name, check)
        else:  # it reads the database: no second wait for it
            checks[name] = {"ok": False, "error": "database"}
    healthy = all(outcome["ok"] for outcome in checks.values())
    body = {"status": "ok" if healthy else "failing", "checks": checks}
    return JsonResponse(body, status=200 if healthy else 503)
