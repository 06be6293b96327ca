"""The site's settings in the admin: here, at the top, because the podcast artwork is
checked by the image library's upload field (``images``), which sits above ``core``."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import SiteSettings
from essays.podcast import show_guid
from images.forms import RasterImageField
from images.processing import save_image
from images.validation import inspect

ARTWORK_SIDES = (1400, 3000)
ARTWORK_FORMATS = {"JPEG", "PNG"}


class SiteSettingsForm(forms.ModelForm):
    """Checks the podcast artwork against Apple's rules: a square JPEG or PNG, 1400 to 3000
    pixels a side (podcast directories refuse a show whose artwork breaks them)."""

    class Meta:
        model = SiteSettings
        # Every field the admin edits (its fieldsets pick and order them).
        fields = [
            field.name
            for field in SiteSettings._meta.concrete_fields
            if field.editable and not field.primary_key
        ]
        field_classes = {"podcast_artwork": RasterImageField}

    def clean_podcast_artwork(self):
        artwork = self.cleaned_data.get("podcast_artwork")
        prepared = getattr(artwork, "prepared", None)
        if prepared is None:  # unchanged, or cleared
            return artwork
        low, high = ARTWORK_SIDES
        problems = []
        if prepared.format.upper() not in ARTWORK_FORMATS:
            problems.append(_("Podcast artwork must be a JPEG or PNG file."))
        if prepared.width != prepared.height:
            # The size of the file as sent, not of the copy scaled down to be stored.
            sent = inspect(artwork)
            width, height = sorted(
                (sent.width, sent.height), reverse=prepared.width > prepared.height
            )
            problems.append(
                _("Podcast artwork must be square; this is %(w)s × %(h)s pixels.")
                % {"w": width, "h": height}
            )
        if not low <= prepared.width <= high or not low <= prepared.height <= high:
            problems.append(
                _("Podcast artwork must be %(low)s to %(high)s pixels a side.")
                % {"low": low, "high": high}
            )
        if problems:
            raise forms.ValidationError(problems)
        return artwork


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    form = SiteSettingsForm
    # The podcast artwork is checked like every upload: real JPEG/PNG/GIF/WebP, within
    # the limits (Django's ImageField would take any format Pillow reads).
    formfield_overrides = {models.ImageField: {"form_class": RasterImageField}}
    fieldsets = [
        (_("The author"), {"fields": ["author_name", "credential", "tagline", "short_bio"]}),
        (
            _("Landing page and hubs"),
            {"fields": ["books_pitch", "work_pitch", "writing_intro", "blog_strapline"]},
        ),
        (
            _("Elsewhere on the web"),
            {
                "description": _("Linked from every page with rel=me (IndieWeb)."),
                "fields": ["rel_me_links"],
            },
        ),
        (_("Newsletter"), {"fields": ["newsletter_name", "newsletter_url", "newsletter_pitch"]}),
        (
            _("Podcast"),
            {
                "description": _("The podcast feed needs the artwork and the owner's email."),
                "fields": [
                    "podcast_title",
                    "podcast_description",
                    "podcast_artwork",
                    "podcast_owner_email",
                    "podcast_apple_url",
                    "podcast_category",
                    "podcast_explicit",
                    "podcast_locked",
                    "podcast_guid",
                ],
            },
        ),
        (
            _("Sidebars: how many items each shows"),
            {"fields": ["featured_count", "books_count", "recent_count", "related_count"]},
        ),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # One row: go straight to it (creating it with the defaults if need be, for
        # whoever may change the settings).
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if self.has_change_permission(request):
            settings, _created = SiteSettings.objects.get_or_create(pk=1)
        elif (settings := SiteSettings.objects.first()) is None:
            raise PermissionDenied
        return redirect(reverse("admin:core_sitesettings_change", args=[settings.pk]))

    def save_model(self, request, obj, form, change):
        if not obj.podcast_guid:  # made once, then kept whatever the site's address
            obj.podcast_guid = show_guid(obj)
        if "podcast_artwork" in form.changed_data and obj.podcast_artwork:
            # Stored as every upload is: turned upright, its EXIF, GPS and XMP gone.
            save_image(obj.podcast_artwork, renditions=False)
        super().save_model(request, obj, form, change)
