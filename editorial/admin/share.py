"""The "Create share link" button of a post's change form: one click, one link, nothing
else saved.

Two URLs under each writing type's admin, for whoever may change the post and add share
links (``editorial.add_previewlink``); a contributor only for their own drafts, as
``has_change_permission`` says:

- ``<id>/share-link/`` (POST only): makes one link with the model's default expiry. Asked
  for JSON (static/editorial/share.js, by fetch), it answers with the link's absolute URL
  and its expiry in words, so the form stays open with any text not yet saved. Otherwise
  it goes back to the change form with a message giving the URL. The post is not saved.
- ``<id>/share-link/new/`` (GET): the page that "Create share link" opens without script,
  whose own form posts to the first. The change form is itself a form: a button inside
  it would send, and could save, the post's fields.
"""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..models import PreviewLink
from .autosave import post_to_change


def expiry_in_words(link):
    """ "Works until Friday 15 May 2026, 14:03 UTC (1 week from now).", in the site's time
    zone. Rounded to the minute: a link made just now reads "1 week", not "6 days, 23 hours"."""
    now = timezone.now()
    left = timedelta(minutes=round((link.expires_at - now).total_seconds() / 60))
    return _("Works until %(when)s (%(span)s from now).") % {
        "when": date_format(timezone.localtime(link.expires_at), "l j F Y, H:i T"),
        "span": timeuntil(now + left, now),
    }


class ShareLinkMixin:
    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        make = self.admin_site.admin_view(require_POST(self.share_link_view))
        ask = self.admin_site.admin_view(require_GET(self.share_link_form_view))
        # Before the admin's own: its "<id>/" catch-all would take "<id>/share-link/".
        return [
            path("<path:object_id>/share-link/", make, name=f"{prefix}_share_link"),
            path("<path:object_id>/share-link/new/", ask, name=f"{prefix}_share_link_form"),
            *super().get_urls(),
        ]

    @property
    def media(self):
        return super().media + forms.Media(js=["editorial/share.js"])

    def _post_to_share(self, request, object_id):
        """The post, if this user may make share links for it; else 403 (or 404 when there
        is no such post among those they may change)."""
        if not request.user.has_perm("editorial.add_previewlink"):
            raise PermissionDenied
        return post_to_change(self, request, object_id)

    def _change_url(self, obj):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])

    def share_link_view(self, request, object_id):
        obj = self._post_to_share(request, object_id)
        link = PreviewLink.objects.create(writing=obj, created_by=request.user)
        url = request.build_absolute_uri(link.get_absolute_url())
        expires = expiry_in_words(link)
        if request.get_preferred_type(["text/html", "application/json"]) == "application/json":
            answer = {"url": url, "expires_at": link.expires_at.isoformat(), "expires": expires}
            return JsonResponse(answer)  # never cached: admin_view says so
        messages.success(
            request,
            _("Share link created: %(url)s — %(expires)s") % {"url": url, "expires": expires},
        )
        return redirect(self._change_url(obj))

    def share_link_form_view(self, request, object_id):
        obj = self._post_to_share(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Create a share link for “%(title)s”") % {"title": obj},
            "opts": self.opts,
            "original": obj,
            # The expiry a link made now would have: the model's default.
            "expires": expiry_in_words(PreviewLink()),
            "back": self._change_url(obj),
        }
        return TemplateResponse(request, "admin/editorial/share_link_form.html", context)
