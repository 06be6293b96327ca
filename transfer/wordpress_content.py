"""A WordPress post's HTML made ready for the Markdown field.

The body stays HTML: Markdown passes raw HTML blocks through, and the one sanitiser
(``core.markdown``) has the last word, so nothing is lost to a conversion. Gutenberg's
``<!-- wp:… -->`` block comments go; classic-editor text gets its paragraphs from blank
lines, as WordPress's ``wpautop`` made them. ``[caption]`` becomes a figure and
``[embed]`` a link; any other shortcode stays as it is and is named for attention.
"""

import re
from html import escape

# Each pattern is bounded (a block comment is one line; a shortcode's attributes are
# short), so a huge or hostile export costs time in proportion to its length.
_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:[^\n]{0,5000}?-->")
_BLANK_LINES = re.compile(r"\n\s*\n")
# Chunks that are already block-level HTML are left as they are by wpautop.
_BLOCK_START = re.compile(
    r"<(?:p|div|h[1-6]|ul|ol|li|blockquote|pre|figure|table|hr|img|iframe|section|dl"
    r"|address|audio|video|form|style|script)\b|\[(?:gallery|audio|video|playlist|embed)\b",
    re.IGNORECASE,
)
_CAPTION = re.compile(
    r"\[(?:wp_)?caption([^\]\n]{0,1000})\](.{0,5000}?)\[/(?:wp_)?caption\]", re.DOTALL
)
_CAPTION_ATTR = re.compile(r"""\bcaption=(["'])(.*?)\1""", re.DOTALL)
_CAPTION_MEDIA = re.compile(r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.DOTALL)
_EMBED = re.compile(r"\[embed[^\]\n]{0,500}\]\s*(\S{1,2000}?)\s*\[/embed\]")
# What is left looking like a shortcode: [name], [name attr="…"], [/name].
_SHORTCODE = re.compile(r"\[/?([a-zA-Z][\w-]{0,100})(?:\s+[^\]\n]{0,500})?\]")
# Common WordPress shortcodes, reported even without attributes; any [name key=…] is too.
KNOWN = {"gallery", "audio", "video", "playlist", "embed", "caption", "wp_caption", "contact-form"}


def convert(html):
    """(the body for the Markdown field, sorted names of the shortcodes kept as they are)."""
    text = html.replace("\r\n", "\n")
    has_blocks = bool(_BLOCK_COMMENT.search(text))
    text = _BLOCK_COMMENT.sub("", text)
    text = _CAPTION.sub(_caption, text)
    text = _EMBED.sub(_embed, text)
    text = _tidy(text) if has_blocks else autop(text)
    return text, kept_shortcodes(text)


def kept_shortcodes(text):
    names = set()
    for match in _SHORTCODE.finditer(text):
        name = match.group(1).lower()
        if name in KNOWN or "=" in match.group(0):
            names.add(name)
    return sorted(names)


def autop(text):
    """Paragraphs from blank lines, line breaks from single newlines (WordPress's wpautop)."""
    chunks = [chunk.strip() for chunk in _BLANK_LINES.split(text) if chunk.strip()]
    out = []
    for chunk in chunks:
        if _BLOCK_START.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + "<br>\n".join(line.strip() for line in chunk.split("\n")) + "</p>")
    return "\n\n".join(out)


def _tidy(text):
    chunks = [chunk.strip() for chunk in _BLANK_LINES.split(text) if chunk.strip()]
    return "\n\n".join(chunks)


def _caption(match):
    attrs, inner = match.group(1), match.group(2)
    media = _CAPTION_MEDIA.match(inner)
    if media is None:
        return match.group(0)  # no image in it: kept, and reported
    image, caption = media.group(1), media.group(2).strip()
    if not caption and (given := _CAPTION_ATTR.search(attrs)):
        caption = given.group(2).strip()
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f"\n\n<figure>{image}{figcaption}</figure>\n\n"


def _embed(match):
    url = match.group(1)
    if not url.startswith(("http://", "https://")):
        return match.group(0)
    return f'\n\n<p><a href="{escape(url)}">{escape(url)}</a></p>\n\n'
