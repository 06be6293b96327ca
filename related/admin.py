"""The author's control: per post, pins and exclusions, and each suggestion's reasons."""

from django.contrib import admin
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .explain import reasons
from .models import Post, RelatedChoice


class RelatedChoiceInline(admin.TabularInline):
    model = RelatedChoice
    fk_name = "source"
    fields = ["target", "action", "position"]
    autocomplete_fields = ["target"]
    extra = 1
    verbose_name_plural = _("pins and exclusions (pinned posts come first, by position)")


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    """Every post; its page shows the suggestions with their reasons, and takes pins
    and exclusions. Posts themselves are edited on their own type's page."""

    list_display = ["title", "kind", "state", "pins", "exclusions"]
    list_filter = ["kind"]
    search_fields = ["title", "slug"]
    fields = ["edit_link", "suggestions"]
    readonly_fields = fields
    inlines = [RelatedChoiceInline]

    def get_queryset(self, request):
        pin, exclude = RelatedChoice.Action.PIN, RelatedChoice.Action.EXCLUDE
        return (
            super()
            .get_queryset(request)
            .annotate(
                pin_count=Count("related_choices", filter=Q(related_choices__action=pin)),
                exclusion_count=Count("related_choices", filter=Q(related_choices__action=exclude)),
            )
            .order_by("-publish_at", "pk")  # the annotation drops the model's order
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """Save nothing of the post: only its pins and exclusions are edited here, and
        saving it through this proxy would re-render it as a bare Writing."""

    @admin.display(description=_("state"))
    def state(self, obj):
        return obj.state_label

    @admin.display(description=_("pins"), ordering="pin_count")
    def pins(self, obj):
        return obj.pin_count

    @admin.display(description=_("exclusions"), ordering="exclusion_count")
    def exclusions(self, obj):
        return obj.exclusion_count

    @admin.display(description=_("post"))
    def edit_link(self, obj):
        url = reverse(f"admin:essays_{obj.kind}_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a> ({})', url, obj.title, obj.state_label)

    @admin.display(description=_("suggestions, and why"))
    def suggestions(self, obj):
        return render_to_string("related/admin/suggestions.html", {"reasons": reasons(obj)})
