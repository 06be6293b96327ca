"""One signal, ``post_changed``: a post, or its tags, changed.

The apps that keep something in step with posts (search's index, related's lists,
editorial's revisions) listen to this alone, instead of each hooking Django's model
signals on every type of writing and on tags, and each working out whose tags a
``tag.writings.clear()`` or a tag's deletion touched. Essays sends it and imports none
of them. Sent with ``sender=Writing`` and:

- ``change``: ``SAVED`` (any row of any type, the base row included), ``DELETING``
  (sent at pre_delete, once per post: the post, and whatever points at it, such as the
  lists that hold it, can still be read; the cascade follows in the same transaction),
  or ``TAGS`` (tags added, removed or cleared from either side, a tag renamed or
  deleted; sent once the change is made).
- ``pks``: the Writing pks concerned, a non-empty list.
- ``instance``: the post the change came through: the row saved (of its own type, or
  the base row), the base row deleted, the post whose ``post.tags`` changed; None when
  it came through a tag (``tag.writings``, a tag renamed or deleted) or a batch.
- ``created``: for ``SAVED``, whether the row is new (a new post has no tags yet).
- ``using``: the database alias.

Nothing is sent while fixtures load (``core.loading``: ``loaddata``, ``restore``); the
apps that follow posts rebuild on ``fixtures_loaded`` instead.

Inside ``batched_changes()`` (an import saving hundreds of posts), saves and tag changes
are not sent one by one: on leaving it, one ``SAVED`` names every post still there, with
no ``instance``, and the receivers read the posts, tags included, from the database. A
``DELETING`` is sent at once, as ever.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import Signal

from core.loading import is_loading

from .models import Tag, Writing

SAVED, DELETING, TAGS = "saved", "deleting", "tags"

post_changed = Signal()

# The pks saved, or whose tags changed, inside ``batched_changes()``; None outside it.
_batch = ContextVar("post_changed_batch", default=None)


@contextmanager
def batched_changes(using="default"):
    """Send one ``SAVED`` for everything saved inside, on leaving without an error."""
    pks = set()
    token = _batch.set(pks)
    try:
        yield
    finally:
        _batch.reset(token)
    # Posts whose save was rolled back (a failed savepoint) are not there to name.
    _send(
        SAVED, Writing.objects.using(using).filter(pk__in=pks).values_list("pk", flat=True), using
    )


def _send(change, pks, using, instance=None, created=False):
    if is_loading():  # the apps that follow posts rebuild once the load is done
        return
    batch = _batch.get()
    if batch is not None and change in (SAVED, TAGS):
        batch.update(pks)
        return
    pks = sorted(pks)
    if pks:
        post_changed.send(
            sender=Writing, change=change, pks=pks, using=using, instance=instance, created=created
        )


def writing_saved(sender, instance, created, raw, using, **kwargs):
    if not raw:
        _send(SAVED, [instance.pk], using, instance, created)


def writing_deleting(sender, instance, using, **kwargs):
    _send(DELETING, [instance.pk], using, instance)


def tags_changed(sender, instance, action, reverse, pk_set, using, **kwargs):
    if reverse and action == "pre_clear":
        # tag.writings.clear() gives no pks: note whose tags change while they can be read.
        instance._cleared_writings = list(
            instance.writings.using(using).values_list("pk", flat=True)
        )
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        # add() of tags the post already has sends an empty pk_set: nothing changed.
        if pk_set is None or pk_set:
            _send(TAGS, [instance.pk], using, instance)
    elif action == "post_clear":
        _send(TAGS, instance.__dict__.pop("_cleared_writings", []), using)
    else:
        _send(TAGS, pk_set, using)


def tag_saved(sender, instance, created, raw, using, **kwargs):
    """A renamed tag changes the tags of every post that carries it (a new one: of none)."""
    if not created and not raw and instance.renamed():
        _send(TAGS, instance.writings.using(using).values_list("pk", flat=True), using)


def tag_deleting(sender, instance, using, **kwargs):
    instance._deleted_writings = list(instance.writings.using(using).values_list("pk", flat=True))


def tag_deleted(sender, instance, using, **kwargs):
    _send(TAGS, instance.__dict__.pop("_deleted_writings", []), using)


def connect():
    # Model signals name the class saved or deleted, never its parents: connect every type.
    for model in apps.get_models():
        if issubclass(model, Writing):
            label = model._meta.label
            post_save.connect(writing_saved, sender=model, dispatch_uid=f"essays:saved:{label}")
    # Deleting a post, whichever class is asked (its type, the base, a proxy), deletes
    # its base row too: Django's collector adds it. pre_delete for Writing: once a post.
    pre_delete.connect(writing_deleting, sender=Writing, dispatch_uid="essays:deleting")
    m2m_changed.connect(tags_changed, sender=Writing.tags.through, dispatch_uid="essays:tags")
    post_save.connect(tag_saved, sender=Tag, dispatch_uid="essays:tag-saved")
    pre_delete.connect(tag_deleting, sender=Tag, dispatch_uid="essays:tag-deleting")
    post_delete.connect(tag_deleted, sender=Tag, dispatch_uid="essays:tag-deleted")
