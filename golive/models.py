"""One row per post go-live or "gone": the record that makes side effects run exactly once.

A post goes live at its ``publish_at``, whether saved with *Publish now* or scheduled,
and goes away when it stops being public: its ``expire_at`` passes, or an editor makes it
a draft again or moves its publish time ahead. The worker (``manage.py worker``) looks
every few seconds for posts public since tracking began whose newest row is not a "live"
one for their current ``publish_at`` (they went live), and for posts whose newest row is
"live" but that are not public now (they went away), and makes one row for each.

Each row has its place in its post's history (``seq``: 1, 2, 3...), unique per post, and
the sweep writes the place after the newest row it read: of two workers that read the
same history, only one can write the next row, whatever time each gives it. The task
that runs the hooks is enqueued in the same transaction, so a row never exists without
its task. A post with no "live" row (a draft, the imported archive) never gets a "gone"
one. A post deleted while its newest row is "live" goes away then: its rows go with it,
and one "gone" row is left with no post, carrying the event as it was (``event``).
"""

from datetime import timedelta

from django.db import models
from django.utils import timezone

from essays.models import Writing

# A record still pending this long after its time has no worker delivering it.
OVERDUE = timedelta(seconds=60)


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


class GoLiveQuerySet(models.QuerySet):
    def needing_attention(self):
        """What an editor should look at: records failed for good, and records still
        pending a minute after their time (no worker is delivering them); newest first,
        with their posts."""
        late = timezone.now() - OVERDUE
        return (
            self.filter(
                models.Q(state=GoLive.State.FAILED)
                | models.Q(state=GoLive.State.PENDING, publish_at__lt=late)
            )
            .select_related("writing")
            .order_by("-publish_at", "-pk")
        )


class GoLive(models.Model):
    class Kind(models.TextChoices):
        LIVE = "live", "Went live"
        GONE = "gone", "Went away"

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    # Deleted with the post by golive/apps.py, not by a cascade: the admin would then ask
    # whoever deletes a post for the right to delete its go-live records too. Empty on
    # the one record a live post's deletion leaves: its going away, told from ``event``.
    writing = models.ForeignKey(
        Writing,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="go_lives",
        null=True,
        blank=True,
    )
    kind = models.CharField(max_length=4, choices=Kind.choices, default=Kind.LIVE)
    # The event's time: the post's publish time for "live", the moment it went away for
    # "gone" (its expire_at, or when the worker saw it unpublished).
    publish_at = models.DateTimeField("time")
    # Its place in the post's history, 1 for the first record: unique per post.
    seq = models.PositiveIntegerField(editable=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The hooks that have run (their dotted paths): a retry runs only the others.
    hooks_done = models.JSONField(default=list, blank=True)
    last_error = models.TextField(blank=True)
    # The event as it was when its post was deleted (golive.hooks.Event's fields): what
    # the hooks are told, since the post is not there to ask. Empty otherwise.
    event = models.JSONField(null=True, blank=True, editable=False)

    objects = GoLiveQuerySet.as_manager()

    class Meta:
        verbose_name = "go-live"
        ordering = ["-publish_at", "-seq"]
        constraints = [
            models.UniqueConstraint(fields=["writing", "seq"], name="one_record_per_place")
        ]

    def __str__(self):
        what = "gone" if self.kind == self.Kind.GONE else "live"
        return f"{self.post_name} {what} at {self.publish_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        # The sweep always says which place it read; a record made by hand (a test, a
        # shell) takes the next one.
        if self.seq is None and self.writing_id is None:
            self.seq = 1
        elif self.seq is None:
            last = GoLive.objects.filter(writing_id=self.writing_id).aggregate(
                last=models.Max("seq")
            )["last"]
            self.seq = (last or 0) + 1
        super().save(*args, **kwargs)

    @property
    def post_name(self):
        """The post's title; a deleted one's as it was, marked so."""
        if self.writing_id is None and self.event:
            return f"{self.event['title']} (deleted)"
        return str(self.writing)

    def went_live(self):
        """For a "gone" record: the "live" one it ends (None if there is none)."""
        return (
            GoLive.objects.filter(writing_id=self.writing_id, kind=self.Kind.LIVE, seq__lt=self.seq)
            .order_by("-seq")
            .first()
        )
