"""The server side of autosave (static/editorial/autosave.js): one row per post, user
and form (``draft_key``, made by the page for each tab: two tabs of one post keep apart).

``<id>/autosave/`` under each writing type's admin, for whoever may change the post:
- GET: the form's own copy (``?_draft_key=``), else this user's newest copy of the post
  that no open tab holds (``?taken=``, repeated: a closed or crashed tab's); who else
  autosaved the post in the last minute, and whether the post was saved since the
  version the form was opened on (``?based_on=``). A copy older than the post's last
  save is still offered, saying who saved the post since and when: the writer compares
  before restoring, and saving the restored text meets the stale-save check
  (``forms.EditorialWritingForm``).
- POST: the form's text fields, stored over the form's copy (the post is untouched: no
  revision, no ``updated``, nothing published); ``_discard`` drops the copy instead;
  ``_replaces`` names another form's copy, restored here, which the form's own replaces.

A copy is dropped only by its own user and form: the save of the post from that form
(``save_model``), or ``_discard``. Another user's save, another tab's, a bulk action or
a rename leaves it. A save posted with ``_keep_autosave`` (the form still asks whether
to restore a copy) keeps it too.

``add/autosave/`` does the same for the add form, for whoever may add that type: a new
post has no row yet, so its copy is kept by user, writing type and add form, with
``writing`` empty. A copy is dropped when its form's post is added (``save_model``) or
on ``_discard``. No ``Writing`` row is made.
"""

import logging

from django import forms
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.urls import path
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format

from .. import revisions
from ..models import Autosave
from .forms import BASED_ON

# A form's text is a few hundred kilobytes at most; more is not a writer typing.
MAX_CHARS = 500_000
# Posted by a form whose restore offer is still unanswered: its save keeps the copies.
KEEP = "_keep_autosave"
# The form's own key (one per tab), posted with the form and with each autosave.
DRAFT_KEY = "_draft_key"


def when(moment):
    return date_format(timezone.localtime(moment), "j F Y, H:i:s")


def name_of(user):
    return (user.get_full_name() or user.get_username()) if user else "someone"


def draft_key_of(data):
    return data.get(DRAFT_KEY, "")[:64]


def copy_to_offer(copies, data):
    """The form's own copy (a reload of its tab), else the newest no open tab holds."""
    key = draft_key_of(data)
    return copies.filter(draft_key=key).first() or (
        copies.exclude(draft_key__in=data.getlist("taken")).order_by("-saved_at", "-pk").first()
    )


def replace(copies, data):
    """A copy from a closed tab, restored in this form: the form's own copy now."""
    if "_replaces" in data:
        copies.filter(draft_key=data["_replaces"]).exclude(draft_key=draft_key_of(data)).delete()


def saved_by(post, since, user):
    """Who saved ``post`` after ``since``, in words ("Olga Ek", "you", "someone")."""
    found = revisions.for_object(post).filter(created__gt=since).select_related("user")
    names = sorted({"you" if r.user == user else name_of(r.user) for r in found if r.user})
    return " and ".join(names) or "someone"


def offered(copy, post=None, user=None):
    """A copy as offered back; with ``saved_since`` when ``post`` was saved after it."""
    answer = {
        "values": copy.data,
        "saved_at": copy.saved_at.isoformat(),
        "saved_at_text": when(copy.saved_at),
        "draft_key": copy.draft_key,
    }
    if post is not None and copy.saved_at < post.updated:
        answer["saved_since"] = {
            "by": saved_by(post, copy.saved_at, user),
            "at": when(post.updated),
        }
    return answer


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


logger = logging.getLogger(__name__)

# How long an add form's key is remembered once its post is added: far longer than any
# autosave request can be on its way.
ADDED_SECONDS = 60 * 60


def _added_key(request, key):
    return f"autosave:added:{request.user.pk}:{key}"


def _mark_added(request, key):
    """Remember that the add form ``key`` added its post (in the shared cache, which every
    worker and server reads)."""
    try:
        caches["pages"].set(_added_key(request, key), True, ADDED_SECONDS)
    except Exception:  # noqa: BLE001  (a late copy is offered, never worse)
        logger.warning("The autosave cannot reach its cache.")


def _was_added(request, key):
    try:
        return bool(caches["pages"].get(_added_key(request, key)))
    except Exception:  # noqa: BLE001
        return False


def post_to_change(model_admin, request, object_id):
    """The post ``object_id``, if this user may change it; else 403, or 404 when there is
    no such post among those they may change (who may not change any learns nothing)."""
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None:
        if not model_admin.has_change_permission(request):
            raise PermissionDenied
        raise Http404("No such post.")
    if not model_admin.has_change_permission(request, obj):
        raise PermissionDenied
    return obj


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
        obj = post_to_change(self, request, object_id)
        mine = Autosave.objects.filter(writing_id=obj.pk, user=request.user)
        answer = {"updated": obj.updated.isoformat(), "autosave": None}
        if request.method == "POST":
            if request.POST.get("_discard"):
                mine.filter(draft_key=draft_key_of(request.POST)).delete()
            else:
                answer["saved_at"] = self._store(request, obj)
                answer["saved_at_text"] = when(timezone.now())
                replace(mine, request.POST)
        elif (copy := copy_to_offer(mine, request.GET)) is not None:
            answer["autosave"] = offered(copy, obj, request.user)
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
        if request.method == "POST":
            key = draft_key_of(request.POST)
            if request.POST.get("_discard"):
                mine.filter(draft_key=key).delete()
            elif key and _was_added(request, key):
                # An autosave sent just before the form added its post, arriving after:
                # the text is in the post, and a copy made now would be offered later
                # as an unsaved new post.
                answer["added"] = True
            else:
                now = timezone.now()
                Autosave.objects.update_or_create(
                    writing=None,
                    content_type=ContentType.objects.get_for_model(self.model),
                    user=request.user,
                    draft_key=key,
                    defaults={"data": self._text_of(request, None), "saved_at": now},
                )
                replace(mine, request.POST)
                answer["saved_at"] = now.isoformat()
                answer["saved_at_text"] = when(now)
        elif (copy := copy_to_offer(mine, request.GET)) is not None:
            answer["autosave"] = offered(copy)
        return JsonResponse(answer, headers={"Cache-Control": "no-store"})

    def _new_post_copies(self, request):
        content_type = ContentType.objects.get_for_model(self.model)
        return Autosave.objects.filter(writing=None, content_type=content_type, user=request.user)

    def save_model(self, request, obj, form, change):
        """Saved: what the server autosaved of this form's typing is in the post now, so
        its copy goes; the copies of this user's other tabs hold other text, and stay.
        Not with ``KEEP``: the form still asked whether to restore a copy."""
        super().save_model(request, obj, form, change)
        if KEEP in request.POST:
            return
        key = draft_key_of(request.POST)
        if change:
            mine = Autosave.objects.filter(writing_id=obj.pk, user=request.user)
        else:
            mine = self._new_post_copies(request)
            if key:
                _mark_added(request, key)
        mine.filter(draft_key=key).delete()

    def _text_of(self, request, obj):
        names = text_fields(self.get_form(request, obj, change=obj is not None))
        return {name: request.POST[name][:MAX_CHARS] for name in names if name in request.POST}

    def _store(self, request, obj):
        now = timezone.now()
        Autosave.objects.update_or_create(
            writing_id=obj.pk,
            user=request.user,
            draft_key=draft_key_of(request.POST),
            defaults={"data": self._text_of(request, obj), "saved_at": now},
        )
        return now.isoformat()
