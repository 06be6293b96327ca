"""Splitting Markdown into code, directives and text costs time in proportion to its length,
whatever the text: an import of a hostile file must not hang."""

import pytest

from transfer.markup import CODE, DIRECTIVE, TEXT, _Scanner, pieces

HOSTILE = {
    "directives never closed": "{{ " * 20_000,
    "strings never closed": '{{ "' * 15_000,
    "shortcodes never closed": "{{< x " * 10_000,
    "backticks never closed": "{{ `" * 15_000,
    "code elements never closed": "<code>" * 10_000,
    "code spans of every length": "".join("`" * n + " x " for n in range(1, 300)),
    "one long paragraph of spans": "` a ` " * 12_000,
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_text_is_scanned_in_linear_time_and_kept_whole(text):
    scanner = _Scanner(text)
    found = pieces(text, scanner)
    assert "".join(chunk for _kind, chunk in found) == text
    # Without remembering, each "{{" would read on to the end of the text (n² / 2); with
    # it, a scan stops at the first mark an earlier one left (every MARK_EVERY characters).
    assert scanner.scanned <= _Scanner.MARK_EVERY * text.count("{{") + len(text)


def test_remembering_changes_no_answer():
    text = (
        'Intro {{< figure src="a }} b" >}} and {{ "open\n\n'
        "`{{ not a directive }}` then {{% note %}}x{{% /note %}} <code>{{ y }}</code>"
    )
    kinds = [(kind, chunk) for kind, chunk in pieces(text) if kind != TEXT]
    assert kinds == [
        (DIRECTIVE, '{{< figure src="a }} b" >}}'),
        (CODE, "`{{ not a directive }}`"),
        (DIRECTIVE, "{{% note %}}"),
        (DIRECTIVE, "{{% /note %}}"),
        (CODE, "<code>{{ y }}</code>"),
    ]
