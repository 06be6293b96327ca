"""schema.org data for a book page."""

from core.meta import PageMeta, author, without_empty


def book_meta(book, site, request):
    image = request.build_absolute_uri(book.cover.url) if book.cover else ""
    data = {
        "@context": "https://schema.org",
        "@type": "Book",
        "name": book.title,
        "author": author(site),
        "url": request.build_absolute_uri(book.get_absolute_url()),
        "description": book.description or book.subtitle,
        "image": image,
    }
    return PageMeta(
        title=book.title,
        description=book.description or book.subtitle,
        og_type="book",
        image=image,
        structured=[without_empty(data)],
    )
