"""Every post of every type in one list, and the editorial calendar."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from core.admin import StateFilter
from essays.models import Writing

from .. import calendar, retitle
from . import bulk
from .bulk import TopTagsFilter
from .mixins import back_to_list, can_publish


@admin.register(Writing)
class AllWritingAdmin(admin.ModelAdmin):
    """Every post of every type in one list, with the editorial calendar."""

    list_display = ["title", "kind", "state", "publish_at", "featured", "author"]
    list_filter = [StateFilter, "kind", "status", "featured", TopTagsFilter]
    search_fields = [
        "title",
        "slug",
        "description",
        "essay__body",
        "devreflection__body",
        "articleanalysis__summary",
        "articleanalysis__analysis",
        "articleanalysis__quote",
        "articleanalysis__source_title",
        "articleanalysis__source_author",
        "articleanalysis__source_url",
        "tags__name",
    ]
    actions = bulk.ACTIONS
    date_hierarchy = "publish_at"
    list_select_related = ["author"]

    def has_add_permission(self, request):
        return False

    def has_publish_permission(self, request):
        return can_publish(request)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if can_publish(request) else queryset.filter(author=request.user)

    @admin.display(description=_("state"))
    def state(self, obj):
        return obj.state_label

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Edit a post with its own type's form (which decides who may open it)."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])  # nothing is saved here
        writing = self.get_object(request, unquote(object_id))
        if writing is None:
            return back_to_list(request, self.opts)
        return redirect(reverse(f"admin:essays_{writing.kind}_change", args=[writing.pk]))

    def get_urls(self):
        urls = [
            path(
                "calendar/",
                self.admin_site.admin_view(self.calendar_view),
                name="essays_writing_calendar",
            ),
            path(
                "<int:pk>/reschedule/",
                self.admin_site.admin_view(self.reschedule_view),
                name="essays_writing_reschedule",
            ),
        ]
        return urls + super().get_urls()

    def calendar_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        month = calendar.parse_month(request.GET.get("month"))
        posts = self.get_queryset(request)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Editorial calendar"),
            "opts": self.opts,
            "month": calendar.month_grid(posts, month),
            "queue": calendar.queue(posts),
            "can_reschedule": can_publish(request),
        }
        return TemplateResponse(request, "admin/editorial/calendar.html", context)

    def reschedule_view(self, request, pk):
        if request.method != "POST" or not can_publish(request):
            raise PermissionDenied
        writing = get_object_or_404(Writing, pk=pk).specific
        form = calendar.RescheduleForm(request.POST)
        if form.is_valid():
            old_publish_at, writing.publish_at = writing.publish_at, form.cleaned_data["publish_at"]
            retitle.follow_new_date(writing, old_publish_at)
            writing.save()
            state = {"title": writing, "state": writing.state_label}
            messages.success(request, _("“%(title)s”: %(state)s.") % state)
        else:
            for error in form.errors.get("publish_at", []):
                failure = {"title": writing, "error": error}
                messages.error(request, _("“%(title)s” was not moved: %(error)s") % failure)
        return redirect(self._next(request))

    @staticmethod
    def _next(request):
        """Where to go back to: ``next`` when it is a path of this site, else the calendar."""
        wanted = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return wanted
        return reverse("admin:essays_writing_calendar")
