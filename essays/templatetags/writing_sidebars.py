"""The sidebars that show writing: Featured writing and Recent writing.

Each is one query at most, made only where a template shows it, never in a template loop,
and kept in the fragment cache (``core/fragments.py``): the same on every page.
"""

from django import template
from django.utils.translation import gettext_lazy as _

from core import fragments

from ..models import Writing

register = template.Library()


@register.inclusion_tag("includes/sidebars/posts.html", takes_context=True)
def featured_writing(context):
    """Curated posts: the same few on every page."""
    request = context["request"]
    count = fragments.site_settings(request).featured_count
    posts = fragments.cached(
        request,
        f"featured:{count}",
        lambda: list(Writing.objects.published().filter(featured=True).newest()[:count]),
    )
    return {"name": "featured", "heading": _("Featured writing"), "posts": posts}


def _newest(request):
    """(how many Recent writing shows, the newest posts and one more): once a request."""
    if not hasattr(request, "_recent_writing"):
        count = fragments.site_settings(request).recent_count
        newest = fragments.cached(
            request,
            f"recent:{count}",
            lambda: list(Writing.objects.published().newest()[: count + 1]) if count else [],
        )
        request._recent_writing = count, newest
    return request._recent_writing


@register.simple_tag(takes_context=True)
def recent_variant(context, current=None):
    """What Recent writing depends on for this page: the page's post when it is among the
    newest (it leaves itself out), else nothing; for ``shared_fragment``."""
    _count, newest = _newest(context["request"])
    own = current.pk if isinstance(current, Writing) else None
    return own if own in {post.pk for post in newest} else "-"


@register.inclusion_tag("includes/sidebars/posts.html", takes_context=True)
def recent_writing(context, current=None):
    """The newest writing of every type, site-wide, leaving out the page's own post.

    One list serves every page: the newest ``count + 1``, from which a post's page leaves
    itself out.
    """
    count, newest = _newest(context["request"])
    own = current.pk if isinstance(current, Writing) else None
    posts = [post for post in newest if post.pk != own][:count]
    return {"name": "recent", "heading": _("Recent writing"), "posts": posts}
