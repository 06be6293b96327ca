from django import template
from django.utils.translation import gettext_lazy as _

from core.models import SiteSettings

from ..models import RelatedLink

register = template.Library()


@register.inclusion_tag("includes/sidebars/posts.html", takes_context=True)
def related_writing(context, post):
    """The related-content engine's suggestions for ``post``, pins first: one query.

    Only what readers may see: the stored links are read through
    ``Writing.objects.published()``. An analysis calls the section "Notes and related
    thinking", as the seed page does; other posts "Related writing".
    """
    count = SiteSettings.for_request(context["request"]).related_count
    analysis = getattr(post, "kind", "") == "articleanalysis"
    heading = _("Notes and related thinking") if analysis else _("Related writing")
    section = {"name": "related", "heading": heading, "posts": []}
    if getattr(post, "pk", None) and count:
        links = RelatedLink.objects.public_for(post)[:count]
        section["posts"] = [link.target for link in links]
    return section
