"""Rewrites of a post's Markdown on the way in and out: template directives and image links.

On the way in, Hugo shortcodes are converted or kept hidden (``transfer.shortcodes``); the
Go blog's ``{{image "x.png" 600}}`` becomes a Markdown image; any other directive has no
equivalent here, so it is kept visible as code (a fenced block when it stands on its own
lines, inline code otherwise) and named in the report. Image links are handed to
``relink(url, embedded)``, which returns the new URL or None to leave the link alone.
Code is never touched.
"""

import re

from . import shortcodes
from .markup import CODE, DIRECTIVE, directive_name, pieces

_IMAGE = re.compile(r"!\[(?P<alt>[^\]\n]*)\]\(\s*(?P<url><[^>\n]*>|[^)\s]+)(?P<rest>[^)\n]*)\)")
_LINK = re.compile(
    r"(?<!!)\[(?:[^\[\]\n]|\[[^\]\n]*\])*\]\(\s*(?P<url><[^>\n]*>|[^)\s]+)(?P<rest>[^)\n]*)\)"
)
_REFERENCE = re.compile(r"^(?P<lead> {0,3}\[[^\]\n]+\]:[ \t]*)(?P<url><[^>\n]*>|\S+)", re.M)
_HTML_IMAGE = re.compile(
    r"""(?P<lead><img\b[^>]*?\bsrc\s*=\s*)(?P<q>["']?)(?P<url>[^"'\s>]+)(?P=q)""", re.I
)
_GO_IMAGE = re.compile(r'\{\{-?\s*image\s+"(?P<src>(?:[^"\\]|\\.)*)"(?P<size>[^}]*?)\s*-?\}\}$')


def import_text(text, relink, front=None, originals=None):
    """(new text, names of the directives kept) for a Markdown text being imported.

    Hugo shortcodes go to ``shortcodes.rewrite`` (converted, or kept as they are and
    hidden from readers); ``originals`` (a list) receives each converted one's original.
    Other directives become images or stay visible as code."""

    def other(kind, chunk, before, after):
        if kind == DIRECTIVE:
            image = _image_markdown(chunk, relink)
            if image is not None:
                return image, None
            own_line = not before.strip() and not after.split("\n", 1)[0].strip()
            return _visible(chunk, before if own_line else None), directive_name(chunk)
        if kind != CODE:
            return relink_text(chunk, relink), None
        return chunk, None

    return shortcodes.rewrite(text, other, front, relink, originals)


def export_text(text, relink, originals=()):
    """The text with its image links rewritten, code and shortcodes untouched, and the
    shortcodes the import converted (``originals``) written back as they came."""
    text = "".join(
        chunk if kind in (CODE, DIRECTIVE) else relink_text(chunk, relink)
        for kind, chunk in pieces(text)
    )
    return shortcodes.restore(text, originals)


def relink_text(text, relink):
    """Markdown images, links, link references and HTML images, pointed where ``relink`` says."""

    def swap(match, embedded=True, markdown=True):
        url = match.group("url")
        bare = url[1:-1] if url.startswith("<") and url.endswith(">") else url
        new = relink(bare, embedded)
        if new is None:
            return match.group(0)
        start, end = (index - match.start() for index in match.span("url"))
        whole = match.group(0)
        return whole[:start] + (_wrap(new) if markdown else new) + whole[end:]

    text = _IMAGE.sub(swap, text)
    text = _LINK.sub(lambda match: swap(match, embedded=False), text)
    text = _REFERENCE.sub(lambda match: swap(match, embedded=False), text)
    return _HTML_IMAGE.sub(lambda match: swap(match, markdown=False), text)


def _wrap(url):
    return f"<{url}>" if re.search(r"[\s()]", url) else url


def _visible(chunk, indent):
    """The directive as code: a fenced block on its own lines (``indent`` given), else inline."""
    if indent is not None or "\n" in chunk:
        char = "~" if "`" in chunk else "`"
        fence = char * max(3, _longest_run(chunk, char) + 1)
        lead = indent or ""
        lines = chunk.replace("\n", "\n" + lead)
        block = f"{fence}\n{lead}{lines}\n{lead}{fence}"
        return block if indent is not None else f"\n{block}\n"
    ticks = "`" * (_longest_run(chunk, "`") + 1)
    pad = " " if chunk.startswith("`") or chunk.endswith("`") else ""
    return f"{ticks}{pad}{chunk}{pad}{ticks}"


def _longest_run(text, char):
    return max((len(run) for run in re.findall(f"{re.escape(char)}+", text)), default=0)


def _image_markdown(chunk, relink):
    """A Markdown image for an image directive, or None for any other directive."""
    go = _GO_IMAGE.match(chunk)
    if go is None:
        return None
    size = go.group("size").split()
    if len(size) > 2 or any(not re.fullmatch(r"\d+|_", part) for part in size):
        return None
    src, alt, title = go.group("src").replace('\\"', '"'), "", ""
    width, height = (size + ["_", "_"])[:2]
    url = _wrap(relink(src, True) or src)
    alt = alt.replace("]", r"\]")
    title = ' "{}"'.format(title.replace('"', "'")) if title else ""
    attrs = " ".join(
        f'{name}="{value}"'
        for name, value in (("width", width), ("height", height))
        if value != "_"
    )
    return f"![{alt}]({url}{title})" + (f"{{: {attrs} }}" if attrs else "")
