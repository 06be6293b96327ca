from django.apps import AppConfig
from django.db.models.signals import post_delete


class GoLiveConfig(AppConfig):
    name = "golive"
    verbose_name = "Go-live"

    def ready(self):
        from essays.models import Writing

        post_delete.connect(_forget, sender=Writing, dispatch_uid="golive.forget")


def _forget(sender, instance, **kwargs):
    """A deleted post's go-live records go with it."""
    instance.go_lives.all().delete()
