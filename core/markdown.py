"""The one path from Markdown to HTML: render, then sanitise with an nh3 allow-list.

Models call ``render_markdown`` on save and store the result; markdownx's live
preview calls it too (``MARKDOWNX_MARKDOWNIFY_FUNCTION``), so the preview shows
exactly what readers will get.
"""

import html as html_module
import re

import markdown
import nh3
from django.utils.html import strip_tags
from django.utils.text import Truncator

EXTENSIONS = ["extra", "sane_lists", "toc"]
EXTENSION_CONFIGS = {"toc": {"permalink": False}}

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "dd",
    "del",
    "details",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "title"},
    "a": {"href", "hreflang"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height", "loading", "srcset", "sizes"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start", "reversed"},
    "code": {"class"},
    "span": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(html):
    """Keep only allow-listed tags, attributes and URL schemes: no script, on*, javascript:."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


_h1 = re.compile(r"<(/?)h1\b", re.IGNORECASE)


def render_markdown(text):
    """Markdown source to sanitised HTML."""
    html = markdown.markdown(
        text or "", extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html"
    )
    # The page title is the only h1; a "# heading" in a body becomes an h2 rather than vanish.
    html = _h1.sub(r"<\1h2", html)
    return sanitize_html(html)


_whitespace = re.compile(r"\s+")


def plain_text(html):
    """The text of rendered HTML, on one line, with entities decoded ("&amp;" is "&")."""
    return _whitespace.sub(" ", html_module.unescape(strip_tags(html))).strip()


def excerpt(text, length=200):
    """At most ``length`` characters in all, cut mid-word, ending in "..." when cut."""
    return Truncator(text).chars(length, truncate="...")


_markdown_image = re.compile(r"!\[(?P<alt>[^\]]*)\]\(\s*<?(?P<url>[^)\s>]+)")
_html_image = re.compile(r"<img\b(?P<attrs>[^>]*)>", re.IGNORECASE)


def images_missing_alt(text):
    """The URLs of the images in a Markdown text that have no alt text (Markdown or HTML)."""
    missing = [m["url"] for m in _markdown_image.finditer(text or "") if not m["alt"].strip()]
    for m in _html_image.finditer(text or ""):
        attrs = m["attrs"]
        alt = re.search(r"""\balt\s*=\s*(["'])(.*?)\1""", attrs, re.S)
        if alt is None or not alt.group(2).strip():
            src = re.search(r"""\bsrc\s*=\s*(["'])(.*?)\1""", attrs, re.S)
            missing.append(src.group(2) if src else "(no src)")
    return missing
