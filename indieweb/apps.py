from django.apps import AppConfig
from django.db.models.signals import post_delete


class IndieWebConfig(AppConfig):
    name = "indieweb"
    verbose_name = "IndieWeb"

    def ready(self):
        from essays.models import Writing

        post_delete.connect(_forget, sender=Writing, dispatch_uid="indieweb.forget")


def _forget(sender, instance, **kwargs):
    """A deleted post's mentions go with it."""
    instance.mentions.all().delete()
