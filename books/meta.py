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
    meta = PageMeta(
        title=book.title,
        description=book.description or book.subtitle,
        og_type="book",
        image=image,
        image_alt=book.cover_alt or book.title,
        structured=[without_empty(data)],
    )
    if book.cover:
        try:  # the file's header: a storage read, no query
            meta.image_width, meta.image_height = book.cover.width, book.cover.height
        except (OSError, ValueError):
            pass
    return meta
