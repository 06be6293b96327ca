"""Hugo shortcodes (``{{< name args >}}``, ``{{% name args %}}``) on the way in and out.

The common built-in ones become Markdown, or HTML the sanitiser keeps: ``figure`` an
image (its caption a ``<figcaption>``), ``youtube``, ``vimeo``, ``x``/``tweet`` and
``gist`` a plain link (the sanitiser allows no iframe or script, so nothing is embedded),
``highlight`` a fenced code block, ``details`` a ``<details>`` with its ``<summary>``,
``param`` the page's front-matter value, ``qr`` its text, ``ref``/``relref`` the post's
new address. ``{{</* x */>}}`` (Hugo's way to show a shortcode) becomes inline code.

Any other shortcode is kept as it is in the source: the renderer leaves it out of what
readers get (``core.markdown``), the importer reports it, the admin form names it and
the export writes it back. Code is never touched.

``convert_shortcodes(text, front)`` is the entry point for an importer of any format;
``transfer.body.import_text`` calls ``rewrite`` with its own handling of the rest.
"""

import html
import re
from dataclasses import dataclass, field

from .markup import DIRECTIVE, pieces

# Where a converted shortcode's original is kept in the post's metadata: a list of
# [original, converted] pairs, in order, so that export can write the original back.
ORIGINALS_KEY = "hugo_shortcodes"
UNHANDLED = "shortcodes kept, hidden from readers"

_OPEN = re.compile(r"\{\{([<%])\s*(/?)\s*([\w.-]+)(.*?)\s*(/?)\s*[>%]\}\}$", re.S)
_COMMENT = re.compile(r"\{\{([<%])/\*(.*?)\*/([>%])\}\}$", re.S)
_ARG = re.compile(r'(?:([\w-]+)\s*=\s*)?("(?:[^"\\]|\\.)*"|`[^`]*`|[^\s"`]+)')
_FIGURE_ARGS = {"src", "alt", "caption", "title", "width", "height", "link", "class",
                "target", "rel", "loading"}  # fmt: skip
PAIRED = {"highlight", "details", "qr"}


@dataclass
class Shortcode:
    name: str
    closing: bool
    args: list = field(default_factory=list)  # positional, unquoted
    named: dict = field(default_factory=dict)

    def get(self, key, position=None, default=""):
        if key in self.named:
            return self.named[key]
        if position is not None and position < len(self.args):
            return self.args[position]
        return default


def is_shortcode(chunk):
    return chunk.startswith(("{{<", "{{%"))


def parse(chunk):
    """The ``Shortcode`` a ``{{< … >}}`` directive holds, or None."""
    match = _OPEN.match(chunk)
    if match is None:
        return None
    code = Shortcode(match[3].lower(), bool(match[2]))
    for key, value in _ARG.findall(match[4]):
        if value[:1] in '"`' and value[-1:] == value[:1] and len(value) > 1:
            value = value[1:-1].replace('\\"', '"') if value[0] == '"' else value[1:-1]
        if key:
            code.named[key.lower()] = value
        else:
            code.args.append(value)
    return code


def names(text):
    """The names of the shortcodes in ``text`` outside code, openers only, in order."""
    found = []
    for kind, chunk in pieces(text):
        if kind == DIRECTIVE and is_shortcode(chunk):
            code = parse(chunk)
            if code is not None and not code.closing:
                found.append(code.name)
    return found


def convert_shortcodes(text, front=None, relink=None, originals=None):
    """(text, names of the shortcodes kept): Hugo shortcodes outside code converted,
    everything else as it was. ``relink(url, embedded)`` points images and refs at their
    new addresses (None: leave them); ``originals`` (a list) receives [original,
    converted] pairs for export."""
    return rewrite(text, lambda kind, chunk, before, after: (chunk, None), front, relink, originals)


