from django.apps import AppConfig


class RelatedConfig(AppConfig):
    name = "related"
    verbose_name = "Related writing"

    def ready(self):
        from . import signals

        signals.connect()
