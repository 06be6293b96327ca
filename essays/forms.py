from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from core.publishing import Status

from .models import Tag

# The change form's buttons, beside the plain Save that honours the fields as set.
SAVE_DRAFT, PUBLISH_NOW, SCHEDULE = "_save_draft", "_publish_now", "_schedule"


class TagListField(forms.CharField):
    """Tags typed as a comma-separated list; new ones are created when the post is saved."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("Comma-separated, for example: ai, work, writing."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, str) or value is None:
            return value or ""
        return ", ".join(tag.name if isinstance(tag, Tag) else str(tag) for tag in value)

    def clean(self, value):
        value = super().clean(value)
        names = []
        for name in (part.strip().lower() for part in value.split(",")):
            if not name:
                continue
            if not slugify(name):
                raise forms.ValidationError(
                    _("“%(name)s” is not a usable tag: use letters or numbers."),
                    params={"name": name},
                )
            if name not in names:
                names.append(name)
        return names


def time_zone_note():
    now = timezone.localtime()
    return _("Times are in %(zone)s (UTC%(offset)s); it is now %(now)s there.") % {
        "zone": timezone.get_current_timezone_name(),
        "offset": now.strftime("%z")[:3] + ":" + now.strftime("%z")[3:],
        "now": date_format(now, "DATETIME_FORMAT"),
    }


class WritingForm(forms.ModelForm):
    """The change form of every writing type: tags as text, the publishing buttons, the gate.

    ``can_publish`` is set by the admin from the user's permissions. Without it the
    publishing fields are not in the form at all, and the post stays a draft.
    """

    tags = TagListField()
    can_publish = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # What the publish gate found in a post that stays published: shown, not refused.
        self.publish_warnings = []
        self._was_published = bool(self.instance.pk) and self.instance.status == Status.PUBLISHED
        if self.instance.pk and "tags" in self.fields:
            self.initial["tags"] = list(self.instance.tags.all())
        if "publish_at" in self.fields:
            self.fields["publish_at"].help_text = " ".join(
                [str(self.fields["publish_at"].help_text), str(time_zone_note())]
            )

    def clean(self):
        cleaned = super().clean()
        if not self.can_publish:
            return cleaned
        if SAVE_DRAFT in self.data:
            cleaned["status"] = Status.DRAFT
        elif PUBLISH_NOW in self.data:
            cleaned["status"] = Status.PUBLISHED
            cleaned["publish_at"] = timezone.now()
        elif SCHEDULE in self.data:
            when = cleaned.get("publish_at")
            if when is None or when <= timezone.now():
                self.add_error("publish_at", _("To schedule, give a publish time in the future."))
            cleaned["status"] = Status.PUBLISHED
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        instance = self.instance
        if not self.can_publish:
            # Whatever was posted, a contributor's post stays a draft.
            instance.status = Status.DRAFT
            return
        if instance.status == Status.PUBLISHED and not self.errors:
            problems = instance.publish_problems()
            if self.publishing_now():
                for problem in problems:
                    self.add_error(None, problem)
            else:
                self.publish_warnings = problems

    def publishing_now(self):
        """Whether this save publishes or schedules the post, which the gate may refuse:
        a new post, a draft, or the Publish now and Schedule buttons. A post already
        published (an import the gate would refuse, say) saves with a warning instead,
        so that a typo can be fixed without taking it down."""
        return not self._was_published or PUBLISH_NOW in self.data or SCHEDULE in self.data

    def _save_m2m(self):
        # Turn the typed names into tags only now, inside the admin's transaction.
        if "tags" in self.cleaned_data:
            self.cleaned_data["tags"] = Tag.objects.for_names(self.cleaned_data["tags"])
        super()._save_m2m()
