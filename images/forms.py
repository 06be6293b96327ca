from django import forms
from django.utils.translation import gettext_lazy as _

from .processing import prepare


class RasterImageField(forms.FileField):
    """A file field that takes only a real JPEG, PNG, GIF or WebP within the limits.

    Used for the library's uploads and for book covers in place of Django's ImageField,
    whose checks accept any format Pillow knows and answer with a vaguer message. The
    upload is decoded once, here (``processing.prepare``): a damaged, oversized or
    otherwise unacceptable file is a form error, never a failure of the model's save,
    which stores what was prepared (``upload.prepared``). A file's name gets the
    extension its content deserves ("cover.bin" becomes "cover.png").
    """

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is not None:
            upload.prepared = prepare(upload)
            upload.name = upload.prepared.name
        return upload


class UploadForm(forms.Form):
    """markdownx's editor upload: the file, and alt text if the client sends any."""

    image = RasterImageField()
    alt = forms.CharField(label=_("alt text"), max_length=300, required=False)
    decorative = forms.BooleanField(required=False)
