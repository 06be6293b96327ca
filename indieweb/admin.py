from django.contrib import admin

from .models import Mention


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    """Received Webmentions: verified ones wait here for approval before readers see them."""

    list_display = ["source", "writing", "status", "received_at", "verified_at"]
    list_filter = ["status"]
    list_select_related = ["writing"]
    fields = ["status", "writing", "source", "target", "title", "author_name", "excerpt"]
    fields += ["error", "received_at", "verified_at"]
    readonly_fields = [name for name in fields if name != "status"]
    actions = ["approve", "reject"]

    def has_add_permission(self, request):
        return False  # mentions come from other sites, through the endpoint

    @admin.action(description="Approve selected mentions", permissions=["change"])
    def approve(self, request, queryset):
        self._set(request, queryset, Mention.Status.APPROVED)

    @admin.action(description="Reject selected mentions", permissions=["change"])
    def reject(self, request, queryset):
        self._set(request, queryset, Mention.Status.REJECTED)

    def _set(self, request, queryset, status):
        # One save each (not update()): the save signal makes the cached pages stale.
        for mention in queryset:
            mention.status = status
            mention.save(update_fields=["status"])
        self.message_user(request, f"{len(queryset)} mention(s): {status}.")
