"""The image library: every picture uploaded for a post, with its alt text and renditions."""

from urllib.parse import unquote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from .processing import discard, save_image

ALT_REQUIRED = _("Describe the image for readers who cannot see it, or mark it as decorative.")


class ImageQuerySet(models.QuerySet):
    def by_url(self, urls):
        """{url: image} for those of ``urls`` that are library images. One query, or none."""
        names = {url: name for url in urls if (name := storage_name(url))}
        if not names:
            return {}
        found = {image.file.name: image for image in self.filter(file__in=set(names.values()))}
        return {url: found[name] for url, name in names.items() if name in found}


class Image(models.Model):
    file = models.ImageField(upload_to="images/%Y/%m/", max_length=255, unique=True)
    alt = models.CharField(
        _("alt text"),
        max_length=300,
        blank=True,
        help_text=_(
            "What the image shows, for readers who cannot see it. Used in a post whenever "
            "the Markdown ![alt](url) leaves the alt text empty."
        ),
    )
    decorative = models.BooleanField(
        default=False,
        help_text=_('Adds nothing a reader needs (an ornament): it gets alt="" and no alt text.'),
    )
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    format = models.CharField(max_length=4, editable=False)
    renditions = models.JSONField(default=list, blank=True, editable=False)
    uploaded = models.DateTimeField(auto_now_add=True)

    objects = ImageQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded", "-pk"]

    def __str__(self):
        return self.file.name.rsplit("/", 1)[-1]

    def save(self, *args, **kwargs):
        # A new upload (only then is the file not yet committed) is stored here with its
        # renditions, whichever way it arrives: as the form prepared it, or checked now
        # (ValidationError, nothing stored) when the ORM is given a file. A row that cannot
        # be saved takes its files with it. When a worker runs the queue, a large image's
        # renditions are made by a task once the row is committed (pages show the
        # original until then): the upload returns without waiting for them.
        stored = None
        if self.file and not self.file._committed:
            from .tasks import deferring

            stored = save_image(self.file, defer=deferring())
            self.width, self.height = stored.width, stored.height
            self.format, self.renditions = stored.format, stored.renditions
        try:
            super().save(*args, **kwargs)
        except BaseException:
            if stored is not None:
                discard(stored, self.file.storage)
            raise
        if stored is not None and stored.pending:
            from .tasks import make_renditions

            pk = self.pk
            transaction.on_commit(lambda: make_renditions.enqueue(pk), using=kwargs.get("using"))
        self._rerender_on_new_alt(kwargs.get("using"))

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        """A row read from the database, with the alt text it was stored with (what its
        save compares to), when both alt and decorative were read."""
        image = super().from_db(db, field_names, values, **kwargs)
        image._stored_alt = image.alt_text if {"alt", "decorative"} <= set(field_names) else None
        return image

    def _rerender_on_new_alt(self, using):
        """Posts store their HTML, rendered on save with the library's alt text wherever
        their Markdown leaves it empty: when that text changes (or the image becomes
        decorative), the posts that show the image are rendered again once the change is
        committed, so readers get the new text. A post's own ``![alt](url)`` still wins."""
        stored = getattr(self, "_stored_alt", None)  # None: not loaded with its alt text
        if stored is None or stored == self.alt_text:
            return
        self._stored_alt = self.alt_text
        from .tasks import rerender_uses

        name = self.file.name
        transaction.on_commit(lambda: rerender_uses(name), using=using)

    @property
    def alt_text(self):
        """The alt attribute readers get when a post gives none: empty when decorative."""
        return "" if self.decorative else self.alt

    def markdown(self):
        """The Markdown that puts this image in a post: ``![](url)``, the alt left empty so
        that readers get the library's alt text (``images.postprocess``), this record
        being the one place to correct it. The file's name in the URL says which image it
        is to the author reading the Markdown."""
        return f"![]({self.file.url})"

    def clean(self):
        super().clean()
        if not self.decorative and not self.alt.strip():
            raise ValidationError({"alt": ALT_REQUIRED})


def storage_name(url):
    """The storage name behind a media URL, or None when ``url`` is not one of ours."""
    storage = Image._meta.get_field("file").storage
    base = getattr(storage, "base_url", None) or _url_base(storage) or settings.MEDIA_URL
    path = url.split("?", 1)[0].split("#", 1)[0]
    if not base or not path.startswith(base) or len(path) == len(base):
        return None
    return unquote(path[len(base) :])


def _url_base(storage):
    """Where the storage's URLs start, for one without ``base_url`` (S3: the bucket's
    address, or its custom domain)."""
    try:
        sample = storage.url("_")
    except NotImplementedError:
        return None
    return sample[:-1] if sample.endswith("/_") else None
