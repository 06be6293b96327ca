from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """The full URL of a path on this site, for canonical links, feeds and cards."""
    return context["request"].build_absolute_uri(path)
