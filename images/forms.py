from django import forms
from django.utils.translation import gettext_lazy as _

from .validation import inspect


class RasterImageField(forms.FileField):
    """A file field that takes only what ``validation.inspect`` accepts, with its message.

    Used for the library's uploads and for book covers in place of Django's ImageField,
    whose checks accept any format Pillow knows and answer with a vaguer message. A
    file's name gets the extension its content deserves ("cover.bin" becomes "cover.png").
    """

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is not None:
            upload.name = inspect(upload).filename(upload.name)
        return upload


class UploadForm(forms.Form):
    """markdownx's editor upload: the file, and alt text if the client sends any."""

    image = RasterImageField()
    alt = forms.CharField(label=_("alt text"), max_length=300, required=False)
    decorative = forms.BooleanField(required=False)
