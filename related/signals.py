"""What schedules a refresh: saving or deleting any type of writing, changing a post's
tags, deleting a tag, and the author's pins and exclusions.

Fixtures (``raw`` saves) are skipped; run ``rebuild_related`` after loading them.
"""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from essays.models import Tag, Writing

from .models import RelatedChoice, RelatedLink
from .tasks import schedule


def post_saved(sender, instance, raw, using, **kwargs):
    if not raw:
        schedule([instance.pk], using)


def post_deleting(sender, instance, using, **kwargs):
    """The lists that hold a deleted post lose it: they need a replacement."""
    holders = RelatedLink.objects.using(using).filter(target=instance.pk)
    schedule([instance.pk, *holders.values_list("source", flat=True)], using)


def tags_changed(sender, instance, action, reverse, pk_set, using, **kwargs):
    if reverse and action == "pre_clear":
        # tag.writings.clear(): remember whose tags change, since pk_set is None.
        instance._related_cleared = list(instance.writings.values_list("pk", flat=True))
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        schedule([instance.pk], using)
    elif action == "post_clear":
        schedule(instance.__dict__.pop("_related_cleared", []), using)
    else:
        schedule(pk_set, using)


def tag_deleting(sender, instance, using, **kwargs):
    schedule(instance.writings.values_list("pk", flat=True), using)


def choice_changed(sender, instance, using, **kwargs):
    schedule([instance.source_id], using)


def connect():
    # post_save is sent for the class saved, never its parents: connect every type.
    for model in apps.get_models():
        if issubclass(model, Writing):
            label = model._meta.label
            post_save.connect(post_saved, sender=model, dispatch_uid=f"related:saved:{label}")
            pre_delete.connect(post_deleting, sender=model, dispatch_uid=f"related:del:{label}")
    m2m_changed.connect(tags_changed, sender=Writing.tags.through, dispatch_uid="related:tags")
    pre_delete.connect(tag_deleting, sender=Tag, dispatch_uid="related:tag-deleting")
    post_save.connect(choice_changed, sender=RelatedChoice, dispatch_uid="related:choice-saved")
    post_delete.connect(choice_changed, sender=RelatedChoice, dispatch_uid="related:choice-gone")
