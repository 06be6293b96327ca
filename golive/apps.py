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
    """For ``/healthz``: records (go-lives and posts gone away) still pending a minute
    after their time (no worker delivering) fail it; those that failed for good are
    counted (they are listed under *Go-live › Go-lives*), since a retry cannot mend them."""
    from django.db.models import Count, Q

    from .models import GoLive

    counts = GoLive.objects.needing_attention().aggregate(
        failed=Count("pk", filter=Q(state=GoLive.State.FAILED)),
        overdue=Count("pk", filter=Q(state=GoLive.State.PENDING)),
    )
    return {"ok": not counts["overdue"], **counts}
