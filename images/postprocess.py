"""Rewrites, in rendered Markdown, each <img> of a library image into responsive markup.

Named in the ``MARKDOWN_POSTPROCESSORS`` setting, run by ``core.markdown.render_markdown``
after sanitising, so on save and in the editor's preview, never per request. One query
per render, whatever the number of images; none when there are no images.

The alt text is the Markdown's; when that is empty, the library's (empty for an image
marked decorative).
"""

from .img_tags import IMG_TAG, attributes
from .markup import picture
from .models import Image


def responsive_images(html):
    matches = list(IMG_TAG.finditer(html))
    if not matches:
        return html
    tags = [attributes(match.group()) for match in matches]
    library = Image.objects.by_url({attrs.get("src", "") for attrs in tags})
    if not library:
        return html
    parts, end = [], 0
    for match, attrs in zip(matches, tags, strict=True):
        image = library.get(attrs.get("src", ""))
        if image is None:
            continue
        alt = attrs.get("alt", "").strip() or image.alt_text
        markup = picture(
            image.file.url,
            image.renditions,
            alt,
            width=image.width,
            height=image.height,
            title=attrs.get("title", ""),
        )
        parts += [html[end : match.start()], markup]
        end = match.end()
    parts.append(html[end:])
    return "".join(parts)
