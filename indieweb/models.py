"""Webmentions received: one row per (source page, post), verified by a task, shown
under the post once an editor approves it."""

from django.db import models

from essays.models import Writing


class Mention(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending verification"
        VERIFIED = "verified", "Verified: awaiting moderation"
        INVALID = "invalid", "Invalid: the source does not link here"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    # Deleted with the post by indieweb/apps.py, not by a cascade: the admin would then ask
    # whoever deletes a post for the right to delete its mentions too.
    writing = models.ForeignKey(
        Writing, on_delete=models.DO_NOTHING, db_constraint=False, related_name="mentions"
    )
    source = models.URLField(max_length=2000)
    target = models.URLField(max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Plain text read from the source when verified: never its HTML.
    title = models.CharField(max_length=300, blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    excerpt = models.TextField(blank=True)
    error = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["writing", "source"], name="one_mention_per_source")
        ]

    def __str__(self):
        return f"{self.source} → {self.target}"
