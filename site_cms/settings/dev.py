"""Local development: ``make run``. Debug on, SQLite unless DATABASE_URL says otherwise."""

from .base import *  # noqa: F403
from .base import env, env_bool, env_list

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
# Off unless asked for (PAGE_CACHE=true): an edited template shows at once.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", False)
