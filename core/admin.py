from django import forms
from django.contrib import admin
from django.db import models
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from images.forms import RasterImageField

from . import redirects
from .models import Redirect, SiteSettings
from .publishing import State


class StateFilter(admin.SimpleListFilter):
    """Filter by what a reader sees: draft, scheduled or published."""

    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return State.choices

    def queryset(self, request, queryset):
        match self.value():
            case State.DRAFT:
                return queryset.drafts()
            case State.SCHEDULED:
                return queryset.scheduled()
            case State.PUBLISHED:
                return queryset.published()
        return queryset


class PublishableAdmin(admin.ModelAdmin):
    """What every publishable type's admin shares: its state, filters and dates."""

    date_hierarchy = "publish_at"
    list_filter = [StateFilter]

    @admin.display(description=_("state"), ordering="publish_at")
    def state_display(self, obj):
        return obj.state_label


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    # The podcast artwork is checked like every upload: real JPEG/PNG/GIF/WebP, within
    # the limits (Django's ImageField would take any format Pillow reads).
    formfield_overrides = {models.ImageField: {"form_class": RasterImageField}}
    fieldsets = [
        (_("The author"), {"fields": ["author_name", "credential", "tagline", "short_bio"]}),
        (
            _("Landing page and hubs"),
            {"fields": ["books_pitch", "work_pitch", "writing_intro", "blog_strapline"]},
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
                ],
            },
        ),
        (
            _("Sidebars: how many items each shows"),
            {"fields": ["featured_count", "books_count", "recent_count", "related_count"]},
        ),
    ]

    def has_add_permission(self, request):
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # One row: go straight to it (creating it with the defaults if need be).
        settings, _created = SiteSettings.objects.get_or_create(pk=1)
        return redirect(reverse("admin:core_sitesettings_change", args=[settings.pk]))


class RedirectForm(forms.ModelForm):
    class Meta:
        model = Redirect
        fields = ["old_path", "new_path"]

    def clean_old_path(self):
        return redirects.normalise(self.cleaned_data["old_path"])

    def clean_new_path(self):
        return redirects.normalise_target(self.cleaned_data["new_path"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("old_path") and cleaned.get("old_path") == cleaned.get("new_path"):
            raise forms.ValidationError(_("A redirect must lead somewhere else."))
        return cleaned

    def validate_unique(self):
        # add_redirect replaces an existing redirect from the same path.
        pass


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    """Old addresses that answer with a permanent redirect. Chains collapse to one hop."""

    form = RedirectForm
    list_display = ["old_path", "new_path", "created"]
    search_fields = ["old_path", "new_path"]

    def save_model(self, request, obj, form, change):
        if change:
            Redirect.objects.filter(pk=obj.pk).delete()
        saved = redirects.add_redirect(obj.old_path, obj.new_path)
        obj.pk, obj.created = saved.pk, saved.created
