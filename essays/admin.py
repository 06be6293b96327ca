"""Tags: rename (the old tag page redirects) and merge. The writing types' admin is in
``editorial.admin.writing``: it adds the roles, share links, revisions and related-content
suggestions, which live above this app."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import models, transaction
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.redirects import add_redirect

from .models import Tag


def keep_tag_address(old_slug, new_slug):
    """The old tag page (and its feed) answer with a redirect to the new one."""
    if old_slug and old_slug != new_slug:
        add_redirect(Tag(slug=old_slug).get_absolute_url(), Tag(slug=new_slug).get_absolute_url())
        feed = [reverse("feeds:tag", kwargs={"tag": slug}) for slug in (old_slug, new_slug)]
        add_redirect(*feed)


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        Tag.objects.all(),
        label=_("merge into"),
        help_text=_("Every post of the other tags gets this one; their pages redirect here."),
    )

    def __init__(self, *args, selected=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.selected = {tag.pk for tag in selected}

    def clean_into(self):
        into = self.cleaned_data["into"]
        if not self.selected - {into.pk}:
            raise forms.ValidationError(
                _("Choose a tag other than the one to merge: a tag cannot merge into itself.")
            )
        return into


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "post_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(post_count=models.Count("writings"))

    @admin.display(description=_("posts"), ordering="post_count")
    def post_count(self, obj):
        return obj.post_count

    def save_model(self, request, obj, form, change):
        old_slug = form.initial.get("slug") if change else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            keep_tag_address(old_slug, obj.slug)

    @admin.action(description=_("Merge into another tag…"), permissions=["change", "delete"])
    def merge(self, request, queryset):
        form = MergeForm(request.POST if "apply" in request.POST else None, selected=queryset)
        if form.is_valid():
            into = form.cleaned_data["into"]
            merged = [tag for tag in queryset if tag.pk != into.pk]
            with transaction.atomic():
                for tag in merged:
                    posts = list(tag.writings.all())
                    into.writings.add(*posts)
                    old_slug = tag.slug
                    tag.delete()
                    keep_tag_address(old_slug, into.slug)
            messages.success(
                request,
                _("Merged %(tags)s into “%(into)s”; their pages redirect to its page.")
                % {"tags": ", ".join(f"“{tag.name}”" for tag in merged), "into": into},
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge tags"),
            "intro": _("The posts of these tags get the tag chosen below; these tags go."),
            "opts": self.opts,
            "form": form,
            "media": self.media,
            "posts": list(queryset),
            "action": "merge",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "admin/editorial/bulk_form.html", context)
