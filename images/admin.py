from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import models
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .forms import RasterImageField
from .models import Image
from .usage import alt_missing, uses_of


class ImageChangeList(ChangeList):
    """The library's list, with where each image of the page is used: one query per
    model with Markdown fields for the whole page (``images.usage``)."""

    def get_results(self, request):
        super().get_results(request)
        uses = uses_of(self.result_list)
        for image in self.result_list:
            image.uses = uses[image.pk]


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    """The image library. Alt text is required here unless the image is decorative."""

    list_display = ["thumbnail", "__str__", "alt_display", "used_in", "size_display", "uploaded"]
    list_display_links = ["thumbnail", "__str__"]
    list_filter = ["decorative", "format"]
    search_fields = ["alt", "file"]
    date_hierarchy = "uploaded"
    formfield_overrides = {models.ImageField: {"form_class": RasterImageField}}
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "file",
                    "alt",
                    "decorative",
                    "markdown_display",
                    "used_in",
                    "size_display",
                    "renditions_display",
                ],
                "description": _(
                    "One source for alt text: the library's alt text is what readers get "
                    "wherever a post's Markdown leaves it empty, as in ![](url); a post's own "
                    "![alt](url) wins in that post. “Used in” lists each post and the alt "
                    "text it gives."
                ),
            },
        )
    ]
    readonly_fields = ["markdown_display", "used_in", "size_display", "renditions_display"]

    def get_changelist(self, request, **kwargs):
        return ImageChangeList

    def get_queryset(self, request):
        """Who may change images (editors) sees the whole library; anyone else (a
        contributor) the images they added here.

        The image records no uploader yet: what a user added is read from the admin's
        log, so an image uploaded through the Markdown editor is not listed for them.
        """
        queryset = super().get_queryset(request)
        if request.user.has_perm("images.change_image"):
            return queryset
        added = LogEntry.objects.filter(
            user_id=request.user.pk,
            action_flag=ADDITION,
            content_type=ContentType.objects.get_for_model(Image),
        ).values_list("object_id", flat=True)
        return queryset.filter(pk__in=[int(pk) for pk in added if pk.isdigit()])

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """An image the user may not see: a GET goes back to the list, a POST is refused."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if self.get_object(request, unquote(object_id)) is None:
            if request.method == "POST":
                raise PermissionDenied
            messages.warning(request, _("No such image among those you may see."))
            return redirect(reverse("admin:images_image_changelist"))
        return super().change_view(request, object_id, form_url, extra_context)

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

    @staticmethod
    def _uses(obj):
        """Where ``obj`` is used: as the list found it for its page, or looked up now."""
        if not hasattr(obj, "uses"):
            obj.uses = uses_of([obj])[obj.pk] if obj.pk else []
        return obj.uses

    @admin.display(description=_("alt text"), ordering="alt")
    def alt_display(self, obj):
        if obj.decorative:
            return _("(decorative)")
        if obj.alt.strip():
            return obj.alt
        if alt_missing(obj, self._uses(obj)):
            return format_html("<strong>{}</strong>", _("missing"))
        return _("(given in each post's Markdown)")

    @admin.display(description=_("used in"))
    def used_in(self, obj):
        """Each post whose Markdown shows the image, linked to its form, with the alt
        text that use gives (or the library's, when it gives none)."""
        uses = self._uses(obj)
        if not uses:
            return _("Not used in any post.") if obj.pk else "-"
        items = format_html_join(
            "", "<li>{} {}</li>", ((_link(u.post), _use_alt(obj, u)) for u in uses)
        )
        return format_html('<ul class="image-uses">{}</ul>', items)

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


def _link(post):
    """The post's title, linked to its admin form (when the admin has one)."""
    meta = post._meta
    try:
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[post.pk])
    except NoReverseMatch:
        return str(post)
    return format_html('<a href="{}">{}</a>', url, str(post))


def _use_alt(image, use):
    if use.described and use.alt.strip() == image.alt.strip():
        return _("(the library's alt text)")
    if use.described:
        return format_html('<span class="image-use-alt">{}</span>', f"“{use.alt.strip()}”")
    if image.decorative:
        return _("(decorative)")
    if image.alt.strip():
        return format_html(
            '{} <span class="image-use-alt">{}</span>',
            _("from the library:"),
            f"“{image.alt.strip()}”",
        )
    return _("no alt text")
