from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Site"

    def ready(self):
        from . import page_cache, safe_urls

        # Every model is loaded by now, the types of writing and their proxies too.
        page_cache.connect()
        safe_urls.connect()
