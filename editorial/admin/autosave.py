"""The server side of autosave (static/editorial/autosave.js): one row per post and user.

``<id>/autosave/`` under each writing type's admin, for whoever may change the post:
- GET: this user's copy, if it is newer than the post (an older one is dropped), who
  else autosaved the post in the last minute, and whether the post was saved since the
  version the form was opened on (``?based_on=``).
- POST: the form's text fields, stored over this user's copy (the post is untouched: no
  revision, no ``updated``, nothing published); ``_discard`` drops the copy instead.
"""

from django import forms
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.urls import path
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format

from ..models import Autosave
from .forms import BASED_ON

# A form's text is a few hundred kilobytes at most; more is not a writer typing.
MAX_CHARS = 500_000


def when(moment):
    return date_format(timezone.localtime(moment), "j F Y, H:i:s")


def name_of(user):
    return (user.get_full_name() or user.get_username()) if user else "someone"


def text_fields(form_class):
    """The names of the form's text fields (titles, slugs, Markdown, URLs, tags)."""
    return [
        name
        for name, field in form_class.base_fields.items()
        if isinstance(field, forms.CharField)
        and not field.widget.is_hidden
        and not field.disabled
        and name != BASED_ON
    ]


class AutosaveMixin:
    def get_urls(self):
        opts = self.opts
        name = f"{opts.app_label}_{opts.model_name}_autosave"
        view = self.admin_site.admin_view(self.autosave_view)
        # Before the admin's own: its "<id>/" catch-all would take "<id>/autosave/".
        return [path("<path:object_id>/autosave/", view, name=name), *super().get_urls()]

    def autosave_view(self, request, object_id):
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            if not self.has_change_permission(request):
                raise PermissionDenied
            raise Http404("No such post.")
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        mine = Autosave.objects.filter(writing_id=obj.pk, user=request.user)
        answer = {"updated": obj.updated.isoformat(), "autosave": None}
        if request.method == "POST":
            if request.POST.get("_discard"):
                mine.delete()
            else:
                answer["saved_at"] = self._store(request, obj)
                answer["saved_at_text"] = when(timezone.now())
        else:
            copy = mine.first()
            if copy is not None and copy.saved_at <= obj.updated:
                copy.delete()  # the post was saved since: nothing to offer
            elif copy is not None:
                answer["autosave"] = {
                    "values": copy.data,
                    "saved_at": copy.saved_at.isoformat(),
                    "saved_at_text": when(copy.saved_at),
                }
        answer["others"] = [
            {"name": name_of(row.user), "saved_at": row.saved_at.isoformat()}
            for row in Autosave.objects.editing_now(obj.pk, request.user)
        ]
        based_on = parse_datetime(request.GET.get(BASED_ON) or request.POST.get(BASED_ON) or "")
        if based_on is not None and based_on != obj.updated:
            answer["saved_since"] = {"at": when(obj.updated)}
        return JsonResponse(answer, headers={"Cache-Control": "no-store"})

    def _store(self, request, obj):
        names = text_fields(self.get_form(request, obj, change=True))
        data = {name: request.POST[name][:MAX_CHARS] for name in names if name in request.POST}
        now = timezone.now()
        Autosave.objects.update_or_create(
            writing_id=obj.pk, user=request.user, defaults={"data": data, "saved_at": now}
        )
        return now.isoformat()
