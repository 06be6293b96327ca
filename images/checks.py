"""The alt-text check behind the publish gate."""

from .img_tags import img_tags
from .models import Image


def images_missing_alt(html):
    """The URLs of the images in ``html`` that readers would get without alt text.

    ``html`` is Markdown already rendered and sanitised, before the post-processors
    (``core.markdown.markdown_html``): the check reads what the author wrote, since
    ``images.postprocess`` rewrites library images (another URL, the library's alt
    text). Rendered, not raw: an image inside a code sample is not an image.

    An image passes when its Markdown (or HTML) gives alt text, or when it is a library
    image that has alt text there or is marked decorative. Each URL once, in order; one
    query at most.
    """
    missing = []
    for attrs in img_tags(html or ""):
        src = attrs.get("src", "")
        if src and not attrs.get("alt", "").strip() and src not in missing:
            missing.append(src)
    library = Image.objects.by_url(missing)
    return [
        src
        for src in missing
        if not (image := library.get(src)) or not (image.decorative or image.alt.strip())
    ]
