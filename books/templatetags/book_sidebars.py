from django import template

from core import fragments

from ..models import Book

register = template.Library()


@register.inclusion_tag("includes/sidebars/books.html", takes_context=True)
def books_sidebar(context, with_subtitles=False):
    """The Books sidebar, in the author's display order: one query at most, kept in the
    fragment cache (``core/fragments.py``).

    ``with_subtitles``: the writing hub shows each book's subtitle, the sidebar its
    description.
    """
    request = context["request"]
    count = fragments.site_settings(request).books_count
    books = fragments.cached(
        request,
        f"books:{count}",
        lambda: list(Book.objects.published().in_display_order()[:count]) if count else [],
    )
    return {"books": books, "with_subtitles": with_subtitles}
