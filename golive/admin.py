from django.contrib import admin

from .models import GoLive


@admin.register(GoLive)
class GoLiveAdmin(admin.ModelAdmin):
    """Each post's go-lives and goings away, and whether their side effects ran (failed
    ones are also in *Tasks Database Backend › DB task results*, with their tracebacks)."""

    list_display = ["post", "kind", "publish_at", "state", "attempts", "done_at"]
    list_filter = ["kind", "state"]
    readonly_fields = [field.name for field in GoLive._meta.fields]
    list_select_related = ["writing"]

    @admin.display(description="post", ordering="writing__title")
    def post(self, record):
        return record.post_name

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a deleted record would run its go-live's side effects again
