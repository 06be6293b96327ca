"""Split Markdown into code, template directives and text, so rewrites touch text only.

Code is a fenced block, an indented block, an inline code span or an HTML ``<pre>`` or
``<code>`` element: what it shows must never change. A directive is ``{{ … }}`` (Go
templates, Hugo's ``{{< … >}}`` and ``{{% … %}}`` shortcodes), read with its quoted and
back-quoted strings, which may span lines. Everything else is text. Joining the pieces
gives back the input exactly.
"""

import re

CODE, DIRECTIVE, TEXT = "code", "directive", "text"

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_BACKTICKS = re.compile(r"`+")
_INTERESTING = re.compile(r"[\n\\`<{]")
_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_HTML_CODE = re.compile(r"<(pre|code)\b[^>]*>", re.IGNORECASE)
_LONGEST_DIRECTIVE = 20_000


def pieces(text):
    """[(kind, chunk), ...] covering ``text`` in order."""
    out, start, i, n = [], 0, 0, len(text)
    line_start, previous_blank, in_indented = True, True, False

    def emit(kind, end):
        nonlocal start
        if i > start:
            out.append((TEXT, text[start:i]))
        out.append((kind, text[i:end]))
        start = end

    while i < n:
        if line_start:
            line_start = False
            line_end = text.find("\n", i) + 1 or n
            line = text[i:line_end]
            blank = not line.strip()
            fence = _FENCE.match(line)
            if fence:
                end = _fence_end(text, line_end, fence.group(1))
                emit(CODE, end)
                i, line_start, previous_blank, in_indented = end, True, False, False
                continue
            indented = line.startswith(("\t", "    "))
            if indented and not blank and (previous_blank or in_indented):
                emit(CODE, line_end)
                i, line_start, previous_blank, in_indented = line_end, True, False, True
                continue
            in_indented = in_indented and blank
            previous_blank = blank
        char = text[i]
        if char == "\n":
            i, line_start = i + 1, True
        elif char == "\\":
            i += 1 if text.startswith("\n", i + 1) else 2  # an escaped character
        elif char == "`":
            run = len(_BACKTICKS.match(text, i).group(0))
            end = _code_span_end(text, i, run)
            if end:
                emit(CODE, end)
                i = end
            else:
                i += run
        elif char == "<" and (end := _html_code_end(text, i)):
            emit(CODE, end)
            i = end
        elif text.startswith("{{", i) and (end := directive_end(text, i)):
            emit(DIRECTIVE, end)
            i = end
        else:
            # Nothing can start here: jump to the next character that might matter.
            following = _INTERESTING.search(text, i + 1)
            i = following.start() if following else n
    if start < n:
        out.append((TEXT, text[start:]))
    return out


def _fence_end(text, after, fence):
    closer = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", re.MULTILINE)
    match = closer.search(text, after)
    if match is None:
        return len(text)
    return min(match.end() + 1, len(text))


def _code_span_end(text, i, run):
    """The end of the inline code span opened by ``run`` backticks at ``i``, if it closes."""
    paragraph = _BLANK_LINE.search(text, i)
    limit = paragraph.start() if paragraph else len(text)
    closer = re.compile(rf"(?<!`)`{{{run}}}(?!`)")
    match = closer.search(text, i + run, limit)
    return match.end() if match else None


def _html_code_end(text, i):
    """The end of a ``<pre>`` or ``<code>`` element starting at ``i``, if there is one."""
    opening = _HTML_CODE.match(text, i)
    if opening is None:
        return None
    closing = re.compile(rf"</{opening.group(1)}\s*>", re.IGNORECASE).search(text, opening.end())
    return closing.end() if closing else None


def directive_end(text, i):
    """The end of the ``{{ … }}`` directive at ``i``, or None when it never closes."""
    close = {"<": ">}}", "%": "%}}"}.get(text[i + 2 : i + 3], "}}")
    j, limit = i + 2, min(len(text), i + _LONGEST_DIRECTIVE)
    while j < limit:
        if text.startswith(close, j):
            return j + len(close)
        char = text[j]
        if char == '"':
            match = _STRING.match(text, j)
            if match is None:
                return None
            j = match.end()
        elif char == "`":
            end = text.find("`", j + 1)
            if end == -1:
                return None
            j = end + 1
        elif text.startswith("\n\n", j):
            return None
        else:
            j += 1
    return None


def directive_name(chunk):
    """ "youtube" for ``{{< youtube id >}}``, "play" for ``{{play "x.go"}}``."""
    inner = chunk[2:].lstrip("<%").lstrip("- \t\n/")
    match = re.match(r"[\w.]+", inner)
    return match.group(0) if match else inner[:1] or "{{}}"
