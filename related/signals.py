"""What schedules a refresh: any change to a post (``essays.signals.post_changed``: a
save, a deletion, its tags), and the author's pins and exclusions.

Nothing is scheduled while fixtures load (``core.loading``); once they are in, every
list is rebuilt (``fixtures_loaded``).
"""

from django.db.models.signals import post_delete, post_save

from core.loading import fixtures_loaded, is_loading
from essays.signals import DELETING, post_changed

from .models import RelatedChoice, RelatedLink
from .tasks import schedule


def refresh_lists(sender, change, pks, using, **kwargs):
    if change == DELETING:
        # Sent before the cascade: the lists that hold the post can still be read, and
        # losing it they need a replacement.
        holders = RelatedLink.objects.using(using).filter(target__in=pks)
        pks = [*pks, *holders.values_list("source", flat=True)]
    schedule(pks, using)


def choice_changed(sender, instance, using, **kwargs):
    if not is_loading():
        schedule([instance.source_id], using)


def rebuild_after_load(sender, using, **kwargs):
    from . import store  # the engine's libraries load only when lists are made

    store.rebuild()


def connect():
    post_changed.connect(refresh_lists, dispatch_uid="related:post-changed")
    post_save.connect(choice_changed, sender=RelatedChoice, dispatch_uid="related:choice-saved")
    post_delete.connect(choice_changed, sender=RelatedChoice, dispatch_uid="related:choice-gone")
    fixtures_loaded.connect(rebuild_after_load, dispatch_uid="related:fixtures-loaded")
