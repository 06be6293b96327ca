"""The one path from Markdown to HTML: render, then sanitise with an nh3 allow-list.

Models call ``render_markdown`` on save and store the result; markdownx's live
preview calls it too (``MARKDOWNX_MARKDOWNIFY_FUNCTION``), so the preview shows
exactly what readers will get. After sanitising, the functions named in the setting
``MARKDOWN_POSTPROCESSORS`` (dotted paths, each ``html -> html``) run in order: that
is how an app such as ``images`` adds its markup without core importing it. Their
output is trusted: they must escape what they insert.
"""

import html as html_module
import re

import markdown
import nh3
from django.conf import settings
from django.utils.html import strip_tags
from django.utils.module_loading import import_string
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
    "picture",
    "pre",
    "q",
    "s",
    "small",
    "source",
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
    "img": {"src", "alt", "width", "height", "loading", "decoding", "srcset", "sizes"},
    # <picture><source type srcset sizes><img ...></picture>: responsive images.
    "source": {"type", "srcset", "sizes", "media", "width", "height"},
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
    return postprocess(markdown_html(text))


def markdown_html(text):
    """Markdown source to sanitised HTML, before the post-processors: what the author wrote.

    Checks of the source (alt text) read this, since post-processors rewrite what they
    find; a model rendering several things from one text keeps it rather than render twice.
    """
    html = markdown.markdown(
        text or "", extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html"
    )
    # The page title is the only h1; a "# heading" in a body becomes an h2 rather than vanish.
    html = _h1.sub(r"<\1h2", html)
    return sanitize_html(html)


def postprocess(html):
    """Run the ``MARKDOWN_POSTPROCESSORS`` over sanitised HTML, in order."""
    for path in getattr(settings, "MARKDOWN_POSTPROCESSORS", ()):
        html = import_string(path)(html)
    return html


_whitespace = re.compile(r"\s+")


def plain_text(html):
    """The text of rendered HTML, on one line, with entities decoded ("&amp;" is "&")."""
    return _whitespace.sub(" ", html_module.unescape(strip_tags(html))).strip()


def excerpt(text, length=200):
    """At most ``length`` characters in all, cut mid-word, ending in "..." when cut."""
    return Truncator(text).chars(length, truncate="...")
