"""Responsive markup for a stored image: <picture> with WebP sources and an <img> fallback."""

from django.core.files.storage import default_storage
from django.template.loader import render_to_string

# The reading column: 42rem less the page's padding, or the screen less that padding.
BODY_SIZES = "(min-width: 42rem) 39.5rem, calc(100vw - 2.5rem)"


def srcset(renditions):
    return ", ".join(f"{default_storage.url(r['name'])} {r['width']}w" for r in renditions)


def picture(url, renditions, alt, *, width=None, height=None, sizes=BODY_SIZES, **attrs):
    """The markup for an image at ``url`` given its renditions (see ``processing.Stored``).

    The fallback <img> points at the largest rendition, not the original (which may be
    huge), and carries its width and height so the page does not jump as it loads. No
    renditions (an animation, or a file stored before renditions existed): a plain <img>
    with ``width`` and ``height`` when known. ``attrs``: ``css_class``, ``title`` and
    ``loading`` ("lazy" unless said otherwise).
    """
    context = {"src": url, "alt": alt, "width": width, "height": height, "loading": "lazy"}
    context |= attrs
    webp = [r for r in renditions if r["format"] == "webp"]
    fallback = [r for r in renditions if r["format"] != "webp"] or webp
    if fallback:
        largest = fallback[-1]
        context.update(
            src=default_storage.url(largest["name"]),
            width=largest["width"],
            height=largest["height"],
            srcset=srcset(fallback),
            sizes=sizes,
            webp_srcset=srcset(webp) if fallback is not webp else "",
        )
    return render_to_string("images/picture.html", context).strip()
