from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .models import Tag


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


class WritingForm(forms.ModelForm):
    tags = TagListField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "tags" in self.fields:
            self.initial["tags"] = list(self.instance.tags.all())

    def _save_m2m(self):
        # Turn the typed names into tags only now, inside the admin's transaction.
        if "tags" in self.cleaned_data:
            self.cleaned_data["tags"] = [
                Tag.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]
                for name in self.cleaned_data["tags"]
            ]
        super()._save_m2m()