def rewrite(text, other, front=None, relink=None, originals=None):
    """``convert_shortcodes``, with ``other(kind, chunk, before, after) -> (chunk, kept
    name or None)`` for every piece that is not a Hugo shortcode."""
    context = _Context(front or {}, relink or (lambda url, embedded: None), originals, other)
    parts = pieces(text)
    out, kept, tail, index = [], [], "", 0
    while index < len(parts):
        kind, chunk = parts[index]
        following = parts[index + 1][1] if index + 1 < len(parts) else ""
        end = index + 1
        if kind == DIRECTIVE and is_shortcode(chunk):
            chunk, end, name = context.expand(parts, index, tail, following)
            kept += context.inner_kept
            context.inner_kept = []
        else:
            chunk, name = other(kind, chunk, tail, following)
        if name:
            kept.append(name)
        out.append(chunk)
        tail = chunk.rsplit("\n", 1)[-1] if "\n" in chunk else tail + chunk
        index = end
    return "".join(out), kept


def restore(text, originals):
    """The text with each converted shortcode, in order, written back as it came; one
    edited since the import (its conversion no longer found) stays as it is now."""
    out, cursor = [], 0
    for original, converted in originals or ():
        found = text.find(converted, cursor)
        if found == -1 or not converted:
            continue
        out.append(text[cursor:found] + original)
        cursor = found + len(converted)
    return "".join(out) + text[cursor:]


