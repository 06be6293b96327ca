"""The one path from Markdown to HTML: render, then sanitise with an nh3 allow-list.

Markdown is read as Hugo's Goldmark reads it with its defaults: CommonMark, plus tables,
strikethrough, bare URLs linked, footnotes, definition lists, task lists, GitHub's
``> [!NOTE]`` alerts, ``{#id .class}`` attributes after a heading, image, link or code
span, and ids on every heading (GitHub's slugs, as Hugo makes them). No typographer.
Raw HTML passes the parser and then, with everything else, the one sanitiser.

Models call ``render_markdown`` on save and store the result; markdownx's live
preview calls it too (``MARKDOWNX_MARKDOWNIFY_FUNCTION``), so the preview shows
exactly what readers will get. After sanitising, the functions named in the setting
``MARKDOWN_POSTPROCESSORS`` (dotted paths, each ``html -> html``) run in order: that
is how an app such as ``images`` adds its markup without core importing it. Their
output is trusted: they must escape what they insert.
"""

import functools
import html as html_module
import re

import nh3
from django.conf import settings
from django.utils.html import strip_tags
from django.utils.module_loading import import_string
from django.utils.text import Truncator
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin

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
    "div",  # GitHub alerts and the footnotes, with their classes only (ALLOWED_CLASSES)
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
    "input",  # a task list's box, always a disabled checkbox (FORCED_ATTRIBUTES)
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
    "details": {"open"},
    "img": {"src", "alt", "width", "height", "loading", "decoding", "srcset", "sizes"},
    # <picture><source type srcset sizes><img ...></picture>: responsive images.
    "source": {"type", "srcset", "sizes", "media", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start", "reversed"},
    "code": {"class"},
    "span": {"class"},
    "input": {"checked"},
}
# The classes the renderer's own markup needs, and no others, on tags whose class
# attribute is not allowed outright.
ALLOWED_CLASSES = {
    "div": {
        "markdown-alert",
        *(f"markdown-alert-{kind}" for kind in ("note", "tip", "important", "warning", "caution")),
        "footnotes",
    },
    "p": {"markdown-alert-title"},
    "ul": {"contains-task-list"},
    "ol": {"contains-task-list"},
    "li": {"task-list-item"},
    "input": {"task-list-item-checkbox"},
    "sup": {"footnote-ref"},
    "a": {"footnote-backref"},
}
# Whatever an <input> says, it becomes a box that cannot be ticked or submitted.
FORCED_ATTRIBUTES = {"input": {"type": "checkbox", "disabled": ""}}
URL_SCHEMES = {"http", "https", "mailto"}


@functools.cache
def _cleaner():
    return nh3.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        set_tag_attribute_values=FORCED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def sanitize_html(html):
    """Keep only allow-listed tags, attributes and URL schemes: no script, on*, javascript:."""
    return _cleaner().clean(html)


_h1 = re.compile(r"<(/?)h1\b", re.IGNORECASE)


def render_markdown(text, footnotes=""):
    """Markdown source to sanitised HTML."""
    return postprocess(markdown_html(text, footnotes))


def markdown_html(text, footnotes=""):
    """Markdown source to sanitised HTML, before the post-processors: what the author wrote.

    Checks of the source (alt text) read this, since post-processors rewrite what they
    find; a model rendering several things from one text keeps it rather than render twice.
    ``footnotes`` prefixes the footnotes' ids (``fn:<prefix>1``): two texts shown on one
    page (an analysis's summary and analysis) each keep their own.
    """
    html = _empty_paragraph.sub("", convert(text or "", footnotes)).rstrip()
    # The page title is the only h1; a "# heading" in a body becomes an h2 rather than
    # vanish (a raw <h1> too).
    html = _h1.sub(r"<\1h2", html)
    return _empty_class.sub(r"\1", sanitize_html(html))


# What the sanitiser leaves of a class attribute none of whose classes is allowed. Only
# inside a tag: in sanitised HTML a "<" in text is "&lt;", a '"' in a value "&quot;".
_empty_class = re.compile(r'(<[a-z][a-z0-9]*\b[^<>]*?) class=""')


def convert(text, footnotes=""):
    """Markdown source to HTML, unsanitised: the parser's one entry point."""
    return parser().render(text, {"footnote_prefix": footnotes})


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


# The parser --------------------------------------------------------------------------

# Attributes an author may write in {...}; the sanitiser then decides what stays.
AUTHOR_ATTRIBUTES = ("id", "class", "title")


