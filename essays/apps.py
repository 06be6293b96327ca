from django.apps import AppConfig


class EssaysConfig(AppConfig):
    name = "essays"
    verbose_name = "Writing"

    def ready(self):
        from . import signals

        # Every type of writing is loaded by now, the proxies of other apps too.
        signals.connect()
