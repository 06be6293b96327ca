"""Split Markdown into code, template directives and text, so rewrites touch text only.

Code is a fenced block, an indented block, an inline code span or an HTML ``<pre>`` or
``<code>`` element: what it shows must never change. A directive is ``{{ … }}`` (Go
templates, Hugo's ``{{< … >}}`` and ``{{% … %}}`` shortcodes), read with its quoted and
back-quoted strings, which may span lines. Everything else is text. Joining the pieces
gives back the input exactly.
"""

import functools
import re

CODE, DIRECTIVE, TEXT = "code", "directive", "text"

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_BACKTICKS = re.compile(r"`+")
_INTERESTING = re.compile(r"[\n\\`<{]")
_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_HTML_CODE = re.compile(r"<(pre|code)\b[^>]*>", re.IGNORECASE)
_LONGEST_DIRECTIVE = 20_000


def pieces(text, scanner=None):
    """[(kind, chunk), ...] covering ``text`` in order, in time linear in its length:
    every search forward remembers what it found (``_Scanner``)."""
    scan = scanner or _Scanner(text)
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
            end = scan.code_span_end(i, run)
            if end:
                emit(CODE, end)
                i = end
            else:
                i += run
        elif char == "<" and (end := scan.html_code_end(i)):
            emit(CODE, end)
            i = end
        elif text.startswith("{{", i) and (end := scan.directive_end(i)):
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


class _Scanner:
    """The searches ``pieces`` makes forward from many places in one text, each answer
    remembered, so that a hostile text (``{{`` a thousand times, never closed; ``<code>``
    repeated) costs time in proportion to its length, not to its square."""

    # A directive's scan leaves a mark every so many characters: a later scan that reaches
    # a mark knows the answer, so every character is scanned a bounded number of times.
    MARK_EVERY = 16

    def __init__(self, text):
        self.text = text
        self.directive_ends = {}  # (position, closer) -> end of the scan from there, or None
        self.closings = {}  # closing pattern -> (searched from, match or None)
        self.blank_line = (-1, None)  # (searched from, the next blank line's start)
        self.scanned = 0  # characters read by directive scans, all told

    def _search_once(self, pattern, start):
        """``pattern.search(text, start)``, remembering the answer: a later search from a
        place before that match (or from anywhere, when there was none) gives the same."""
        searched, match = self.closings.get(pattern, (None, None))
        if searched is not None and searched <= start and (match is None or start <= match.start()):
            return match
        match = pattern.search(self.text, start)
        self.closings[pattern] = (start, match)
        return match

    def next_blank_line(self, i):
        searched, found = self.blank_line
        if not (0 <= searched <= i and (found is None or i <= found)):
            match = _BLANK_LINE.search(self.text, i)
            found = match.start() if match else None
            self.blank_line = (i, found)
        return found

    def code_span_end(self, i, run):
        """The end of the inline code span opened by ``run`` backticks at ``i``, if it
        closes within its paragraph."""
        limit = self.next_blank_line(i)
        limit = len(self.text) if limit is None else limit
        match = self._search_once(_closing_backticks(run), i + run)
        return match.end() if match and match.end() <= limit else None

    def html_code_end(self, i):
        """The end of a ``<pre>`` or ``<code>`` element starting at ``i``, if there is one."""
        opening = _HTML_CODE.match(self.text, i)
        if opening is None:
            return None
        closing = self._search_once(_closing_tag(opening.group(1).lower()), opening.end())
        return closing.end() if closing else None

    def directive_end(self, i):
        """The end of the ``{{ … }}`` directive at ``i``, or None when it never closes
        (within ``_LONGEST_DIRECTIVE`` characters)."""
        text = self.text
        close = {"<": ">}}", "%": "%}}"}.get(text[i + 2 : i + 3], "}}")
        end = self._scan(i + 2, close)
        return end if end is not None and end - i <= _LONGEST_DIRECTIVE else None

    def _scan(self, j, close):
        """Where the directive's closer is found reading from ``j`` (strings skipped), or
        None: the same answer for every scan that passes through ``j``."""
        text, n, known = self.text, len(self.text), self.directive_ends
        marks, end, steps = [], None, 0
        while j < n:
            if (j, close) in known:
                end = known[(j, close)]
                break
            if steps % self.MARK_EVERY == 0:
                marks.append(j)
            steps += 1
            if text.startswith(close, j):
                end = j + len(close)
                break
            char = text[j]
            if char == '"':
                match = _STRING.match(text, j)
                if match is None:
                    break
                j = match.end()
            elif char == "`":
                after = text.find("`", j + 1)
                if after == -1:
                    break
                j = after + 1
            elif text.startswith("\n\n", j):
                break
            else:
                j += 1
        for mark in marks:
            known[(mark, close)] = end
        self.scanned += steps
        return end


@functools.cache
def _closing_backticks(run):
    return re.compile(rf"(?<!`)`{{{run}}}(?!`)")


@functools.cache
def _closing_tag(name):
    return re.compile(rf"</{name}\s*>", re.IGNORECASE)


def directive_end(text, i):
    """The end of the ``{{ … }}`` directive at ``i`` of ``text``, or None."""
    return _Scanner(text).directive_end(i)


def directive_name(chunk):
    """ "youtube" for ``{{< youtube id >}}``, "play" for ``{{play "x.go"}}``."""
    inner = chunk[2:].lstrip("<%").lstrip("- \t\n/")
    match = re.match(r"[\w.]+", inner)
    return match.group(0) if match else inner[:1] or "{{}}"
