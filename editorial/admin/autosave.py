"""The server side of autosave (static/editorial/autosave.js): one row per post and user.

``<id>/autosave/`` under each writing type's admin, for whoever may change the post:
- GET: this user's copy, if it is newer than the post (an older one is dropped), who
  else autosaved the post in the last minute, and whether the post was saved since the
  version the form was opened on (``?based_on=``).
- POST: the form's text fields, stored over this user's copy (the post is untouched: no
  revision, no ``updated``, nothing published); ``_discard`` drops the copy instead.

``add/autosave/`` does the same for the add form, for whoever may add that type: a new
post has no row yet, so its copy is kept by user and writing type (one each), with
``writing`` empty. It is offered back on the next add form, and dropped when a post of
that type is added (``save_model``) or on ``_discard``. No ``Writing`` row is made.
"""

from django import forms
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
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
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view(self.autosave_view)
        new_view = self.admin_site.admin_view(self.new_post_autosave_view)
        # Before the admin's own: its "<id>/" catch-all would take "<id>/autosave/"; and
        # "add/autosave/" before "<id>/autosave/", which would read "add" as an id.
        return [
            path("add/autosave/", new_view, name=f"{prefix}_add_autosave"),
            path("<path:object_id>/autosave/", view, name=f"{prefix}_autosave"),
            *super().get_urls(),
        ]

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

    def new_post_autosave_view(self, request):
        """The add form's copy: as ``autosave_view``, with no post to compare it with."""
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        mine = self._new_post_copies(request)
        answer = {"autosave": None, "others": []}
        if request.method == "POST" and request.POST.get("_discard"):
            mine.delete()
        elif request.method == "POST":
            now = timezone.now()
            Autosave.objects.update_or_create(
                writing=None,
                content_type=ContentType.objects.get_for_model(self.model),
                user=request.user,
                defaults={"data": self._text_of(request, None), "saved_at": now},
            )
            answer["saved_at"] = now.isoformat()
            answer["saved_at_text"] = when(now)
        elif (copy := mine.first()) is not None:
            answer["autosave"] = {
                "values": copy.data,
                "saved_at": copy.saved_at.isoformat(),
                "saved_at_text": when(copy.saved_at),
            }
        return JsonResponse(answer, headers={"Cache-Control": "no-store"})

    def _new_post_copies(self, request):
        content_type = ContentType.objects.get_for_model(self.model)
        return Autosave.objects.filter(writing=None, content_type=content_type, user=request.user)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            # Added: what the server autosaved of the add form is in the post now.
            self._new_post_copies(request).delete()

    def _text_of(self, request, obj):
        names = text_fields(self.get_form(request, obj, change=obj is not None))
        return {name: request.POST[name][:MAX_CHARS] for name in names if name in request.POST}

    def _store(self, request, obj):
        now = timezone.now()
        Autosave.objects.update_or_create(
            writing_id=obj.pk,
            user=request.user,
            defaults={"data": self._text_of(request, obj), "saved_at": now},
        )
        return now.isoformat()
