"""The writing form as the editorial admin serves it: ``WritingForm`` plus two refusals
that depend on who saves and on what the site already holds.

- Tags: without ``essays.add_tag`` a writer chooses among existing tags; typing a new
  name is a form error, so nothing (post or tag) is saved.
- Slugs: a post may not take an old address that redirects to another post, for saving
  would silently drop that redirect (``core.redirects.free_path``). Every role is
  refused; an editor may delete the redirect under *Site › Redirects* first.
"""

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from core.models import Redirect
from core.validators import ROOT_VIEW_NAME
from essays.forms import WritingForm
from essays.models import Tag


def missing_tags(names):
    """Those of ``names`` that no tag has yet, matched as ``Tag.objects.for_names`` does
    (by slug, else by name)."""
    if not names:
        return []
    wanted = {slugify(name): name for name in names}
    found = Tag.objects.filter(Q(slug__in=wanted) | Q(name__in=wanted.values()))
    known = {value for tag in found for value in (tag.slug, tag.name)}
    return [name for slug, name in wanted.items() if slug not in known and name not in known]


def redirect_away_from(slug, current_slug=None):
    """The redirect that saving a post at ``slug`` would delete, or None; ``current_slug``
    is the post's stored slug (None for a new post).

    Keeping its slug, a post takes nothing (no redirect leaves a live post's path); a
    redirect to the post's own address is its old address coming back (a rename undone):
    taking it is fine and drops the redirect, as it should. One query, or none.
    """
    if not slug or slug == current_slug:
        return None
    found = Redirect.objects.filter(old_path=reverse(ROOT_VIEW_NAME, kwargs={"slug": slug}))
    if current_slug:
        found = found.exclude(new_path=reverse(ROOT_VIEW_NAME, kwargs={"slug": current_slug}))
    return found.first()


def old_address_error(redirect, made_from_title=False):
    message = _(
        "%(old)s is an old address of another post: it redirects readers to %(new)s, and "
        "using it here would end that redirect. Choose another slug; an editor may delete "
        "the redirect under Site › Redirects first."
    )
    if made_from_title:
        message = _("The slug made from the title is taken.") + " " + message
    return forms.ValidationError(
        message, code="old_address", params={"old": redirect.old_path, "new": redirect.new_path}
    )


class EditorialWritingForm(WritingForm):
    """``WritingForm`` with the two refusals above; ``can_add_tags`` is set by the admin."""

    can_add_tags = False

    def clean_tags(self):
        names = self.cleaned_data.get("tags") or []
        if self.can_add_tags:
            return names
        if missing := missing_tags(names):
            raise forms.ValidationError(
                _(
                    "You may choose existing tags only; an editor creates new ones. "
                    "Not a tag yet: %(names)s."
                ),
                code="no_add_tag",
                params={"names": ", ".join(missing)},
            )
        return names

    def _post_clean(self):
        super()._post_clean()
        if "slug" in self.errors or "slug" not in self.fields:
            return
        instance = self.instance
        slug, made = instance.slug, False
        if not slug:
            # What Writing.save will make of the title; it adds -2, -3... only for clashes
            # with content, not with redirects.
            title = instance.title or instance.default_title()
            slug, made = slugify(title)[:190] or instance._meta.model_name, True
        current = self.initial.get("slug") if instance.pk is not None else None
        if redirect := redirect_away_from(slug, current):
            self.add_error("slug", old_address_error(redirect, made_from_title=made))
