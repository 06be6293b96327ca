from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from markdownx.models import MarkdownxField

from core.markdown import render_markdown
from core.publishing import Publishable, PublishableQuerySet
from core.safe_urls import SafeURLField
from images.processing import discard, save_image


class BookQuerySet(PublishableQuerySet):
    def in_display_order(self):
        return self.order_by("display_order", "title")


class Book(Publishable):
    class Stage(models.TextChoices):
        IN_PROGRESS = "in-progress", _("in progress")
        COMING_SOON = "coming-soon", _("coming soon")
        AVAILABLE = "available", _("available now")
        OUT_OF_PRINT = "out-of-print", _("out of print")

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200, unique=True, help_text=_("The address: the book lives at /books/slug/.")
    )
    subtitle = models.CharField(max_length=300, blank=True)
    description = models.CharField(
        max_length=300, blank=True, help_text=_("One line, shown in the Books sidebar.")
    )
    pitch = MarkdownxField(blank=True, help_text=_("A longer pitch for the book's page."))
    pitch_html = models.TextField(blank=True, editable=False)
    stage = models.CharField(
        _("book status"), max_length=20, choices=Stage.choices, default=Stage.IN_PROGRESS
    )
    cover = models.ImageField(
        upload_to="books/covers/",
        blank=True,
        help_text=_("JPEG, PNG, GIF or WebP. Also the hero image on the landing page."),
    )
    cover_alt = models.CharField(
        _("cover alt text"),
        max_length=300,
        blank=True,
        help_text=_("What the cover shows, for readers who cannot see it."),
    )
    cover_decorative = models.BooleanField(
        _("the cover is decorative"),
        default=False,
        help_text=_("Tick when the cover tells readers nothing the page does not: no alt text."),
    )
    # Made when a cover is uploaded: see images.processing.Stored.
    cover_renditions = models.JSONField(default=list, blank=True, editable=False)
    buy_url = SafeURLField(_("buy link"), max_length=500, blank=True)
    buy_label = models.CharField(_("buy link label"), max_length=100, default="Read on Amazon")
    display_order = models.PositiveSmallIntegerField(default=0)
    home_hero = models.BooleanField(
        _("hero on the landing page"),
        default=False,
        help_text=_("Feature this book at the top of the landing page."),
    )

    objects = BookQuerySet.as_manager()

    class Meta:
        ordering = ["display_order", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("books:detail", kwargs={"slug": self.slug})

    @property
    def cover_alt_text(self):
        """The cover's alt attribute: empty when it is decorative."""
        return "" if self.cover_decorative else self.cover_alt

    def clean(self):
        super().clean()
        if self.cover and not self.cover_decorative and not self.cover_alt.strip():
            raise ValidationError(
                {
                    "cover_alt": _(
                        "Describe the cover for readers who cannot see it, "
                        "or tick “the cover is decorative”."
                    )
                }
            )

    def save(self, *args, **kwargs):
        self.pitch_html = render_markdown(self.pitch)
        stored = None
        if not self.cover:
            self.cover_renditions = []
        elif not self.cover._committed:
            # A new cover, cleaned of its metadata and stored with its renditions: as the
            # admin's form prepared it, or checked now (ValidationError, nothing stored).
            stored = save_image(self.cover)
            self.cover_renditions = stored.renditions
        try:
            super().save(*args, **kwargs)
        except BaseException:
            if stored is not None:  # no row, no files
                discard(stored, self.cover.storage)
            raise
