"""Keep a revision of every save of a post, once its tags are saved too.

The revision is written when the transaction commits: a post and its tags, saved one
after the other in the admin's transaction, make one revision (``record`` skips a
state identical to the last one).
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from essays.models import Writing

from . import revisions
from .current import current_user


def _schedule(instance):
    model, pk, user = type(instance.specific), instance.pk, current_user.get()

    def write():
        fresh = model.objects.filter(pk=pk).first()
        if fresh is not None:
            revisions.record(fresh, user=user)

    transaction.on_commit(write)


@receiver(post_save)
def on_save(sender, instance, raw=False, **kwargs):
    # Child types only: saving an Essay also sends post_save for nothing else.
    if not raw and isinstance(instance, Writing) and type(instance) is not Writing:
        _schedule(instance)


@receiver(m2m_changed, sender=Writing.tags.through)
def on_tags(sender, instance, action, reverse=False, **kwargs):
    if action.startswith("post_") and not reverse:
        _schedule(instance)
