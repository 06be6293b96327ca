"""Filters for text written into a Markdown file (``/llms.txt``): a stored title or
description must stay one line of text, never a heading, list or link of its own."""

import re

from django import template

register = template.Library()

_SPACE = re.compile(r"\s+")
_LINK_TEXT = re.compile(r"([\\\[\]])")
# What marks up text inside a line (each filtered value sits after a line's own "- ",
# "# " or "> ", so nothing in it can start a block once it is one line).
_MARKUP = re.compile(r"([\\`*_\[\]<>])")


@register.filter
def md_line(value):
    """``value`` on one line, its Markdown punctuation escaped: read as plain text."""
    return _MARKUP.sub(r"\\\1", _SPACE.sub(" ", str(value)).strip())


@register.filter
def md_link_text(value):
    """``value`` on one line, fit to sit between a link's brackets."""
    return _LINK_TEXT.sub(r"\\\1", _SPACE.sub(" ", str(value)).strip())
