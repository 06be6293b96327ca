from django.contrib import admin
from django.db import models
from markdownx.widgets import AdminMarkdownxWidget

from core.admin import PublishableAdmin
from images.forms import RasterImageField

from .models import Book


@admin.register(Book)
class BookAdmin(PublishableAdmin):
    list_display = ["title", "stage", "state_display", "display_order", "home_hero"]
    list_editable = ["display_order"]
    list_filter = [*PublishableAdmin.list_filter, "stage", "home_hero"]
    search_fields = ["title", "subtitle", "description"]
    prepopulated_fields = {"slug": ["title"]}
    formfield_overrides = {
        models.TextField: {"widget": AdminMarkdownxWidget},
        # The cover is checked like every upload: real JPEG/PNG/GIF/WebP, within the limits.
        models.ImageField: {"form_class": RasterImageField},
    }
    fieldsets = [
        (None, {"fields": ["title", "slug", "subtitle", "description", "pitch"]}),
        ("Cover", {"fields": ["cover", "cover_alt", "cover_decorative"]}),
        ("Buying", {"fields": ["stage", "buy_url", "buy_label"]}),
        (
            "Publishing",
            {"fields": ["status", "publish_at", "expire_at", "display_order", "home_hero"]},
        ),
    ]
