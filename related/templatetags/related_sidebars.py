from django import template

from core.models import SiteSettings

from ..models import RelatedLink

register = template.Library()


@register.inclusion_tag("includes/sidebars/related.html", takes_context=True)
def related_writing(context, post):
    """The related-content engine's suggestions for ``post``, pins first: one query.

    Only what readers may see: the stored links are read through
    ``Writing.objects.published()``. An analysis calls the section "Notes and related
    thinking", as the seed page does; other posts "Related writing".
    """
    count = SiteSettings.for_request(context["request"]).related_count
    if post is None or not getattr(post, "pk", None) or not count:
        return {"posts": []}
    links = RelatedLink.objects.public_for(post)[:count]
    return {"posts": [link.target for link in links], "current": post}
