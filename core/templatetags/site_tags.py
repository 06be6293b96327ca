from dataclasses import replace

from django import template

from core import meta, safe_urls

register = template.Library()


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """The full URL of a path on this site, for canonical links, feeds and cards."""
    return context["request"].build_absolute_uri(path)


@register.filter
def safe_url(value):
    """The URL when it is http(s), else "": a stored value is checked again where it is
    printed (``core.safe_urls``)."""
    return safe_urls.safe_url(value)


@register.filter
def safe_link(value):
    """As ``safe_url``, allowing ``mailto:`` too (the newsletter link)."""
    return safe_urls.safe_url(value, (*safe_urls.WEB, "mailto"))


@register.simple_tag(takes_context=True)
def site_card(context):
    """The site's own card, for a page with no picture of its own (a file check, no query)."""
    card = meta.site_card(context["site"])
    return replace(card, url=context["request"].build_absolute_uri(card.url))
