"""Roles enforced, publishing buttons, share links and revisions for a writing type's admin."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.publishing import Status
from essays.forms import PUBLISH_NOW, SAVE_DRAFT, SCHEDULE
from essays.models import Tag
from images.processing import save_image

from .. import retitle, revisions
from ..models import Autosave, PreviewLink
from .autosave import AutosaveMixin, name_of
from .forms import BASED_ON, missing_tags, redirect_away_from
from .notes import EditorNoteInline
from .share import ShareLinkMixin

PUBLISHING_FIELDS = ["status", "publish_at", "expire_at", "featured", "author"]
# The same words whether the post is published, someone else's or gone: nothing to learn.
NOT_YOURS = _("You may open only your own drafts: that post is published, someone else’s, or gone.")


def can_publish(request):
    return request.user.has_perm("essays.publish_writing")


def back_to_list(request, opts, message=NOT_YOURS):
    """A GET of what the user may not open: back to the list, with why."""
    messages.warning(request, message)
    return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))


class PreviewLinkForm(forms.ModelForm):
    class Meta:
        model = PreviewLink
        fields = ["expires_at", "revoked"]

    def has_changed(self):
        # "Add another share link" and Save, the default expiry untouched, makes the
        # link: a new row exists only because the button was pressed (no blank extras).
        return self.instance.pk is None or super().has_changed()


class PreviewLinkInline(admin.TabularInline):
    model = PreviewLink
    form = PreviewLinkForm
    fk_name = "writing"
    extra = 0
    fields = ["share_link", "expires_at", "revoked", "created_by"]
    readonly_fields = ["share_link", "created_by"]
    # The table, then "Create share link" (editorial/admin/share.py).
    template = "admin/editorial/share_links_inline.html"
    verbose_name = _("share link for reviewers")
    verbose_name_plural = _("share links for reviewers (signed; they expire and can be revoked)")

    def get_formset(self, request, obj=None, **kwargs):
        # Inlines are made afresh for each request: the link is shown in full, on this host.
        self.request = request
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description=_("link"))
    def share_link(self, obj):
        if obj.pk is None:
            return _("Save to create the link.")
        path = obj.get_absolute_url()
        request = getattr(self, "request", None)
        url = request.build_absolute_uri(path) if request else path
        state = _("works") if obj.is_live() else _("ended: revoked or expired")
        return format_html(
            '<span class="desk-share-link"><input type="text" readonly value="{}" '
            'aria-label="{}"><button type="button" class="button desk-copy" data-copy="{}">'
            '{}</button> <a href="{}">{}</a> ({})</span>',
            url,
            _("Share link"),
            url,
            _("Copy"),
            url,
            _("open"),
            state,
        )


class EditorialAdminMixin(ShareLinkMixin, AutosaveMixin):
    """Roles, the publishing buttons, share links ("Create share link": ``ShareLinkMixin``),
    notes, revisions and the server's autosave (``AutosaveMixin``) for a writing type's admin.

    Contributors (no ``essays.publish_writing``) see and change only their own drafts,
    and never the publishing fields; the form keeps their posts drafts whatever is posted.
    """

    inlines = [PreviewLinkInline, EditorNoteInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if can_publish(request) else queryset.filter(author=request.user)

    def has_publish_permission(self, request):
        return can_publish(request)

    def _own_draft(self, request, obj):
        return obj is None or (obj.author_id == request.user.pk and obj.status == Status.DRAFT)

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        if obj is None or not allowed or can_publish(request):
            return allowed
        return obj.author_id == request.user.pk

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (can_publish(request) or self._own_draft(request, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (can_publish(request) or self._own_draft(request, obj))

    def get_readonly_fields(self, request, obj=None):
        fields = [
            *super().get_readonly_fields(request, obj),
            "reading_stats",
            "related_suggestions",
        ]
        if not can_publish(request):
            fields += PUBLISHING_FIELDS
        return fields

    def get_inlines(self, request, obj):
        if obj is None:
            return []
        return [
            inline
            for inline in super().get_inlines(request, obj)
            if request.user.has_perm(f"editorial.view_{inline.model._meta.model_name}")
        ]

    def get_fieldsets(self, request, obj=None):
        """The version the form is opened on rides along, hidden (``forms.BASED_ON``)."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            return fieldsets  # a form only read has nothing to save
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], BASED_ON]}), *rest]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.can_publish = can_publish(request)
        form.can_add_tags = request.user.has_perm("essays.add_tag")
        return form

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        if not can_publish(request) and obj.status != Status.DRAFT:
            raise PermissionDenied("Only editors publish or schedule.")
        if change and retitle.follow_new_date(obj, form.initial.get("publish_at")):
            messages.info(
                request, _("Renamed “%(title)s” to follow its new date.") % {"title": obj.title}
            )
        if "card_image" in form.changed_data and obj.card_image:
            # Stored as every upload is: turned upright, its EXIF, GPS and XMP gone.
            save_image(obj.card_image, renditions=False)
        super().save_model(request, obj, form, change)  # and drops the autosaved copy
        _warn_of_the_gate(request, getattr(form, "publish_warnings", []))

    def save_formset(self, request, form, formset, change):
        for link in formset.save(commit=False):
            if link.created_by_id is None:
                link.created_by = request.user
            link.save()
        formset.save_m2m()
        for deleted in formset.deleted_objects:
            deleted.delete()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # A published post the gate would refuse (an import, say): say so on its form.
        form = context.get("adminform") and context["adminform"].form
        if form is not None and form.is_bound:
            _warn_of_the_gate(request, getattr(form, "publish_warnings", []), once=True)
        elif obj is not None and obj.status == Status.PUBLISHED:
            _warn_of_the_gate(request, obj.publish_problems(), once=True)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A contributor opens only their own drafts. Anything else (a published post,
        someone else's, one that does not exist): a GET goes back to the list, with the
        same words whichever it is; a POST is refused (403) and changes nothing."""
        if object_id is not None and not can_publish(request):
            if not self.has_view_or_change_permission(request):
                raise PermissionDenied
            obj = self.get_object(request, unquote(object_id))
            if obj is None or not self.has_change_permission(request, obj):
                if request.method == "POST":
                    raise PermissionDenied
                return back_to_list(request, self.opts)
        if object_id is not None and request.method == "GET":
            _say_who_else_is_editing(request, unquote(object_id))
        extra_context = {**(extra_context or {}), "publishing_buttons": can_publish(request)}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def response_add(self, request, obj, post_url_continue=None):
        return self._stay(request, obj) or super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        return self._stay(request, obj) or super().response_change(request, obj)

    def _stay(self, request, obj):
        """Save draft, Publish now and Schedule keep the author in the editor, saying
        what happened."""
        if IS_POPUP_VAR in request.POST:
            return None
        if SAVE_DRAFT in request.POST:
            message = _("Saved “%(title)s” as a draft.") % {"title": obj}
        elif PUBLISH_NOW in request.POST:
            message = _("Published “%(title)s”: it is live now.") % {"title": obj}
        elif SCHEDULE in request.POST:
            when = date_format(timezone.localtime(obj.publish_at), "j F Y, H:i")
            message = _("Scheduled “%(title)s” for %(when)s.") % {"title": obj, "when": when}
        else:
            return None
        messages.success(request, message)
        opts = obj._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        preserved = {"preserved_filters": self.get_preserved_filters(request), "opts": opts}
        return redirect(add_preserved_filters(preserved, url))

    def history_view(self, request, object_id, extra_context=None):
        """Every revision: who and when, what changed, a diff between two, restore."""
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_permission(request, obj):
            raise PermissionDenied
        found = list(revisions.for_object(obj).select_related("user"))
        if request.method == "POST":
            return self._restore(request, obj, found)
        by_pk = {str(revision.pk): revision for revision in found}
        older, newer = by_pk.get(request.GET.get("a")), by_pk.get(request.GET.get("b"))
        if older and newer and older.created > newer.created:
            older, newer = newer, older
        context = {
            **self.admin_site.each_context(request),
            "title": _("History of “%(title)s”") % {"title": obj},
            "opts": self.opts,
            "object": obj,
            "revisions": found,
            "older": older,
            "newer": newer,
            "diff": revisions.diff(older, newer) if older and newer else None,
            "can_restore": self.has_change_permission(request, obj),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/editorial/revisions.html", context)

    def _restore(self, request, obj, found):
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        revision = next((r for r in found if str(r.pk) == request.POST.get("restore")), None)
        if revision is None:
            messages.error(request, _("That revision does not exist."))
            return redirect(request.path)
        # Restoring brings back the words, never a publishing state the user may not set,
        # nor an old address that now redirects to another post (saving would end that).
        keep = [] if can_publish(request) else [*PUBLISHING_FIELDS]
        if redirect_away_from(revision.data.get("slug"), obj.slug):
            keep.append("slug")
            messages.warning(
                request,
                _("The slug stays %(slug)s: the revision’s is now an old address of another post.")
                % {"slug": obj.slug},
            )
        tags = revisions.restore(revision, obj, keep=keep)
        if tags is not None and not request.user.has_perm("essays.add_tag"):
            # Tags deleted since come back only for those who may create tags.
            if gone := missing_tags(tags):
                tags = [name for name in tags if name not in gone]
                messages.warning(
                    request,
                    _("Not restored, as they are no longer tags: %(names)s.")
                    % {"names": ", ".join(gone)},
                )
        obj.save()
        if tags is not None:
            obj.tags.set(Tag.objects.for_names(tags))
        messages.success(
            request,
            _("Restored the revision of %(when)s.")
            % {"when": date_format(timezone.localtime(revision.created), "j F Y, H:i")},
        )
        opts = obj._meta
        return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))


def _warn_of_the_gate(request, problems, once=False):
    """One warning listing what the publish gate finds in a post that stays published.
    ``once``: not when the page already shows it (a save that continues to the form)."""
    if not problems:
        return
    text = _("Live or scheduled, but the publish gate would refuse it now: %(problems)s") % {
        "problems": " ".join(str(problem) for problem in problems)
    }
    # Reading the messages marks them shown: only where this very page prints them.
    if once and text in (str(message) for message in messages.get_messages(request)):
        return
    messages.warning(request, text)


def _say_who_else_is_editing(request, pk):
    """Say "X is also editing this post" when another user autosaved it in the last minute."""
    if not str(pk).isdigit():
        return
    others = Autosave.objects.editing_now(int(pk), request.user)
    names = list(dict.fromkeys(name_of(row.user) for row in others))
    if names:
        messages.warning(
            request,
            _(
                "%(names)s %(verb)s also editing this post. Saves are checked: neither of "
                "you can overwrite the other without being told."
            )
            % {"names": " and ".join(names), "verb": _("is") if len(names) == 1 else _("are")},
        )
