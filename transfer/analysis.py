"""An article analysis's body: a "## Summary" part and a "## Analysis" part.

On import, text before the first of the two headings belongs to the summary; a body with
neither heading is all analysis (the author's own words). On export the two parts are
written back under those headings, so a round trip gives the same two parts.
"""

import re

_HEADING = re.compile(r"^##[ \t]+(summary|analysis)[ \t]*#*[ \t]*$", re.IGNORECASE | re.MULTILINE)
_TITLE_PREFIX = re.compile(r"^\s*article analysis\s*:\s*", re.IGNORECASE)


def split(body):
    """(summary, analysis) Markdown."""
    parts = {"summary": [], "analysis": []}
    headings = list(_HEADING.finditer(body))
    if not headings:
        return "", _trim(body)
    parts["summary"].append(body[: headings[0].start()])
    for heading, following in zip(headings, headings[1:] + [None], strict=True):
        end = following.start() if following else len(body)
        parts[heading.group(1).lower()].append(body[heading.end() : end])
    summary, critique = ("\n\n".join(_trim(p) for p in parts[k] if p.strip()) for k in parts)
    return summary, critique


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
