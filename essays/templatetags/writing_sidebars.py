"""The sidebars that show writing: Featured writing and Recent writing.

Each is one query, made only where a template shows it, never in a template loop.
"""

from django import template
from django.utils.translation import gettext_lazy as _

from core.models import SiteSettings

from ..models import Writing

register = template.Library()


@register.inclusion_tag("includes/sidebars/posts.html", takes_context=True)
def featured_writing(context):
    """Curated posts: the same few on every page."""
    count = SiteSettings.for_request(context["request"]).featured_count
    posts = Writing.objects.published().filter(featured=True).newest()
    posts = list(posts[:count]) if count else []
    return {"name": "featured", "heading": _("Featured writing"), "posts": posts}


@register.inclusion_tag("includes/sidebars/posts.html", takes_context=True)
def recent_writing(context, current=None):
    """The newest writing of every type, site-wide, leaving out the page's own post."""
    count = SiteSettings.for_request(context["request"]).recent_count
    section = {"name": "recent", "heading": _("Recent writing"), "posts": []}
    if count:
        posts = Writing.objects.published()
        if isinstance(current, Writing):
            posts = posts.exclude(pk=current.pk)
        section["posts"] = list(posts.newest()[:count])
    return section
