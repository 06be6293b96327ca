from django.contrib import admin
from django.core.files.storage import default_storage
from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .forms import RasterImageField
from .models import Image


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    """The image library. Alt text is required here unless the image is decorative."""

    list_display = ["thumbnail", "__str__", "alt_display", "size_display", "uploaded"]
    list_display_links = ["thumbnail", "__str__"]
    list_filter = ["decorative", "format"]
    search_fields = ["alt", "file"]
    date_hierarchy = "uploaded"
    formfield_overrides = {models.ImageField: {"form_class": RasterImageField}}
    fields = ["file", "alt", "decorative", "markdown_display", "size_display", "renditions_display"]
    readonly_fields = ["markdown_display", "size_display", "renditions_display"]

    def get_readonly_fields(self, request, obj=None):
        # Posts point at the file's URL: replacing the file would leave them behind.
        return [*self.readonly_fields, "file"] if obj else self.readonly_fields

    @admin.display(description="")
    def thumbnail(self, obj):
        smallest = obj.renditions[0]["name"] if obj.renditions else obj.file.name
        return format_html(
            '<img src="{}" alt="" style="max-width:6rem;max-height:4rem">',
            default_storage.url(smallest),
        )

    @admin.display(description=_("alt text"), ordering="alt")
    def alt_display(self, obj):
        if obj.decorative:
            return _("(decorative)")
        return obj.alt or format_html("<strong>{}</strong>", _("missing"))

    @admin.display(description=_("size"))
    def size_display(self, obj):
        return f"{obj.width} × {obj.height} {obj.format.upper()}" if obj.width else "-"

    @admin.display(description=_("Markdown"))
    def markdown_display(self, obj):
        return format_html("<code>{}</code>", obj.markdown()) if obj.pk else "-"

    @admin.display(description=_("renditions"))
    def renditions_display(self, obj):
        if not obj.renditions:
            return _("None: an animation is served as it is.") if obj.pk else "-"
        return format_html_join(
            ", ",
            '<a href="{}">{} px {}</a>',
            (
                (default_storage.url(r["name"]), r["width"], r["format"].upper())
                for r in obj.renditions
            ),
        )
