from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Site"

    def ready(self):
        from . import checks, page_cache, safe_urls  # noqa: F401  (checks registers them)

        # Every model is loaded by now, the types of writing and their proxies too.
        page_cache.connect()
        safe_urls.connect()
