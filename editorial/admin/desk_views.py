"""What the admin desk posts to: "mark as seen" on the last import's warnings.

Import runs (``transfer.ImportRun``) have no pages of their own: the desk shows the
newest run's warnings (``editorial.desk``). This admin adds only the one URL, under the
admin (so behind its login and CSRF check), and is not listed on the admin home."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from transfer.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    def get_model_perms(self, request):
        return {}  # nothing to list: the desk shows the runs

    def get_urls(self):
        seen = self.admin_site.admin_view(require_POST(self.seen_view))
        return [path("<int:pk>/seen/", seen, name="transfer_importrun_seen")]

    def seen_view(self, request, pk):
        """Dismiss a run's warnings from the desk; back to the admin home."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        run = get_object_or_404(ImportRun, pk=pk)
        ImportRun.objects.filter(pk=run.pk, seen_at__isnull=True).update(seen_at=timezone.now())
        messages.success(request, _("The import’s warnings are marked as seen."))
        return redirect("admin:index")
