"""An article analysis's body, as the author writes it in Hugo, read into its fields.

The shape (see ../shared/seed/seed-page.txt)::

    A framing sentence: why the piece matters.

    “The quote from the source.”

    [The source's title](https://example.com/piece) by Jane Doe, published in Forbes

    ## Summary
    The article “…” by Jane Doe explores …

    ## Analysis
    The author's critique.

What is recognised before the first "Summary"/"Analysis" heading (the head):
- the quote: a paragraph wholly in curly or straight double quotes (emphasis around it
  allowed), or a blockquote; it fills ``quote``;
- the source line: a paragraph that is one Markdown link (``Source:`` or ``Read the
  article:`` before it allowed, an autolink or a bare URL too), optionally followed by
  "by X", "by X in Y", "by X, published in Y" or "in Y"; it fills ``source_title``,
  ``source_url``, ``source_author`` and ``source_publication``;
- anything else before the quote or source line is the framing: it becomes the
  description when the front matter has none and it is one paragraph, is dropped when it
  repeats the description, and otherwise starts the summary, so it is never lost;
  what comes after them (a summary written without its heading) starts the summary.
A head with neither a quote nor a source line is, as before, the start of the summary.

Headings: "Summary" and "Analysis" (also "My analysis", "The summary") as headings of
level 1 to 4, as bold labels (``**Summary:**``, on their own line or starting the
paragraph), or alone on their line (``Summary:``, a setext underline allowed). A body with
no heading is all analysis, except a quote and source line at its top (the first of them
in its first two paragraphs, the last in its first four), which are read as above. When
the source line does not name the author, the summary's first lines are read for one
("The article “X” by Jane Doe, published in Forbes, …").

Values the front matter gives win: a body quote or link that says something else stays
in the text. On export the two parts are written back under "## Summary" and
"## Analysis" (and the rest as front matter), so a round trip gives the same fields.
"""

import re
from dataclasses import dataclass, field

