import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PREVIEW_DAYS = 7
PREVIEW_SALT = "editorial.preview"


class Revision(models.Model):
    """One saved state of a post: who saved it, when, and which fields changed."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created = models.DateTimeField(default=timezone.now, db_index=True)
    data = models.JSONField(help_text=_("The post's fields as they were saved."))
    changed = models.JSONField(
        default=list, help_text=_("Fields that differ from the revision before.")
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created"])]

    def __str__(self):
        return f"Revision {self.pk} of {self.content_type.model} {self.object_id}"


def _expiry():
    return timezone.now() + timedelta(days=PREVIEW_DAYS)


def _token():
    return secrets.token_urlsafe(24)


class PreviewLinkQuerySet(models.QuerySet):
    def live(self):
        return self.filter(revoked=False, expires_at__gt=timezone.now())


class PreviewLink(models.Model):
    """A link that shows an unpublished post to a reviewer without an account."""

    writing = models.ForeignKey("essays.Writing", on_delete=models.CASCADE, related_name="previews")
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    created = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_expiry)
    revoked = models.BooleanField(default=False, help_text=_("Tick to stop the link working."))

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"Preview of {self.writing}"

    def get_absolute_url(self):
        # Signed as well as random: a guessed or altered token is refused before any lookup.
        # A plain (untimed) signature, so a link's URL is the same every time it is shown.
        signed = signing.Signer(salt=PREVIEW_SALT).sign(self.token)
        return reverse("preview", kwargs={"signed": signed})

    def is_live(self):
        return not self.revoked and self.expires_at > timezone.now()


class AutosaveQuerySet(models.QuerySet):
    def editing_now(self, writing, user):
        """Others who autosaved ``writing`` in the last ``EDITING_SECONDS``: still at it."""
        since = timezone.now() - timedelta(seconds=EDITING_SECONDS)
        found = self.filter(writing=writing, saved_at__gte=since).exclude(user=user)
        return found.select_related("user").order_by("-saved_at")


# Someone who autosaved a post this recently is taken to be editing it still.
EDITING_SECONDS = 60


class Autosave(models.Model):
    """What one user last typed into one post's form, kept on the server every few
    seconds: offered back after a crash or an expired session, and gone once they save.
    Never a revision, and never the post itself: nothing here is public.

    Each copy names the form it was typed in (``draft_key``, made by the page for each
    tab): one copy per post, user and form, so that two tabs of one post keep apart.
    A post not saved yet has no row to point at: its copy names the writing type
    instead (``content_type``, ``writing`` empty), one per user, type and form, and goes
    when that form's post is first saved (no ``Writing`` row is made for it before)."""

    writing = models.ForeignKey(
        "essays.Writing", null=True, blank=True, on_delete=models.CASCADE, related_name="autosaves"
    )
    content_type = models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("The writing type of a new post's form (the post itself has no row yet)."),
    )
    draft_key = models.CharField(
        max_length=64,
        blank=True,
        default="",
        help_text=_(
            "Which form the copy came from (made by the page, one per tab); empty for "
            "copies kept before forms had one."
        ),
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    data = models.JSONField(default=dict, help_text=_("The form's text fields, by name."))
    saved_at = models.DateTimeField(default=timezone.now)

    objects = AutosaveQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["writing", "user", "draft_key"],
                condition=models.Q(writing__isnull=False),
                name="one_autosave_per_user_post_and_form",
            ),
            models.UniqueConstraint(
                fields=["content_type", "user", "draft_key"],
                condition=models.Q(writing__isnull=True),
                name="one_new_post_autosave_per_user_type_and_form",
            ),
            # Either a saved post's copy or a new post's, never both nor neither.
            models.CheckConstraint(
                condition=models.Q(writing__isnull=False, content_type__isnull=True)
                | models.Q(writing__isnull=True, content_type__isnull=False),
                name="autosave_of_a_post_or_a_new_post",
            ),
        ]

    def __str__(self):
        if self.writing_id is None:
            return f"Autosave of a new {self.content_type_id} by {self.user_id}"
        return f"Autosave of {self.writing_id} by {self.user_id}"


class EditorNote(models.Model):
    """A short note on a post, for the staff who work on it (never shown to readers)."""

    writing = models.ForeignKey(
        "essays.Writing", on_delete=models.CASCADE, related_name="editor_notes"
    )
    text = models.TextField(_("note"), max_length=1000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    created = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = _("editor note")

    def __str__(self):
        return self.text[:60]
