from django.apps import AppConfig
from django.db.models.signals import post_delete, pre_delete


class GoLiveConfig(AppConfig):
    name = "golive"
    verbose_name = "Go-live"

    def ready(self):
        from essays.models import Writing

        pre_delete.connect(_remember, sender=Writing, dispatch_uid="golive.remember")
        post_delete.connect(_forget, sender=Writing, dispatch_uid="golive.forget")
        from core.health import register

        register("golive", health)


def _remember(sender, instance, **kwargs):
    """Before a post is deleted: if it is live, what its going away will tell the hooks."""
    from .tasks import deleted_event

    instance._went_away = deleted_event(instance)


def _forget(sender, instance, **kwargs):
    """A deleted post's go-live records go with it; a live one leaves the record of its
    going away, whose hooks (the webhook, the CDN purge...) run as for an expiry."""
    from .tasks import record_deleted

    instance.go_lives.all().delete()
    if event := getattr(instance, "_went_away", None):
        record_deleted(event)


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