@functools.cache
def parser():
    """The MarkdownIt instance, configured once per process."""
    md = MarkdownIt(
        "commonmark",
        {
            "html": True,  # raw HTML goes through, to the sanitiser
            "typographer": False,
            "tasklists": True,
            "tasklists_editable": False,
            "alerts": True,
            "strikethrough_single_tilde": True,  # ~a~ as well as ~~a~~, as Goldmark
        },
    )
    md.enable(["table", "strikethrough"])
    md.use(gfm_autolink_plugin)  # www., http(s)://, mailto: and e-mail addresses
    md.use(footnote_plugin, inline=False)
    md.use(deflist_plugin)
    md.use(attrs_plugin, allowed=AUTHOR_ATTRIBUTES)
    md.inline.ruler.after("text", "hugo_shortcode", _hugo_shortcode)
    md.core.ruler.after("inline", "heading_attrs", _heading_attrs)
    md.core.ruler.push("table_align", _table_align)
    md.core.ruler.push("https_www", _https_www)
    md.use(anchors_plugin, min_level=1, max_level=6)
    # Footnotes as Goldmark (and Python-Markdown before it) mark them: ids fn:1 and
    # fnref:1, so old links to them still work; the number without brackets.
    md.add_render_rule("footnote_anchor_name", _footnote_anchor_name)
    md.add_render_rule("footnote_caption", _footnote_caption)
    md.add_render_rule("footnote_block_open", lambda *args: '<div class="footnotes">\n<hr>\n<ol>\n')
    md.add_render_rule("footnote_block_close", lambda *args: "</ol>\n</div>\n")
    md.add_render_rule("footnote_open", _footnote_open)
    return md


# Hugo shortcodes ({{< name args >}}, {{% name %}}) the importer could not convert stay in
# the source, for the author to see and the export to keep; readers get nothing of them
# (what a paired one encloses stays). In code they are text like any other.
_STRING = r'"(?:[^"\\\n]|\\.)*"|`[^`]*`'
_shortcode_scan = {
    ">}}": re.compile(rf">\}}\}}|{_STRING}"),
    "%}}": re.compile(rf"%\}}\}}|{_STRING}"),
}
# A shortcode is one line of arguments; the scan for its end stops here, so that text
# full of unclosed "{{<" costs a bounded time per opener, not a scan to the end of it.
LONGEST_SHORTCODE = 2000


def _hugo_shortcode(state, silent):
    src, start = state.src, state.pos
    if not src.startswith(("{{<", "{{%"), start):
        return False
    close = ">}}" if src[start + 2] == "<" else "%}}"
    end = min(state.posMax, start + LONGEST_SHORTCODE)
    # Quoted arguments may hold the closing characters: they are stepped over whole.
    for match in _shortcode_scan[close].finditer(src, start + 3, end):
        if match.group() == close:
            state.pos = match.end()  # nothing rendered, even when not silent
            return True
    return False


_empty_paragraph = re.compile(r"<p>\s*</p>\n?")


# "## Title {#id .class key=value}": Goldmark's heading attributes, on by default in Hugo.
# As Goldmark reads them, an id or class runs to the next space, so "#problem.seed" is
# one id (mdit_py_plugins.attrs would read it as an id and a class).
_attr = r"""(?:[#.][^\s{}"']+|[\w:-]+=(?:"[^"]*"|'[^']*'|[^\s{}"']+))"""
_trailing_attrs = re.compile(rf"\s*\{{\s*({_attr}(?:\s+{_attr})*)\s*\}}\s*$")
_one_attr = re.compile(r"""([#.])([^\s{}"']+)|([\w:-]+)=(?:"([^"]*)"|'([^']*)'|(\S+))""")


def _heading_attrs(state):
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        inline = tokens[index + 1]
        last = inline.children[-1] if inline.children else None
        if last is None or last.type != "text":
            continue
        match = _trailing_attrs.search(last.content)
        if not match:
            continue
        last.content = last.content[: match.start()]
        classes = []
        for mark, word, name, *values in _one_attr.findall(match.group(1)):
            if mark == ".":
                classes.append(word)
            elif mark == "#":
                token.attrSet("id", word)
            elif name in AUTHOR_ATTRIBUTES:
                token.attrSet(name, "".join(values))
        if classes:
            token.attrSet("class", " ".join(classes))


def _table_align(state):
    """A column's alignment as align="..." (allowed) rather than style (not allowed)."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open") and token.attrs:
            style = token.attrs.pop("style", "")
            if style.startswith("text-align:"):
                token.attrSet("align", style.removeprefix("text-align:"))


def _https_www(state):
    """A bare www. address links to https://, as Hugo's ``linkifyProtocol`` default."""
    for token in state.tokens:
        children = token.children or ()
        for child, text in zip(children, children[1:], strict=False):
            if child.type == "link_open" and child.info == "auto":
                href = child.attrGet("href")
                if str(href).startswith("http://www.") and text.content.startswith("www."):
                    child.attrSet("href", "https://" + href.removeprefix("http://"))


def _footnote_anchor_name(self, tokens, idx, options, env):
    return f":{env.get('footnote_prefix', '')}{tokens[idx].meta['id'] + 1}"


def _footnote_open(self, tokens, idx, options, env):
    ident = self.rules["footnote_anchor_name"](tokens, idx, options, env)
    return f'<li id="fn{ident}">'


def _footnote_caption(self, tokens, idx, options, env):
    return str(tokens[idx].meta["id"] + 1)
