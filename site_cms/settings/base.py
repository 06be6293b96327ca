"""Settings shared by every profile. The environment is read here and nowhere else."""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import URLValidator
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    # Search's stored vector column; harmless on SQLite.
    "django.contrib.postgres",
    "markdownx",
    # Failed logins, counted in the database for every process and server.
    "axes",
    # The task queue: a table in the site's database, run by `manage.py worker`.
    "django_tasks_db",
    # The site's apps from the ground up: each may import only the apps listed before
    # it (README, "The layout"; tests/test_layers.py checks it).
    "core",
    "images",
    "books",
    "pages",
    "essays",
    "search",
    "related",
    "editorial",
    "transfer",
    "golive",
    "indieweb",
    "website",
]

MIDDLEWARE = [
    # Every answer, and every log line made on the way, carries the request's id.
    "core.request_id.RequestIdMiddleware",
    # One log line per request, with its status and time (core/logs.py).
    "core.logs.RequestLogMiddleware",
    # Then: a body over the limit is refused (413) before anything reads it.
    "core.upload_limits.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside the page cache: a cached page gets the policy of the running code (readers'
    # pages carry no nonce, so nothing in a cached body has to match its header).
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Which policy (the admin's or readers'), Permissions-Policy, CORP.
    "core.security_headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session: a cached page costs no session, no user, no template.
    "core.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's, but a POST to a URL without its slash is answered as in production,
    # never the RuntimeError DEBUG raises (core/middleware.py).
    "core.middleware.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Old URLs (changed slugs, imported aliases) answer 301 instead of 404.
    "core.middleware.RedirectFallbackMiddleware",
    "editorial.current.CurrentUserMiddleware",
    # Last, as its documentation asks: answers a locked-out login (README, "Production").
    "axes.middleware.AxesMiddleware",
]

