from django import template
from django.utils.safestring import mark_safe

from images.markup import BODY_SIZES
from images.markup import picture as picture_markup

register = template.Library()


@register.simple_tag
def picture(file, renditions, alt, sizes=BODY_SIZES, css_class="", loading="lazy"):
    """``{% picture book.cover book.cover_renditions book.cover_alt_text sizes="14rem" %}``.

    Responsive markup for a stored file and its renditions; nothing when there is no file.
    Costs no query: the renditions are stored beside the file.
    """
    if not file:
        return ""
    markup = picture_markup(
        file.url, renditions or [], alt, sizes=sizes, css_class=css_class, loading=loading
    )
    return mark_safe(markup)  # built by a template that escaped every value
