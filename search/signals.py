"""Keeping the index in step with ``essays.signals.post_changed``.

A save writes the post's entry from the post as saved; a tag change re-reads the tag
names of the posts concerned. A batch of saves (``essays.signals.batched_changes``: a
save with no ``instance``) re-reads its posts and writes their entries in one upsert.
Deleting needs nothing: the entry goes with the post (``on_delete=CASCADE``). Nothing
is sent while fixtures load (``core.loading``); once they are in, the index is rebuilt
(``fixtures_loaded``).
"""

from core.loading import fixtures_loaded
from essays.models import Writing
from essays.signals import SAVED, TAGS, post_changed

from .index import index_posts, rebuild, refresh_tags


def keep_index(sender, change, pks, instance, created, using, **kwargs):
    if change == SAVED and instance is None:
        posts = Writing.objects.using(using).filter(pk__in=pks).with_specific()
        posts = posts.prefetch_related("tags")
        index_posts(
            [(post.specific, [tag.name for tag in post.tags.all()]) for post in posts], using
        )
    elif change == SAVED:
        # A new post has no tags yet: they can only be added once it has a primary key.
        tag_names = [] if created else [tag.name for tag in instance.tags.all()]
        index_posts([(instance, tag_names)], using=using)
    elif change == TAGS:
        refresh_tags(pks, using=using)


def rebuild_after_load(sender, using, **kwargs):
    rebuild(using)


def connect():
    post_changed.connect(keep_index, dispatch_uid="search:post-changed")
    fixtures_loaded.connect(rebuild_after_load, dispatch_uid="search:fixtures-loaded")
