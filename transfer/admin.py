from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ImportRecord


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    """What each import wrote, read-only: the importer keeps it, the author reads it."""

    list_display = ["slug", "source", "post", "imported_at", "deleted_here"]
    list_filter = [("post", admin.EmptyFieldListFilter)]
    search_fields = ["slug", "source"]
    list_select_related = ["post"]
    readonly_fields = ["slug", "post", "source", "imported_at"]
    exclude = ["values"]

    @admin.display(boolean=True, description=_("deleted here"))
    def deleted_here(self, record):
        return record.deleted_here

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
