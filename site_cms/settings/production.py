"""Production: gunicorn behind a TLS-terminating proxy. Refuses to start without a secret key."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY, env, env_bool, logging_config

if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Generate one with: python -c 'from "
        "django.core.management.utils import get_random_secret_key as k; print(k())'"
    )

DEBUG = False
# The proxy terminates TLS and says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Cookies only over HTTPS (the session's and messages' HttpOnly and SameSite are in base).
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# One JSON object per log line, for the log collector (LOG_FORMAT=plain: readable text).
LOGGING = logging_config(env("LOG_FORMAT", "json"))