# Login throttling (django-axes): after 5 failed logins for one account, or from one
# address, further attempts are refused for 15 minutes, by the database's count, so on
# every worker and server alike.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one locks
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_VERBOSE = False
# Failures are what counts; successful logins are not logged (the admin's own log says
# who changed what).
AXES_DISABLE_ACCESS_LOG = True
# The client's address, for the login throttle and every other one and the request log
# (core/client_ip.py): REMOTE_ADDR; behind AXES_PROXY_COUNT proxies that append to
# X-Forwarded-For (1 behind one nginx), the address the outermost of them appended.
# Never what a client wrote there: it could name any address and never be locked out.
PROXY_COUNT = int(env("AXES_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"

ROOT_URLCONF = "site_cms.urls"
WSGI_APPLICATION = "site_cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
                "pages.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (gunicorn's workers) or threads (runserver) may write at once. A
    # transaction takes the write lock as it begins (one that read first could not take
    # it while another writes: "database is locked" at once), waits up to 20 s for it,
    # and WAL lets pages be read while a save writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=20,
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The page cache (core/page_cache.py; README, "Page cache") must be one for every gunicorn
# worker and every server: Redis when there is one, else files.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(env("PAGE_CACHE_DIR", BASE_DIR / "var" / "cache" / "pages")),
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    },
}
if env("REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("REDIS_URL"),
        # Sites that share one Redis each need their own.
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", ""),
    }
    CACHES["pages"] = {
        **CACHES["default"],
        # An unreachable Redis costs a request half a second, once per RETRY_SECONDS.
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    # Sessions are read from Redis and written to it and to the database (Django's
    # cached_db): a signed-in editor costs no session query on any server, and a Redis
    # restart signs nobody out, nor loses an autosave: while it is away, the database
    # answers (core/sessions.py). Without Redis: the database alone (Django's default).
    CACHES["sessions"] = {**CACHES["pages"]}
    SESSION_ENGINE = "core.sessions"
    SESSION_CACHE_ALIAS = "sessions"
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", True)
# What every page shares (site settings, navigation, the Featured, Books and Recent
# sidebars) kept in the pages cache under the same generation (core/fragments.py): on
# even when pages are not cached, since a fragment is data, not HTML.
FRAGMENT_CACHE_ENABLED = env_bool("FRAGMENT_CACHE", True)
# The longest a page stays cached (the footer's year comes from the clock).
PAGE_CACHE_SECONDS = 60 * 60
# How long a CDN may keep a page without asking (s-maxage): it does not hear of changes.
PAGE_CACHE_CDN_SECONDS = int(env("PAGE_CACHE_CDN_SECONDS", "0"))
# Never cached: the admin, previews and share links.
PAGE_CACHE_SKIP = ["/admin/", "/preview/"]
# What readers see: a save or deletion of any of these (their subclasses and proxies too)
# makes every cached page stale.
PAGE_CACHE_MODELS = [
    "core.SiteSettings",
    "core.Redirect",
    "images.Image",
    "books.Book",
    "pages.Page",
    "pages.Project",
    "essays.Writing",
    "essays.Tag",
    "related.RelatedChoice",
    "indieweb.Mention",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# Times without "a.m." and its full stop (core/formats/en/formats.py).
FORMAT_MODULE_PATH = ["core.formats"]
# The author's own time zone: publish times are entered and shown in it.
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# How many app servers run the site (README, "Production"): over 1, `check --deploy` warns
# of every piece of state one of them would keep to itself (core/checks.py).
INSTANCES = env("INSTANCES", "1")
if not INSTANCES.isdigit() or int(INSTANCES) < 1:
    raise ImproperlyConfigured(f"INSTANCES must be a number, 1 or more, not {INSTANCES!r}.")
INSTANCES = int(INSTANCES)

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env("MEDIA_ROOT", BASE_DIR / "media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Media on S3-compatible object storage (django-storages) when a bucket is named, so that
# several app servers share it; else the local disk. Credentials come from boto3's own
# environment variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) or the machine's role.
if env("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env("AWS_S3_REGION_NAME") or None,
            # Public, unsigned URLs: media is public, and a page cached for an hour
            # must not carry links that expire.
            "querystring_auth": env_bool("AWS_QUERYSTRING_AUTH", False),
            # A CDN or the bucket's own public host (no scheme), else the endpoint's URL.
            "custom_domain": env("AWS_S3_CUSTOM_DOMAIN") or None,
            "location": env("AWS_LOCATION", ""),
            # Names are made unique by the site (images/processing.py): never overwrite.
            "file_overwrite": False,
        },
    }

# Background work (Django's tasks framework) on a table of the site's database
# (django-tasks-db): no other service to run. `manage.py worker` runs it, and checks
# every GOLIVE_INTERVAL seconds for posts that went live (golive/). TASKS_BACKEND=immediate
# runs each task in the process that asks for it instead (no worker; the test profile).
TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    if env("TASKS_BACKEND", "database") == "database"
    else {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
}
# A failed task is tried again this many times in all, after 30 s, 60 s, 120 s...
TASK_MAX_ATTEMPTS = int(env("TASK_MAX_ATTEMPTS", "5"))
TASK_RETRY_SECONDS = int(env("TASK_RETRY_SECONDS", "30"))
# A task RUNNING longer than this was left by a dead worker: the worker queues it again.
TASK_RUNNING_TIMEOUT = int(env("TASK_RUNNING_TIMEOUT", "1800"))

# Go-live side effects (golive/): run once for each post's go-live, by the worker.
GOLIVE_INTERVAL = float(env("GOLIVE_INTERVAL", "10"))
# A WebSub hub told when the feeds change (empty: no ping), and URLs that get a JSON POST
# with the post's URL, title and type.
WEBSUB_HUB_URL = env("WEBSUB_HUB_URL", "")
GOLIVE_WEBHOOK_URLS = env_list("GOLIVE_WEBHOOK_URLS")
# A CDN's purge endpoint, POSTed {"urls": [...]} (the pages a post's coming or going
# changes) as JSON, with "Authorization: Bearer <CDN_PURGE_TOKEN>" if set. Empty: skip.
CDN_PURGE_URL = env("CDN_PURGE_URL", "")
CDN_PURGE_TOKEN = env("CDN_PURGE_TOKEN", "")
# The site's public address, for the absolute URLs those carry (e.g. https://example.com).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# What runs at each go-live, in order (each a callable taking a golive.hooks.Event); those
# marked so (golive.hooks.on) also run when a post goes away (expires, is unpublished).
GOLIVE_HOOKS = [
    "golive.hooks.websub_ping",
    "golive.hooks.webhook",
    "golive.hooks.cdn_purge",
    "golive.hooks.newsletter",
    "indieweb.sending.send_webmentions",
]
# The newsletter service: each post is POSTed once, at its go-live, as JSON signed with
# HMAC-SHA256 of the body under the shared secret (header X-Newsletter-Signature). Empty
# URL: nothing is sent. The signup form (home and /newsletter/) posts to
# NEWSLETTER_SIGNUP_URL (http(s) only; empty: no form); its origin is allowed by the CSP.
NEWSLETTER_WEBHOOK_URL = env("NEWSLETTER_WEBHOOK_URL", "")
NEWSLETTER_WEBHOOK_SECRET = env("NEWSLETTER_WEBHOOK_SECRET", "")
NEWSLETTER_SIGNUP_URL = env("NEWSLETTER_SIGNUP_URL", "")


def web_url(name, value):
    """``value`` if it is a whole http(s) URL (no space, no user name: its origin goes
    into the Content-Security-Policy header as it is); else the site refuses to start."""
    if not value:
        return value
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise ImproperlyConfigured(f"{name} must be an http(s) URL, not {value!r}.") from None
    if "@" in urlsplit(value).netloc:
        raise ImproperlyConfigured(f"{name} must not carry a user name or password.")
    return value


NEWSLETTER_SIGNUP_URL = web_url("NEWSLETTER_SIGNUP_URL", NEWSLETTER_SIGNUP_URL)
if NEWSLETTER_WEBHOOK_URL and not NEWSLETTER_WEBHOOK_SECRET:
    raise ImproperlyConfigured("NEWSLETTER_WEBHOOK_URL needs NEWSLETTER_WEBHOOK_SECRET")
# Webmention (indieweb/): sending at go-live to at most this many links of a post, and
# whether a source or target on a private network may be fetched (tests only: a mention
# must not make the site read its own internals).
WEBMENTION_SEND = env_bool("WEBMENTION_SEND", True)
WEBMENTION_SEND_MAX = int(env("WEBMENTION_SEND_MAX", "20"))
WEBMENTION_ALLOW_PRIVATE_HOSTS = env_bool("WEBMENTION_ALLOW_PRIVATE_HOSTS", False)

# Uploads: real raster images only (never SVG, which can carry script). See images/.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMAGE_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
IMAGE_UPLOAD_MAX_PIXELS = 40_000_000
IMAGE_RENDITION_WIDTHS = (480, 960, 1600)
IMAGE_UPLOAD_MAX_FRAMES = 300
# A larger still is stored scaled down to this (images/processing.py); None: kept whole.
IMAGE_ORIGINAL_MAX_SIDE = 3000
# Request bodies, refused with 413 before they are read (core/upload_limits.py).
UPLOAD_REQUEST_PATHS = ("/admin/", "/markdownx/")
UPLOAD_REQUEST_MAX_BYTES = IMAGE_UPLOAD_MAX_BYTES + 2 * 1024 * 1024
REQUEST_MAX_BYTES = 1024 * 1024
# Run on stored HTML after sanitising: images in posts get their responsive renditions.
MARKDOWN_POSTPROCESSORS = ["images.postprocess.responsive_images"]
MARKDOWNX_MARKDOWNIFY_FUNCTION = "core.markdown.render_markdown"
MARKDOWNX_URLS_PATH = "/markdownx/markdownify/"
MARKDOWNX_UPLOAD_URLS_PATH = "/markdownx/upload/"
MARKDOWNX_SERVER_CALL_LATENCY = 500
# A redirect leads to a path of this site; to a full URL only on these hosts ("*": any).
REDIRECT_ALLOWED_HOSTS = env_list("REDIRECT_ALLOWED_HOSTS")

# Content Security Policy (Django's ContentSecurityPolicyMiddleware; SECURITY.md). Readers'
# pages run no script and load styles from this site only; images and audio may come from
# any https site (imported posts show images from elsewhere, a podcast's audio is hosted).
# The JSON-LD blocks are data, which browsers never run, so script-src stays 'none'.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "https:"],
    "media-src": [CSP.SELF, "https:"],
    # The newsletter signup form posts to the newsletter service.
    "form-action": [CSP.SELF]
    + (
        ["{0.scheme}://{0.netloc}".format(urlsplit(NEWSLETTER_SIGNUP_URL))]
        if NEWSLETTER_SIGNUP_URL
        else []
    ),
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}
# The admin and the Markdown editor's endpoints (core/security_headers.py adds the hashes
# of the <style> blocks in templates/admin/). Style attributes are allowed there only:
# Django's widgets and the image list set them, and they can run no script nor load
# anything img-src does not allow.
CSP_ADMIN_PATHS = ["/admin/", "/markdownx/"]
SECURE_CSP_ADMIN = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "https:", "data:"],
    "media-src": [CSP.SELF, "https:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Cookies: never read by script (the session), never sent on cross-site POSTs. The
# CSRF cookie stays readable: the Markdown editor's uploads read it (its form field too).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "editorial.views.csrf_failure"


def logging_config(log_format):
    """Every record, with its request's id (core/request_id.py; "-" outside one), as
    readable text ("plain") or one JSON object a line ("json", core/logs.py).

    The request log (one line per request, core/logs.py) goes to standard output, where a
    platform's log collector looks for it; every other record to standard error, which
    gunicorn and any process manager collect too: a command whose stdout is data
    (``dumpdata > site.json``) must not get log lines in it, and only a web process makes
    request lines."""
    if log_format not in ("plain", "json"):
        raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {log_format!r}.")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "core.request_id.RequestIdFilter"}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
            "json": {"()": "core.logs.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["request_id"],
            },
            "requests": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": log_format,
                "filters": ["request_id"],
            },
        },
        "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
        "loggers": {
            "site_cms.requests": {"handlers": ["requests"], "propagate": False},
            # One line per request (core/logs.py), at INFO; django.request's 404 warnings
            # would repeat it, so only its errors (a 500, with the traceback) are kept.
            "django.request": {"level": "ERROR"},
        },
    }


# Production's default is json (settings/production.py).
LOGGING = logging_config(env("LOG_FORMAT", "plain"))
