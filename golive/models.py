"""One row per post go-live: the record that makes its side effects run exactly once.

A post goes live at its ``publish_at``, whether saved with *Publish now* or scheduled.
The worker (``manage.py worker``) looks every few seconds for posts public since
tracking began that have no row for their current ``publish_at``, and makes one. The
unique constraint lets only one worker, of however many, make it; the task that runs the
hooks is enqueued in the same transaction, so a row never exists without its task.
Republishing a post with a new ``publish_at`` is a new go-live.
"""

from django.db import models
from django.utils import timezone

from essays.models import Writing


class Tracking(models.Model):
    """The one row saying since when go-lives are tracked: posts that went live before
    (the imported archive, the posts of a site that had no worker yet) get no side
    effects. Its migration sets it to the time it ran."""

    started_at = models.DateTimeField()

    def __str__(self):
        return f"tracking since {self.started_at:%Y-%m-%d %H:%M}"

    @classmethod
    def start(cls):
        tracking, _made = cls.objects.get_or_create(pk=1, defaults={"started_at": timezone.now()})
        return tracking.started_at


class GoLive(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    # Deleted with the post by golive/apps.py, not by a cascade: the admin would then ask
    # whoever deletes a post for the right to delete its go-live records too.
    writing = models.ForeignKey(
        Writing, on_delete=models.DO_NOTHING, db_constraint=False, related_name="go_lives"
    )
    publish_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The hooks that have run (their dotted paths): a retry runs only the others.
    hooks_done = models.JSONField(default=list, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = "go-live"
        ordering = ["-publish_at"]
        constraints = [
            models.UniqueConstraint(fields=["writing", "publish_at"], name="one_go_live_each")
        ]

    def __str__(self):
        return f"{self.writing} at {self.publish_at:%Y-%m-%d %H:%M}"
