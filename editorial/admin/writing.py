"""The three writing types' forms: Markdown with live preview, publishing, audio,
and the related-content engine's suggestions (with reasons) for staff."""

from django.contrib import admin
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from markdownx.widgets import AdminMarkdownxWidget

from core.admin import PublishableAdmin
from essays.models import ArticleAnalysis, DevReflection, Essay
from images.forms import RasterImageField
from related.explain import reasons
from transfer.shortcodes import names as shortcode_names

from . import bulk
from .bulk import TopTagsFilter
from .forms import EditorialWritingForm
from .mixins import EditorialAdminMixin

PUBLISHING = (
    _("Publishing"),
    {
        "fields": [
            "status",
            "publish_at",
            "expire_at",
            "featured",
            "tags",
            "byline",
            "author",
            "reading_stats",
            "hidden_shortcodes",
        ]
    },
)
RELATED = (
    _("Related writing"),
    {"fields": ["related_suggestions"], "classes": ["collapse"]},
)
AUDIO = (
    _("Audio: makes the post a podcast episode"),
    {
        "fields": [
            "audio_url",
            "audio_seconds",
            "audio_bytes",
            ("podcast_season", "podcast_episode"),
        ],
        "classes": ["collapse"],
    },
)
SHARING = (
    _("Sharing: the picture shown with a link to the post"),
    {
        "fields": ["card_image", "card_image_alt"],
        "classes": ["collapse"],
        "description": _("Without one, a card with the title is drawn for it."),
    },
)


class WritingAdmin(EditorialAdminMixin, PublishableAdmin):
    form = EditorialWritingForm
    list_display = ["title", "state_display", "publish_at", "featured", "tag_list", "author"]
    list_filter = [*PublishableAdmin.list_filter, "featured", TopTagsFilter]
    search_fields = ["title", "slug", "description", "tags__name"]
    actions = bulk.ACTIONS
    prepopulated_fields = {"slug": ["title"]}
    formfield_overrides = {
        models.TextField: {"widget": AdminMarkdownxWidget},
        # Checked like every upload: a real raster image within the limits.
        models.ImageField: {"form_class": RasterImageField},
    }
    raw_id_fields = ["author"]
    save_on_top = True
    readonly_fields = ["hidden_shortcodes"]

    class Media:
        # Others append theirs; autosave.js sends the text to the server as it is typed,
        # focus.js hides the admin around the writing (Focus, Ctrl/Cmd+Shift+F).
        js = ["editorial/autosave.js", "editorial/focus.js"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author").prefetch_related("tags")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # The dek and the quote are plain text: no Markdown editor for them.
        if db_field.name in {"description", "quote"}:
            kwargs["widget"] = admin.widgets.AdminTextareaWidget(attrs={"rows": 3})
            return db_field.formfield(**kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("tags"))
    def tag_list(self, obj):
        return ", ".join(tag.name for tag in obj.tags.all())

    @admin.display(description=_("suggestions, and why"))
    def related_suggestions(self, obj):
        if obj is None or obj.pk is None:
            return _("Suggested once the post is saved.")
        url = reverse("admin:related_post_change", args=[obj.pk])
        link = format_html('<p><a href="{}">{}</a></p>', url, _("Pin or exclude posts →"))
        return link + render_to_string("related/admin/suggestions.html", {"reasons": reasons(obj)})

    @admin.display(description=_("length"))
    def reading_stats(self, obj):
        if obj is None or obj.pk is None:
            return _("Counted when the post is saved.")
        if not obj.word_count:
            return _("No words yet")
        return ngettext(
            "%(words)s word · %(minutes)s min read",
            "%(words)s words · %(minutes)s min read",
            obj.word_count,
        ) % {"words": f"{obj.word_count:,}", "minutes": obj.reading_minutes}

    @admin.display(description=_("hidden shortcodes"))
    def hidden_shortcodes(self, obj):
        """The Hugo shortcodes the import kept: readers see nothing of them."""
        texts = [getattr(obj, name, "") or "" for name in ("body", "summary", "analysis")]
        found = sorted(set(shortcode_names("\n\n".join(texts)))) if obj else []
        if not found:
            return _("None.")
        return _("Not shown to readers, kept for export: %(names)s") % {"names": ", ".join(found)}


@admin.register(Essay)
class EssayAdmin(WritingAdmin):
    search_fields = [*WritingAdmin.search_fields, "body"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "description", "body"]}),
        PUBLISHING,
        AUDIO,
        SHARING,
        RELATED,
    ]


@admin.register(ArticleAnalysis)
class ArticleAnalysisAdmin(WritingAdmin):
    search_fields = [
        *WritingAdmin.search_fields,
        "source_title",
        "source_author",
        "source_url",
        "quote",
        "summary",
        "analysis",
    ]
    fieldsets = [
        (
            _("The article analysed"),
            {"fields": ["source_title", "source_url", "source_author", "source_publication"]},
        ),
        (
            None,
            {
                "fields": ["title", "slug", "description", "quote", "summary", "analysis"],
                "description": _(
                    "Leave the title empty for “Article analysis: ” followed by the source title."
                ),
            },
        ),
        PUBLISHING,
        AUDIO,
        SHARING,
        RELATED,
    ]


@admin.register(DevReflection)
class DevReflectionAdmin(WritingAdmin):
    search_fields = [*WritingAdmin.search_fields, "body"]
    fieldsets = [
        (
            None,
            {
                "fields": ["title", "slug", "description", "body"],
                "description": _(
                    "Leave the title empty to name it after its publish date, "
                    "as in “Dev reflection - January 08, 2026”."
                ),
            },
        ),
        PUBLISHING,
        (AUDIO[0], {"fields": AUDIO[1]["fields"]}),
        SHARING,
        RELATED,
    ]
