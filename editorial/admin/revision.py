"""The revisions, read-only: they are written by saves and restored from the post.

Who may publish sees every revision; anyone else (a contributor) only those of their
own posts: a revision holds a post's whole text, drafts included."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from essays.models import Writing

from ..models import Revision
from .mixins import back_to_list, can_publish


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["created", "content_type", "object_id", "user", "changed"]
    list_filter = ["content_type"]
    date_hierarchy = "created"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if can_publish(request):
            return queryset
        # A post's revisions are stored under its own type (Essay...), with its pk.
        kinds = [kind for kind, _label in Writing.Kind.choices]
        types = ContentType.objects.filter(app_label="essays", model__in=kinds)
        own = Writing.objects.filter(author_id=request.user.pk).values("pk")
        return queryset.filter(content_type__in=types, object_id__in=own)

    def get_list_filter(self, request):
        # The filter lists every content type that has a revision: only for who sees all.
        return self.list_filter if can_publish(request) else []

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if self.get_object(request, unquote(object_id)) is None:
            if request.method == "POST":
                raise PermissionDenied
            return back_to_list(request, self.opts, message=_("No such revision among yours."))
        return super().change_view(request, object_id, form_url, extra_context)
