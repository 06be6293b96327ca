"""Bulk actions on writing lists: publish, unpublish, schedule, tag, feature.

Each post is saved one by one as its own type, as its form would save it: its HTML,
revision, redirects and caches follow. Publishing and scheduling go through the publish
gate (a post it refuses is left as it was, and named); only those who may publish
(``essays.publish_writing``) get these actions.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import models, transaction
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from core.publishing import Status
from essays.models import Tag

from .. import retitle
from ..calendar import RescheduleForm


def _posts(queryset):
    """The chosen posts as their own types (one query for every type)."""
    model = queryset.model
    if model._meta.model_name == "writing":
        return [post.specific for post in queryset.with_specific()]
    return list(queryset)


def _titles(posts):
    return ", ".join(f"“{post}”" for post in posts)


def _report(request, done, verb, refused=()):
    if done:
        messages.success(
            request,
            _("%(verb)s %(count)d: %(titles)s.")
            % {"verb": verb, "count": len(done), "titles": _titles(done)},
        )
    for post, problems in refused:
        messages.error(
            request,
            _("“%(title)s” was left as it was: %(problems)s")
            % {"title": post, "problems": " ".join(str(p) for p in problems)},
        )
    if not done and not refused:
        messages.info(request, _("Nothing to change."))


def _publish(posts, publish_at):
    """Publish (or schedule) each post the gate accepts; (done, refused)."""
    done, refused = [], []
    with transaction.atomic():
        for post in posts:
            old_status, old_publish_at = post.status, post.publish_at
            post.status, post.publish_at = Status.PUBLISHED, publish_at
            if problems := post.publish_problems():
                post.status, post.publish_at = old_status, old_publish_at
                refused.append((post, problems))
                continue
            retitle.follow_new_date(post, old_publish_at)
            post.save()
            done.append(post)
    return done, refused


@admin.action(description=_("Publish now"), permissions=["publish"])
def publish_now(modeladmin, request, queryset):
    posts = [post for post in _posts(queryset) if post.state in ("draft", "scheduled")]
    done, refused = _publish(posts, timezone.now())
    _report(request, done, _("Published"), refused)


@admin.action(description=_("Unpublish (back to draft)"), permissions=["publish"])
def unpublish(modeladmin, request, queryset):
    done = []
    with transaction.atomic():
        for post in _posts(queryset):
            if post.status != Status.DRAFT:
                post.status = Status.DRAFT
                post.save()
                done.append(post)
    _report(request, done, _("Back to draft"))


def _feature(request, queryset, featured):
    done = []
    with transaction.atomic():
        for post in _posts(queryset):
            if post.featured != featured:
                post.featured = featured
                post.save()
                done.append(post)
    _report(request, done, _("Featured") if featured else _("No longer featured"))


@admin.action(description=_("Feature"), permissions=["publish"])
def feature(modeladmin, request, queryset):
    _feature(request, queryset, True)


@admin.action(description=_("Unfeature"), permissions=["publish"])
def unfeature(modeladmin, request, queryset):
    _feature(request, queryset, False)


def _ask(modeladmin, request, queryset, form, action, title, intro):
    """The page between choosing an action and applying it: the form, the posts."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "opts": modeladmin.opts,
        "form": form,
        "media": modeladmin.media + form.media,
        "posts": list(queryset),
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "select_across": request.POST.get("select_across", "0"),
    }
    return TemplateResponse(request, "admin/editorial/bulk_form.html", context)


@admin.action(description=_("Schedule at a time…"), permissions=["publish"])
def schedule(modeladmin, request, queryset):
    form = RescheduleForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        done, refused = _publish(_posts(queryset), form.cleaned_data["publish_at"])
        _report(request, done, _("Scheduled"), refused)
        return None
    intro = _("Each post goes live by itself at this time (the publish gate permitting).")
    return _ask(modeladmin, request, queryset, form, "schedule", _("Schedule posts"), intro)


class TagChoiceForm(forms.Form):
    tag = forms.CharField(label=_("tag"), max_length=100)

    def __init__(self, *args, may_create=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.may_create = may_create

    def clean_tag(self):
        name = self.cleaned_data["tag"].strip().lower()
        if not slugify(name):
            raise forms.ValidationError(_("Use letters or numbers."))
        found = (
            Tag.objects.filter(slug=slugify(name)).first() or Tag.objects.filter(name=name).first()
        )
        if found is None and not self.may_create:
            raise forms.ValidationError(_("Not a tag yet; an editor creates new ones."))
        return found or Tag.objects.for_names([name])[0]


def _tagging(modeladmin, request, queryset, adding):
    may_create = adding and request.user.has_perm("essays.add_tag")
    data = request.POST if "apply" in request.POST else None
    form = TagChoiceForm(data, may_create=may_create)
    if form.is_valid():
        tag, done = form.cleaned_data["tag"], []
        with transaction.atomic():
            for post in _posts(queryset.prefetch_related("tags")):
                has = any(existing.pk == tag.pk for existing in post.tags.all())
                if adding and not has:
                    post.tags.add(tag)
                elif not adding and has:
                    post.tags.remove(tag)
                else:
                    continue
                # Its time of last change moves too: a form opened on the post before
                # this must not save its old tags over it unawares (the conflict check).
                post.save(update_fields=["updated"])
                done.append(post)
        verb = _("Tagged “%(tag)s”") if adding else _("Untagged “%(tag)s”")
        _report(request, done, verb % {"tag": tag.name})
        return None
    action = "add_tag" if adding else "remove_tag"
    title = _("Add a tag") if adding else _("Remove a tag")
    return _ask(modeladmin, request, queryset, form, action, title, "")


@admin.action(description=_("Add a tag…"), permissions=["publish"])
def add_tag(modeladmin, request, queryset):
    return _tagging(modeladmin, request, queryset, adding=True)


@admin.action(description=_("Remove a tag…"), permissions=["publish"])
def remove_tag(modeladmin, request, queryset):
    return _tagging(modeladmin, request, queryset, adding=False)


ACTIONS = [publish_now, unpublish, schedule, add_tag, remove_tag, feature, unfeature]


class TopTagsFilter(admin.SimpleListFilter):
    """The most used tags only (and the one chosen): 640 posts carry hundreds of tags.
    Any other tag: type ``?tag=<slug>``, or search for it."""

    title = _("tag")
    parameter_name = "tag"
    shown = 12

    def lookups(self, request, model_admin):
        top = Tag.objects.annotate(n=models.Count("writings")).order_by("-n", "name")
        choices = [(tag.slug, f"{tag.name} ({tag.n})") for tag in top[: self.shown]]
        value = self.value()
        if value and value not in {slug for slug, _label in choices}:
            chosen = Tag.objects.filter(slug=value).first()
            if chosen is not None:
                choices.append((chosen.slug, chosen.name))
        return choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(tags__slug=self.value())
        return queryset
