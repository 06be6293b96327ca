"""What schedules a refresh: any change to a post (``essays.signals.post_changed``: a
save, a deletion, its tags), and the author's pins and exclusions.

Fixtures send nothing; run ``rebuild_related`` after loading them.
"""

from django.db.models.signals import post_delete, post_save

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
    schedule([instance.source_id], using)


def connect():
    post_changed.connect(refresh_lists, dispatch_uid="related:post-changed")
    post_save.connect(choice_changed, sender=RelatedChoice, dispatch_uid="related:choice-saved")
    post_delete.connect(choice_changed, sender=RelatedChoice, dispatch_uid="related:choice-gone")
