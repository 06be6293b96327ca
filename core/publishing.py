"""The publishing rule shared by every kind of content.

A thing is public when its status is published and its publish time has come.
``published()`` is the only gate public code uses; ``is_published()`` repeats the
rule for one instance (the admin, the detail view's checks). Scheduling is just a
future ``publish_at``: nothing has to run for a post to go live.
"""

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class State(models.TextChoices):
    """What a reader sees, derived from status and publish time."""

    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED, publish_at__lte=timezone.now())

    def scheduled(self):
        return self.filter(status=Status.PUBLISHED, publish_at__gt=timezone.now())

    def drafts(self):
        return self.filter(status=Status.DRAFT)


class Publishable(models.Model):
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    publish_at = models.DateTimeField(
        _("publish at"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_(
            "When the post goes live. A future time schedules it; empty on a published "
            "post means now."
        ),
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.status == Status.PUBLISHED and self.publish_at is None:
            self.publish_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "publish_at"}
        super().save(*args, **kwargs)

    def is_published(self, now=None):
        now = now or timezone.now()
        return (
            self.status == Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= now
        )

    @property
    def state(self):
        if self.status != Status.PUBLISHED:
            return State.DRAFT
        if self.is_published():
            return State.PUBLISHED
        return State.SCHEDULED

    @property
    def state_label(self):
        """ "Draft", "Scheduled for <date>" or "Published", in the site's time zone."""
        state = self.state
        if state == State.SCHEDULED:
            when = date_format(timezone.localtime(self.publish_at), "DATETIME_FORMAT")
            return _("Scheduled for %(when)s") % {"when": when}
        return state.label