_TITLE_PREFIX = re.compile(r"^\s*article analysis\s*:\s*", re.IGNORECASE)
_LABEL = r"(?:(?:my|the|article|an?)[ \t]+)?(?:summary|analysis)"
_HEADING = re.compile(
    r"^[ \t]{0,3}(?:"
    rf"#{{1,4}}[ \t]+(?:\*\*|__)?{_LABEL}[ \t]*:?(?:\*\*|__)?:?[ \t]*#*"
    rf"|(?:\*\*|__){_LABEL}[ \t]*:?(?:\*\*|__):?"
    rf"|{_LABEL}[ \t]*:?"
    r")[ \t]*(?:\n[ \t]*(?:=+|-+)[ \t]*)?$",
    re.IGNORECASE | re.MULTILINE,
)
# "**Summary:** The article …": the section starts after the label, on the same line.
_INLINE_LABEL = re.compile(
    rf"^[ \t]{{0,3}}(?:\*\*|__){_LABEL}[ \t]*:?(?:\*\*|__):?[ \t]*(?=\S)",
    re.IGNORECASE | re.MULTILINE,
)
_WRAPPERS = "*_ \t"
_QUOTES = (("“", "”"), ('"', '"'), ("„", "“"), ("«", "»"))
_SOURCE_PREFIX = re.compile(
    r"^(?:source|original(?:[ \t]+article)?|article|link|via|read(?:[ \t]+the)?(?:[ \t]+full)?"
    r"(?:[ \t]+(?:article|piece|story))?(?:[ \t]+here)?)[ \t]*:[ \t]*",
    re.IGNORECASE,
)
_LINK = re.compile(
    r"^\[(?P<title>(?:[^\[\]\n]|\[[^\]\n]*\])+)\]\(\s*<?(?P<url>https?://[^)\s>]+)>?"
    r'(?:\s+"[^"\n]*")?\s*\)(?P<rest>.*)$',
    re.IGNORECASE | re.DOTALL,
)
_BARE_URL = re.compile(r"^<?(?P<url>https?://[^\s>]+)>?(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)
_BY = re.compile(
    r"^by\s+(?P<author>.+?)(?:\s*,?\s+(?:published\s+)?(?:in|on|for|at)\s+(?P<pub>.+))?$",
    re.IGNORECASE | re.DOTALL,
)
_IN = re.compile(r"^(?:published\s+)?(?:in|on)\s+(?P<pub>.+)$", re.IGNORECASE | re.DOTALL)
_PAREN = re.compile(r"^\((?P<pub>[^()]+)\)$")
_NAME = r"[A-Z][\w.'’-]*(?:[ \t]+(?:[A-Z][\w.'’-]*|de|van|von|der|den|da|di|du|le|la|bin))*"
_IN_SUMMARY = re.compile(
    r"(?i:\b(?:article|piece|essay|post|paper|report|op-ed|column|interview))"
    r"(?:\s*[“\"][^”\"\n]+[”\"])?,?\s+(?i:by)\s+(?P<author>" + _NAME + r")"
    r"(?:,?\s+(?i:published\s+)?(?i:in|on|for)\s+(?P<pub>(?i:the\s+)?" + _NAME + r"))?"
)
_HEAD_LIMIT = 4  # paragraphs looked at, at the top of a body with no heading


@dataclass
class Parts:
    summary: str = ""
    analysis: str = ""
    quote: str = ""
    description: str = ""  # the framing sentence, when it becomes the description
    source: dict = field(default_factory=dict)  # title, url, author, publication


def parse(body, description="", quote="", source_url=""):
    """The fields of an analysis's body. ``description``, ``quote`` and ``source_url``
    are what the front matter gives: they win over the body."""
    sections = _sections(body)
    head, rest = (body[: sections[0][1]], "") if sections else _leading_head(body)
    parts = Parts()
    framing, after = [], []
    for block in _blocks(head):
        found = _quote(block)
        if found is not None and not parts.quote and _same_or_empty(quote, found):
            parts.quote = found
            continue
        found = _source(block)
        if found and not parts.source and _same_or_empty(source_url, found["url"]):
            parts.source = found
            continue
        (after if parts.quote or parts.source else framing).append(block)
    recognised = bool(parts.quote or parts.source)
    if not recognised:
        framing, after = [], [_trim(head)] if head.strip() else []
    if len(framing) == 1 and not description.strip():
        parts.description = framing.pop()
    elif framing and _plain(" ".join(framing)) == _plain(description):
        framing = []
    pieces = {"summary": framing + after, "analysis": []}
    if not sections:
        pieces["analysis"].append(rest if recognised else body)
    for (kind, _start, end), following in zip(sections, [*sections[1:], None], strict=False):
        pieces[kind].append(body[end : following[1] if following else len(body)])
    parts.summary = "\n\n".join(_trim(p) for p in pieces["summary"] if p.strip())
    parts.analysis = "\n\n".join(_trim(p) for p in pieces["analysis"] if p.strip())
    if not parts.source.get("author"):
        named = _named_in_summary(parts.summary)
        parts.source = {"title": "", "url": "", "publication": "", **parts.source}
        for key, value in named.items():
            parts.source[key] = parts.source.get(key) or value
    return parts


def split(body):
    """(summary, analysis) Markdown."""
    parts = parse(body)
    return parts.summary, parts.analysis


def _sections(body):
    """[(kind, start, end of the heading)] of the "Summary" and "Analysis" headings."""
    found = []
    for match in _HEADING.finditer(body):
        before = body[: match.start()]
        if not match.group(0).lstrip().startswith("#") and before.strip():
            if not re.search(r"\n[ \t]*\n$", before):
                continue  # a label alone on its line must stand as its own paragraph
        found.append((_kind(match.group(0)), match.start(), match.end()))
    for match in _INLINE_LABEL.finditer(body):
        if not any(start <= match.start() < end for _kind_, start, end in found):
            found.append((_kind(match.group(0)), match.start(), match.end()))
    return sorted(found, key=lambda section: section[1])


def _kind(label):
    return "summary" if "summary" in label.lower() else "analysis"


def _leading_head(body):
    """(head, rest) of a body with no heading: the head ends after the last quote or source
    line among its first paragraphs; none found, the head is empty."""
    spans = [m.span() for m in re.finditer(r"(?:[^\n]|\n(?![ \t]*\n))+", body) if m.group().strip()]
    found = [
        (index, end)
        for index, (start, end) in enumerate(spans[:_HEAD_LIMIT])
        if any(_quote(part) is not None or _source(part) for part in _split_lines(body[start:end]))
    ]
    if not found or found[0][0] > 1:  # one framing paragraph at most before them
        return "", body
    return body[: found[-1][1]], body[found[-1][1] :]


def _blocks(text):
    """The head's paragraphs, a quote or source line sharing a paragraph split off."""
    blocks = []
    for paragraph in re.split(r"\n[ \t]*\n", text):
        if paragraph.strip():
            blocks += _split_lines(_trim(paragraph))
    return blocks


def _split_lines(paragraph):
    lines = [line for line in paragraph.strip("\n").split("\n") if line.strip()]
    if len(lines) < 2 or lines[0].lstrip().startswith(">"):
        return [paragraph.strip("\n")]
    if all(_quote(line) is not None or _source(line) for line in lines):
        return lines
    if _source(lines[-1]):
        return ["\n".join(lines[:-1]), lines[-1]]
    return [paragraph.strip("\n")]


def _quote(block):
    """The quoted words of a paragraph that is only a quote (or a blockquote), else None."""
    lines = block.strip().split("\n")
    if all(line.lstrip().startswith(">") for line in lines):
        inner = [re.sub(r"^\s*>[ \t]?", "", line) for line in lines]
        paragraphs = re.split(r"\n[ \t]*\n", "\n".join(inner))
        text = "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())
        return _unquoted(text) or text or None
    return _unquoted(" ".join(block.split()))


def _unquoted(text):
    text = text.strip(_WRAPPERS)
    for opening, closing in _QUOTES:
        marks = re.escape(opening + closing)
        inner = rf"{re.escape(opening)}(?P<inner>[^{marks}]+){re.escape(closing)}[.]?"
        match = re.fullmatch(inner, text)
        if match and match.group("inner").strip():
            return match.group("inner").strip()
    return None


def _source(block):
    """{title, url, author, publication} of a paragraph that is the source line, else {}."""
    text = " ".join(block.split()).strip(_WRAPPERS)
    text = _SOURCE_PREFIX.sub("", text).strip(_WRAPPERS)
    match = _LINK.match(text) or _BARE_URL.match(text)
    if not match:
        return {}
    title = match.groupdict().get("title") or ""
    found = {"title": _clean(title), "url": match.group("url"), "author": "", "publication": ""}
    rest = match.group("rest").strip(_WRAPPERS).lstrip(",;:–—-").strip(_WRAPPERS).rstrip(".")
    if not rest:
        return found
    for pattern in (_BY, _IN, _PAREN):
        if attribution := pattern.match(rest):
            values = attribution.groupdict()
            found["author"] = _clean(values.get("author") or "")
            found["publication"] = _clean(values.get("pub") or "")
            return found
    return {}  # a link inside a sentence: prose, not the source line


def _named_in_summary(summary):
    """{author, publication} named in the summary's first lines, or {}."""
    match = _IN_SUMMARY.search(summary[:600])
    if not match:
        return {}
    publication = re.sub(
        r"(?:\s+(?:de|van|von|der|den|da|di|du|le|la|bin))+$", "", match["pub"] or ""
    )
    return {"author": match["author"].strip(), "publication": _clean(publication)}


def _clean(value):
    """A title or a name without the emphasis, quotes and spaces around it."""
    value = " ".join(value.split()).strip(_WRAPPERS + ",.")
    return (_unquoted(value) or value).strip(_WRAPPERS)


def _same_or_empty(given, found):
    return not (given or "").strip() or _plain(given) == _plain(found)


def _plain(text):
    return " ".join((text or "").split()).strip("“”\"'").casefold()


def _trim(text):
    """Without the blank lines around it; spaces inside the text's lines stay as they are."""
    return re.sub(r"^(?:[ \t]*\n)+", "", text).rstrip("\n")


def join(summary, critique):
    """The body an export writes."""
    sections = [("Summary", summary), ("Analysis", critique)]
    return "\n\n".join(f"## {name}\n\n{_trim(text)}" for name, text in sections if text.strip())


def source_title(title):
    """ "X" from the title "Article analysis: X"."""
    return _TITLE_PREFIX.sub("", title or "").strip()
