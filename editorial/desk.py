"""The writer's desk on the admin home: what is drafted, scheduled, just out, and what
needs attention (posts the publish gate would refuse, images without alt text), and the
latest notes editors left on posts."""

from essays.models import Writing
from images.models import Image

from .models import EditorNote

SHOWN = 8


def _gate_problems(post):
    """``publish_problems()`` read from the stored HTML: no Markdown rendered again for
    each live post (``Writing._markdown_html`` keeps what it rendered per text)."""
    kept = post.__dict__.setdefault("_markdown_kept", {})
    for source, html in post.markdown_fields():
        kept.setdefault(source, (getattr(post, source), getattr(post, html)))
    return post.publish_problems()


def desk(user):
    """The desk's lists, for ``user`` (a contributor sees their own posts only)."""
    if not user.has_perm("essays.view_writing"):
        return None
    posts = Writing.objects.all()
    can_publish = user.has_perm("essays.publish_writing")
    if not can_publish:
        posts = posts.filter(author=user)
    live_or_coming = posts.published() | posts.scheduled()
    attention = []
    for post in live_or_coming.with_specific().order_by("publish_at"):
        post = post.specific
        if problems := _gate_problems(post):
            attention.append((post, problems))
    images = []
    if user.has_perm("images.view_image"):
        images = Image.objects.filter(alt__regex=r"^\s*$", decorative=False)
        if not can_publish:
            images = images.none()
        images = list(images[: SHOWN + 1])
    notes = []
    if user.has_perm("editorial.view_editornote"):
        notes = EditorNote.objects.filter(writing__in=posts).select_related("writing", "created_by")
        notes = list(notes.order_by("-created", "-pk")[:SHOWN])
    return {
        "notes": notes,
        "drafts": list(posts.drafts().order_by("-updated")[:SHOWN]),
        "drafts_count": posts.drafts().count(),
        "scheduled": list(posts.scheduled().order_by("publish_at")[:SHOWN]),
        "scheduled_count": posts.scheduled().count(),
        "recent": list(posts.published().newest()[:5]),
        "attention": attention[:SHOWN],
        "attention_count": len(attention),
        "images": images[:SHOWN],
        "more_images": len(images) > SHOWN,
        "can_publish": can_publish,
    }
