from django.apps import AppConfig
from django.db.models.signals import post_delete


class GoLiveConfig(AppConfig):
    name = "golive"
    verbose_name = "Go-live"

    def ready(self):
        from essays.models import Writing

        post_delete.connect(_forget, sender=Writing, dispatch_uid="golive.forget")
        from core.health import register

        register("golive", health)


def _forget(sender, instance, **kwargs):
    """A deleted post's go-live records go with it."""
    instance.go_lives.all().delete()


def health():
    """For ``/healthz``: go-lives still pending a minute after their post went live (no
    worker delivering) fail it; those that failed for good are counted (they are listed
    under *Go-live › Go-lives*), since a retry cannot mend them."""
    from datetime import timedelta

    from django.utils import timezone

    from .models import GoLive

    late = timezone.now() - timedelta(seconds=60)
    failed = GoLive.objects.filter(state=GoLive.State.FAILED).count()
    overdue = GoLive.objects.filter(state=GoLive.State.PENDING, publish_at__lt=late).count()
    return {"ok": not overdue, "failed": failed, "overdue": overdue}
