from django import template

from ..desk import desk as desk_lists

register = template.Library()

# The applications the admin lists, in this order first; the rest alphabetically after.
FIRST = ["essays", "books", "pages", "images", "core"]


@register.inclusion_tag("admin/editorial/desk.html", takes_context=True)
def writers_desk(context):
    return {"desk": desk_lists(context["request"].user), "request": context["request"]}


@register.simple_tag
def writing_first(app_list):
    """The admin's applications with Writing first (Django lists them alphabetically)."""
    order = {label: n for n, label in enumerate(FIRST)}
    return sorted(app_list, key=lambda app: order.get(app["app_label"], len(FIRST)))
