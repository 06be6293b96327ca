"""The revisions, read-only: they are written by saves and restored from the post."""

from django.contrib import admin

from ..models import Revision


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["created", "content_type", "object_id", "user", "changed"]
    list_filter = ["content_type"]
    date_hierarchy = "created"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
