"""Keeping the index in step: every save of any type of writing, and every tag change.

Deleting a post needs no handler: its entry goes with it (``on_delete=CASCADE``).
Fixtures (``raw`` saves) are skipped; run ``rebuild_search_index`` after loading them.
"""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from essays.models import Tag, Writing

from .index import index_posts, refresh_tags


def index_post(sender, instance, created, raw, using, **kwargs):
    if raw:
        return
    # A new post has no tags yet: they can only be added once it has a primary key.
    tag_names = [] if created else [tag.name for tag in instance.tags.all()]
    index_posts([(instance, tag_names)], using=using)


def post_tags_changed(sender, instance, action, reverse, pk_set, using, **kwargs):
    if reverse and action == "pre_clear":
        # tag.writings.clear(): remember whose tags change, since pk_set is None.
        instance._search_cleared = list(instance.writings.values_list("pk", flat=True))
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        writing_ids = [instance.pk]
    elif action == "post_clear":
        writing_ids = instance.__dict__.pop("_search_cleared", [])
    else:
        writing_ids = pk_set
    refresh_tags(writing_ids, using=using)


def tag_saved(sender, instance, created, raw, using, **kwargs):
    """A renamed tag renames itself in every entry that carries it."""
    if not created and not raw:
        refresh_tags(instance.writings.values_list("pk", flat=True), using=using)


def tag_deleting(sender, instance, using, **kwargs):
    instance._search_deleted = list(instance.writings.values_list("pk", flat=True))


def tag_deleted(sender, instance, using, **kwargs):
    refresh_tags(instance.__dict__.pop("_search_deleted", []), using=using)


def connect():
    # post_save is sent for the class saved, never its parents: connect every type.
    for model in apps.get_models():
        if issubclass(model, Writing):
            post_save.connect(index_post, sender=model, dispatch_uid=f"search:{model._meta.label}")
    m2m_changed.connect(post_tags_changed, sender=Writing.tags.through, dispatch_uid="search:tags")
    post_save.connect(tag_saved, sender=Tag, dispatch_uid="search:tag-saved")
    pre_delete.connect(tag_deleting, sender=Tag, dispatch_uid="search:tag-deleting")
    post_delete.connect(tag_deleted, sender=Tag, dispatch_uid="search:tag-deleted")
