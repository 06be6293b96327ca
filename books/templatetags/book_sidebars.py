from django import template

from core.models import SiteSettings

from ..models import Book

register = template.Library()


@register.inclusion_tag("includes/sidebars/books.html", takes_context=True)
def books_sidebar(context, with_subtitles=False):
    """The Books sidebar, in the author's display order: one query.

    ``with_subtitles``: the writing hub shows each book's subtitle, the sidebar its
    description.
    """
    count = SiteSettings.for_request(context["request"]).books_count
    books = list(Book.objects.published().in_display_order()[:count]) if count else []
    return {"books": books, "with_subtitles": with_subtitles}
