"""The alt-text check behind the publish gate."""

import markdown

from core.markdown import EXTENSION_CONFIGS, EXTENSIONS

from .img_tags import img_tags
from .models import Image


def images_missing_alt(text):
    """The URLs of the images in Markdown ``text`` that readers would get without alt text.

    An image passes when its Markdown (or HTML) gives alt text, or when it is a library
    image that has alt text there or is marked decorative. The Markdown is rendered, so
    an image inside a code sample is not an image. Each URL once, in order; one query
    at most.
    """
    html = markdown.markdown(text or "", extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    missing = []
    for attrs in img_tags(html):
        src = attrs.get("src", "")
        if src and not attrs.get("alt", "").strip() and src not in missing:
            missing.append(src)
    library = Image.objects.by_url(missing)
    return [
        src
        for src in missing
        if not (image := library.get(src)) or not (image.decorative or image.alt.strip())
    ]
