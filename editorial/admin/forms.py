"""The writing form as the editorial admin serves it: ``WritingForm`` plus two refusals
that depend on who saves and on what the site already holds.

- Tags: without ``essays.add_tag`` a writer chooses among existing tags; typing a new
  name is a form error, so nothing (post or tag) is saved.
- Stale saves: the form carries the ``updated`` time of the post it was opened on
  (``based_on``, hidden); a save when the post has been saved since is refused, saying
  who changed what, so that neither writer overwrites the other silently. The refused
  form then carries the current time: saving it again is a choice made knowingly.
  The check locks the post's row (``SELECT … FOR UPDATE``, in the admin's transaction):
  of two saves at the same moment on the same version, the second waits for the first
  to commit, then sees its new ``updated`` and is refused.
- Slugs: a post may not take an old address that redirects to another post, for saving
  would silently drop that redirect (``core.redirects.free_path``). Every role is
  refused; an editor may delete the redirect under *Site › Redirects* first.
"""

from datetime import timedelta

from django import forms
from django.db import router, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from core.models import Redirect
from core.validators import ROOT_VIEW_NAME
from essays.forms import WritingForm
from essays.models import Tag

from .. import revisions

# The hidden field that carries the version of the post a form was opened on.
BASED_ON = "based_on"
OWN_REVISION_WITHIN = timedelta(seconds=2)


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

    based_on = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields[BASED_ON].initial = self.instance.updated.isoformat()

    def clean(self):
        cleaned = super().clean()
        self._refuse_a_stale_save()
        return cleaned

    def _refuse_a_stale_save(self):
        """A form opened on an older version than the stored one is refused (a form
        posted without ``based_on``, by a script or a test, is not checked)."""
        posted = parse_datetime(self.data.get(self.add_prefix(BASED_ON)) or "")
        if posted is None or self.instance.pk is None:
            return
        stored = locked_updated(self.instance)
        if stored is None or posted == stored:
            return
        self.instance.updated = stored  # named in the refusal: the version that won
        self.add_error(None, stale_save_error(self.instance, posted))
        # Shown again with the stored version: a second save replaces it, knowingly.
        self.data = self.data.copy()
        self.data[self.add_prefix(BASED_ON)] = stored.isoformat()

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


def locked_updated(post):
    """The post's ``updated`` as stored now, its row locked until the transaction ends.

    The admin saves in ``transaction.atomic``: a second save that got here on the same
    version waits on the lock until the first commits, then reads the first's time.
    Outside a transaction (a form used on its own) there is nothing to hold a lock for,
    and PostgreSQL would refuse one: a plain read. None if the post is gone."""
    model = post._meta.get_field("updated").model  # Writing, the parent of each type
    using = router.db_for_write(model)
    found = model._base_manager.using(using).filter(pk=post.pk)
    if transaction.get_connection(using).in_atomic_block:
        found = found.select_for_update()
    return found.values_list("updated", flat=True).first()


def stale_save_error(post, based_on):
    """What was saved since ``based_on``, by whom: from the revisions kept since."""
    found = revisions.for_object(post).filter(created__gt=based_on).select_related("user")
    since = list(found.order_by("created", "pk"))
    # A save's revision is written as its transaction commits, just after its ``updated``:
    # the first one that close is the version the form was opened on, not a change since.
    # The post was saved after the form opened, so the newest revision is always such a
    # change: with a single one, it is that save (however soon it came).
    if len(since) > 1 and since[0].created - based_on < OWN_REVISION_WITHIN:
        since = since[1:]
    who = sorted({(r.user.get_full_name() or r.user.get_username()) for r in since if r.user})
    fields = []
    for revision in since:  # oldest first
        # A post's first revision says only "created": nothing to compare it with.
        fields += [name for name in revision.changed if name not in {*fields, "created"}]
    labels = []
    for name in fields:
        try:
            labels.append(str(post._meta.get_field(name).verbose_name))
        except Exception:  # a revision's own key (tags), not a model field
            labels.append(name)
    message = _(
        "Not saved: %(who)s saved this post at %(when)s, after you opened it "
        "(changed: %(fields)s). Your version is still here in the form, and theirs is "
        "kept: compare them under History in another tab. Save again to replace "
        "theirs with yours."
    )
    return forms.ValidationError(
        message,
        code="stale",
        params={
            "who": ", ".join(who) or _("someone else"),
            "when": date_format(timezone.localtime(post.updated), "j F Y, H:i:s"),
            "fields": ", ".join(labels) or _("see its History"),
        },
    )
