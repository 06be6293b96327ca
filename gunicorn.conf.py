"""gunicorn settings for production: `gunicorn` in the repository root reads this file.

Every value can be overridden from the environment (PORT, WEB_CONCURRENCY, ...).
"""

import multiprocessing
import os

wsgi_app = "site_cms.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# The master imports Django and the site once, before forking the workers: a worker that
# starts (at boot, after a crash, or recycled) is a fork of a ready process and serves
# within milliseconds, instead of importing everything again for a second or more while
# its share of requests waits. The cost: new code needs a restart of the master (a deploy
# restarts it anyway), and nothing may open a connection at import (nothing does; Django
# connects on first use, in each worker).
preload_app = True
# Workers are still recycled now and then, so that a slow leak cannot grow without bound.
# Each worker draws its limit between N and 1.5 N requests: workers sharing the load
# evenly reach theirs at different moments rather than all at once; and even when two do
# recycle together, forking a preloaded worker takes milliseconds, so there is no second
# without an answer (bench/http_bench.py measures it under steady load, README "Speed").
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 2
# gunicorn's own errors go to stderr, for the process manager to collect. Its access log
# is off: the site writes one line per request itself, to stdout, with the request's id,
# its time and user, and without the query string, which may carry a token (core/logs.py).
# GUNICORN_ACCESS_LOG=- turns gunicorn's on too (its usual line, ending with the id).
errorlog = "-"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %({x-request-id}o)s'
)
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# The TLS-terminating proxy in front says which scheme the reader used.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
