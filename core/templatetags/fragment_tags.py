"""``{% shared_fragment "name" vary… %}…{% endshared_fragment %}``: a piece of a page that
every page shows alike, rendered once per generation in each process
(``core.fragments.cached_html``). The name and the ``vary`` values must say everything
the piece depends on."""

from django import template

from core import fragments

register = template.Library()


class SharedFragmentNode(template.Node):
    def __init__(self, nodelist, parts):
        self.nodelist, self.parts = nodelist, parts

    def render(self, context):
        request = context.get("request")
        if request is None:
            return self.nodelist.render(context)
        name = ":".join(str(part.resolve(context)) for part in self.parts)
        return fragments.cached_html(request, name, lambda: self.nodelist.render(context))


@register.tag("shared_fragment")
def shared_fragment(parser, token):
    parts = token.split_contents()[1:]
    if not parts:
        raise template.TemplateSyntaxError("shared_fragment needs a name.")
    nodelist = parser.parse(("endshared_fragment",))
    parser.delete_first_token()
    return SharedFragmentNode(nodelist, [parser.compile_filter(part) for part in parts])
