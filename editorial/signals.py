"""Keep a revision of every save of a post, once its tags are saved too.

What an editor does to a post (a save, its own tags: ``post.tags``) is noted through
``essays.signals.post_changed``; a tag renamed or deleted elsewhere is not a revision of
every post that carries it. Revisions are written when the transaction commits, once per
post: a post and its tags, saved one after the other in the admin's transaction, make
one revision (and ``record`` skips a state identical to the last one).

An import forced over a post edited since its last import (``transfer.signals.overwriting``)
keeps the post's state first, at once, for it is about to be overwritten.
"""

from django.db import transaction
from django.dispatch import receiver

from essays.models import Writing
from essays.signals import SAVED, TAGS, post_changed
from transfer.signals import overwriting

from . import revisions
from .current import current_user


class PendingRevisions:
    """The posts changed in one transaction, each with who changed it last.

    Registered with ``on_commit`` at every change, so that whatever runs the callbacks
    registered since some point (a test's capture) runs it; the first call records them
    all, the others find it done.
    """

    def __init__(self, using):
        self.using, self.users, self.done = using, {}, False

    def __call__(self):
        if self.done:
            return
        self.done = True
        # Read back as stored, so that a snapshot compares with the last one as stored.
        posts = Writing.objects.using(self.using).filter(pk__in=self.users)
        posts = posts.with_specific().prefetch_related("tags")
        # All in one go (an import's batch holds hundreds of posts), after the commit.
        revisions.record_many([(post.specific, self.users[post.pk]) for post in posts])


def _pending(using):
    """This transaction's PendingRevisions: a new one once the last ran or was dropped.

    Pks must not ride along to another transaction (a rolled-back one's would be
    recorded there, with the wrong user), so a batch belongs to the transaction whose
    commit queue holds it; Django drops the callbacks of a rollback from that queue.
    """
    connection = transaction.get_connection(using)
    pending = connection.__dict__.get("editorial_pending")
    if (
        pending is None
        or pending.done
        # From the end: its latest callback is usually among the last queued.
        or not any(func is pending for _s, func, _r in reversed(connection.run_on_commit))
    ):
        pending = connection.__dict__["editorial_pending"] = PendingRevisions(using)
    return pending


@receiver(post_changed, dispatch_uid="editorial:post-changed")
def on_post_changed(sender, change, pks, instance, using, **kwargs):
    if change == SAVED or (change == TAGS and instance is not None):
        pending = _pending(using)
        pending.users.update(dict.fromkeys(pks, current_user.get()))
        # Outside a transaction this records at once.
        transaction.on_commit(pending, using=using)


@receiver(overwriting, dispatch_uid="editorial:import-overwriting")
def keep_before_import(sender, instance, **kwargs):
    revisions.record(instance, user=current_user.get(), note="Before a forced import")
