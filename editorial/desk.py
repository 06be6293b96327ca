"""The writer's desk on the admin home: what is drafted, scheduled, just out, and what
needs attention (posts the publish gate would refuse, images without alt text, the last
import's warnings, share links about to end, go-lives whose side effects failed or are
late, what the podcast feed lacks), and the latest notes editors left on posts.

Each list is one query (or, for images, one per model with Markdown fields), whatever
the number of posts, links or warnings: tests/test_desk_attention.py pins the count."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import SiteSettings
from essays.models import Writing
from golive.models import GoLive
from images.models import Image
from images.usage import needing_alt
from transfer.models import ImportRun

from .models import EditorNote, PreviewLink

SHOWN = 8
# Share links ending this soon are listed, so that they are extended before a reviewer
# opens a dead one.
EXPIRING = timedelta(hours=48)
# Images without library alt text read to decide which some reader gets no alt for: the
# newest this many (``needing_alt`` reads every post that names one of them at once).
ALT_CANDIDATES = 100


def _gate_problems(post):
    """``publish_problems()`` read from the stored HTML: no Markdown rendered again for
    each live post (``Writing._markdown_html`` keeps what it rendered per text)."""
    kept = post.__dict__.setdefault("_markdown_kept", {})
    for source, html in post.markdown_fields():
        kept.setdefault(source, (getattr(post, source), getattr(post, html)))
    return post.publish_problems()


def _images_without_alt():
    """(images some reader gets no alt text for, whether there are more), by the image
    library's own rule (``images.usage``): an image with library alt, or decorative,
    never needs it, so only the others are read."""
    blank = Image.objects.filter(alt__regex=r"^\s*$", decorative=False)
    candidates = list(blank.order_by("-uploaded", "-pk")[: ALT_CANDIDATES + 1])
    missing = needing_alt(candidates[:ALT_CANDIDATES])
    return missing[:SHOWN], len(missing) > SHOWN or len(candidates) > ALT_CANDIDATES


def _import_warnings():
    """The newest import's warnings, unless the author has marked them seen."""
    run = ImportRun.objects.newest()
    if run is None or run.seen_at or not run.warnings:
        return None
    count = len(run.warnings)
    return {
        "run": run,
        "shown": run.warnings[:SHOWN],
        "count": count,
        "more": max(count - SHOWN, 0),
    }


def _expiring_links(posts):
    """Live share links of ``posts`` that end within ``EXPIRING``, soonest first."""
    soon = PreviewLink.objects.live().filter(
        writing__in=posts, expires_at__lte=timezone.now() + EXPIRING
    )
    return list(soon.select_related("writing").order_by("expires_at", "pk")[: SHOWN + 1])


def _go_lives(posts, deleted):
    """Go-lives of ``posts`` (and, if ``deleted``, of deleted posts) whose side effects
    failed or are overdue, each with the first line of its last error."""
    whose = Q(writing__in=posts) | Q(writing__isnull=True) if deleted else Q(writing__in=posts)
    found = list(GoLive.objects.needing_attention().filter(whose)[: SHOWN + 1])
    for go_live in found:
        go_live.error_line = next(iter(go_live.last_error.strip().splitlines()), "")
        go_live.overdue = go_live.state == GoLive.State.PENDING
    return found


def _podcast_problems(posts):
    """What the podcast feed lacks that Apple Podcasts requires, once it has an episode."""
    if not posts.published().exclude(audio_url="").exists():
        return []
    site = SiteSettings.load()
    problems = []
    if not site.podcast_artwork:
        problems.append(_("The podcast has no artwork (square, 1400 to 3000 pixels)."))
    if not site.podcast_owner_email:
        problems.append(_("The podcast has no owner's email."))
    return problems


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
    images, more_images = [], False
    # Images record no uploader: the library's whole list is for those who publish.
    if can_publish and user.has_perm("images.view_image"):
        images, more_images = _images_without_alt()
    imports = None
    if can_publish and user.has_perm("transfer.view_importrun"):  # every author's files
        imports = _import_warnings()
    links = _expiring_links(posts) if user.has_perm("editorial.view_previewlink") else []
    # Records of deleted posts name no author: for those who publish, as the images.
    go_lives = _go_lives(posts, can_publish) if user.has_perm("golive.view_golive") else []
    podcast = []
    if can_publish and user.has_perm("core.view_sitesettings"):
        podcast = _podcast_problems(posts)
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
        "images": images,
        "more_images": more_images,
        "imports": imports,
        "can_dismiss_imports": user.has_perm("transfer.change_importrun"),
        "links": links[:SHOWN],
        "more_links": len(links) > SHOWN,
        "go_lives": go_lives[:SHOWN],
        "more_go_lives": len(go_lives) > SHOWN,
        "podcast": podcast,
        "needs_attention": bool(attention or images or imports or links or go_lives or podcast),
        "can_publish": can_publish,
    }