class _Context:
    def __init__(self, front, relink, originals, other):
        self.other = other
        self.inner_kept = []  # names kept inside a converted pair (a <details>)
        self.front = {str(key).lower(): value for key, value in front.items()}
        self.relink = relink
        self.originals = originals

    def expand(self, parts, index, before, after):
        """(replacement, index after what it replaces, kept name or None)."""
        chunk = parts[index][1]
        comment = _COMMENT.match(chunk)
        if comment:  # {{</* figure */>}}: Hugo shows the shortcode itself
            shown = f"{{{{{comment[1]}{comment[2]}{comment[3]}}}}}"
            ticks = "`" * (max((len(r) for r in re.findall("`+", shown)), default=0) + 1)
            return self._keep_original(chunk, f"{ticks} {shown} {ticks}"), index + 1, None
        code = parse(chunk)
        if code is None:
            return chunk, index + 1, "{{<"
        if code.closing:
            return chunk, index + 1, None  # a closer whose opener was kept
        own_line = not before.strip() and not after.split("\n", 1)[0].strip()
        if code.name in PAIRED:
            closer = _closer(parts, index, code.name)
            if closer is not None:
                inner = "".join(chunk for _kind, chunk in parts[index + 1 : closer])
                new = self._paired(code, inner, parts, index, closer)
                if new is not None:
                    return new, closer + 1, None
                return chunk, index + 1, code.name
            if code.name == "details":
                return chunk, index + 1, code.name
        converted = self._single(code, before, after, own_line)
        if converted is None:
            return chunk, index + 1, code.name
        if code.name not in ("figure", "ref", "relref"):
            # Images and links are rewritten on export: those are exported as Markdown.
            converted = self._keep_original(chunk, converted)
        return converted, index + 1, None

    def _keep_original(self, original, converted):
        if self.originals is not None:
            self.originals.append([original, converted])
        return converted

    def _paired(self, code, inner, parts, index, closer):
        opening, closing = parts[index][1], parts[closer][1]
        if code.name == "highlight":
            lang = code.get("lang", 0)
            body = inner.removeprefix("\r").removeprefix("\n").rstrip(" \t")
            body = body if body.endswith("\n") else body + "\n"
            fence = "`" * max(3, _longest_run(body, "`") + 1)
            new = f"{fence}{lang}\n{body}{fence}"
            return self._keep_original(opening + inner + closing, new)
        if code.name == "qr":
            text = inner.strip()
            return self._keep_original(opening + inner + closing, text)
        if code.name == "details":
            summary = html.escape(code.get("summary", default="Details"))
            is_open = code.get("open").lower() in ("true", "1", "open")
            tag = "<details open>" if is_open else "<details>"
            start = self._keep_original(opening, f"{tag}\n<summary>{summary}</summary>\n\n")
            # The inside is Markdown: it goes through the same rewrite (images, shortcodes).
            middle, kept = rewrite(inner, self.other, self.front, self.relink, self.originals)
            self.inner_kept += kept
            end = self._keep_original(closing, "\n\n</details>\n")
            return start + middle + end
        return None

    def _single(self, code, before, after, own_line):
        name = code.name
        if name == "figure":
            return self._figure(code, own_line)
        if name in ("youtube", "vimeo"):
            video = code.get("id", 0)
            if not re.fullmatch(r"[\w-]+", video):
                return None
            url = (
                f"https://www.youtube.com/watch?v={video}"
                if name == "youtube"
                else f"https://vimeo.com/{video}"
            )
            label = code.get("title") or ("YouTube video" if name == "youtube" else "Vimeo video")
            return f"[{_escape(label)}]({url})"
        if name in ("x", "tweet", "twitter"):
            user, post = code.get("user", 0), code.get("id", 1)
            if not post and len(code.args) == 1 and not code.named:
                user, post = "", code.args[0]  # the old {{< tweet 123 >}}
            if not re.fullmatch(r"\d+", post) or not re.fullmatch(r"\w*", user):
                return None
            url = f"https://x.com/{user or 'i/web'}/status/{post}"
            label = f"Post by @{user} on X" if user else "Post on X"
            return f"[{label}]({url})"
        if name == "gist":
            user, gist, file = code.get("user", 0), code.get("id", 1), code.get("file", 2)
            if not re.fullmatch(r"[\w-]+", user) or not re.fullmatch(r"\w+", gist):
                return None
            url = f"https://gist.github.com/{user}/{gist}"
            anchor = "#file-" + re.sub(r"[^\w-]", "-", file).lower() if file else ""
            return f"[Gist {_escape(file or gist)} by {user}]({url}{anchor})"
        if name == "param":
            value = self._param(code.get("name", 0))
            return None if value is None else str(value)
        if name == "qr":
            text = code.get("text")
            return text or None
        if name in ("ref", "relref"):
            target = code.get("path", 0)
            in_link = before.endswith("](") and after.startswith(")")
            url = self.relink(target, False) if target and in_link else None
            if url is None:
                return None
            return url  # only as a link's target: elsewhere it is kept (and reported)
        return None

    def _param(self, key):
        value = self.front
        for part in key.lower().split("."):
            if not isinstance(value, dict) or not part:
                return None
            value = {str(k).lower(): v for k, v in value.items()}.get(part)
        return value if isinstance(value, str | int | float) and value != "" else None

    def _figure(self, code, own_line):
        args = code.named
        if "src" not in args or not set(args) <= _FIGURE_ARGS or code.args:
            return None
        src, caption = args["src"], args.get("caption", "")
        alt = args.get("alt") or _plain_text(caption)
        title = args.get("title", "")
        url = _wrap(self.relink(src, True) or src)
        title_part = ' "{}"'.format(title.replace('"', "'")) if title else ""
        size = " ".join(
            f'{key}="{args[key]}"'
            for key in ("width", "height")
            if re.fullmatch(r"\d+", args.get(key, ""))
        )
        image = f"![{_escape(alt)}]({url}{title_part})" + (f"{{: {size} }}" if size else "")
        if args.get("link"):
            image = f"[{image}]({_wrap(self.relink(args['link'], False) or args['link'])})"
        if not caption:
            return image
        if not own_line:
            return f"{image} {caption}"
        return f"<figure>\n\n{image}\n\n<figcaption>{html.escape(caption)}</figcaption>\n</figure>"


def _closer(parts, index, name):
    """The index of the ``{{< /name >}}`` closing the shortcode at ``index``, if any."""
    depth = 0
    for position in range(index + 1, len(parts)):
        kind, chunk = parts[position]
        if kind != DIRECTIVE or not is_shortcode(chunk):
            continue
        code = parse(chunk)
        if code is None or code.name != name:
            continue
        if not code.closing:
            depth += 1
        elif depth == 0:
            return position
        else:
            depth -= 1
    return None


def _escape(text):
    return text.replace("[", r"\[").replace("]", r"\]")


def _plain_text(markdown):
    return re.sub(r"[*_`]", "", re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown))


def _wrap(url):
    return f"<{url}>" if re.search(r"[\s()]", url) else url


def _longest_run(text, char):
    return max((len(run) for run in re.findall(f"{re.escape(char)}+", text)), default=0)
