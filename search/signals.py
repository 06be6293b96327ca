"""Keeping the index in step with ``essays.signals.post_changed``.

A save writes the post's entry from the post as saved; a tag change re-reads the tag
names of the posts concerned. A batch of saves (``essays.signals.batched_changes``: a
save with no ``instance``) re-reads its posts and writes their entries in one upsert.
Deleting needs nothing: the entry goes with the post (``on_delete=CASCADE``). Nothing
is sent while fixtures load (``core.loading``); once they are in, the index is rebuilt
(``fixtures_loaded``). Batches and tag changes are left to a worker when one runs the
task queue (``search/tasks.py``).
"""

from core.loading import fixtures_loaded
from essays.models import Writing
from essays.signals import SAVED, TAGS, post_changed

from .index import index_posts, rebuild, refresh_tags
from .tasks import index_writings, later, refresh_writing_tags


def posts_with_tags(pks, using):
    """(post, tag names) for each of these posts, in two queries plus one per type."""
    posts = Writing.objects.using(using).filter(pk__in=pks).with_specific()
    posts = posts.prefetch_related("tags")
    return [(post.specific, [tag.name for tag in post.tags.all()]) for post in posts]


def keep_index(sender, change, pks, instance, created, using, **kwargs):
    if change == SAVED and instance is None:
        if not later(index_writings, pks, using):
            index_posts(posts_with_tags(pks, using), using)
    elif change == SAVED:
        # A new post has no tags yet: they can only be added once it has a primary key.
        tag_names = [] if created else [tag.name for tag in instance.tags.all()]
        index_posts([(instance, tag_names)], using=using)
    elif change == TAGS:
        if not later(refresh_writing_tags, pks, using):
            refresh_tags(pks, using=using)


def rebuild_after_load(sender, using, **kwargs):
    rebuild(using)


def connect():
    post_changed.connect(keep_index, dispatch_uid="search:post-changed")
    fixtures_loaded.connect(rebuild_after_load, dispatch_uid="search:fixtures-loaded")
