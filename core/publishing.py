"""The publishing rule shared by every kind of content.

A thing is public when its status is published, its publish time has come and its
expiry time (if it has one) has not. ``published()`` is the only gate public code uses;
``is_published()`` repeats the rule for one instance (the admin, the detail view's
checks). Scheduling is just a future ``publish_at`` and expiry a past ``expire_at``:
nothing has to run for a post to go live or to come down.
"""

from django.core.exceptions import ValidationError
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
    EXPIRED = "expired", _("Expired")


def _not_expired(now):
    return models.Q(expire_at__isnull=True) | models.Q(expire_at__gt=now)


class PublishableQuerySet(models.QuerySet):
    def published(self):
        now = timezone.now()
        return self.filter(_not_expired(now), status=Status.PUBLISHED, publish_at__lte=now)

    def scheduled(self):
        return self.filter(status=Status.PUBLISHED, publish_at__gt=timezone.now())

    def expired(self):
        """Published and gone live once, then taken down by their expiry time."""
        now = timezone.now()
        return self.filter(status=Status.PUBLISHED, publish_at__lte=now, expire_at__lte=now)

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
    expire_at = models.DateTimeField(
        _("expire at"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_(
            "When the post comes down: from then on readers no longer see it, as if it "
            "were a draft. Empty means never."
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

    def clean(self):
        super().clean()
        start = self.publish_at or (timezone.now() if self.status == Status.PUBLISHED else None)
        if self.expire_at is not None and start is not None and self.expire_at <= start:
            raise ValidationError(
                {"expire_at": _("The expiry time must come after the publish time.")}
            )

    def is_published(self, now=None):
        now = now or timezone.now()
        return (
            self.status == Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= now
            and (self.expire_at is None or self.expire_at > now)
        )

    @property
    def state(self):
        now = timezone.now()
        if self.status != Status.PUBLISHED:
            return State.DRAFT
        if self.is_published(now):
            return State.PUBLISHED
        if self.publish_at is not None and self.publish_at <= now:
            return State.EXPIRED
        return State.SCHEDULED

    @property
    def state_label(self):
        """ "Draft", "Scheduled for <date>", "Published" or "Expired <date>", in the site's
        time zone."""
        state = self.state
        if state == State.SCHEDULED:
            return _("Scheduled for %(when)s") % {"when": _when(self.publish_at)}
        if state == State.EXPIRED:
            return _("Expired %(when)s") % {"when": _when(self.expire_at)}
        return state.label


def _when(moment):
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")
