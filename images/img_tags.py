"""Finding <img> tags in HTML and reading their attributes."""

import re
from html.parser import HTMLParser

# A whole <img ...> tag; quoted attribute values may hold ">".
IMG_TAG = re.compile(r"""<img\b(?:[^>"']|"[^"]*"|'[^']*')*>""", re.IGNORECASE)


class _TagReader(HTMLParser):
    def handle_starttag(self, tag, attrs):
        self.attrs = {name: value or "" for name, value in attrs}

    handle_startendtag = handle_starttag


def attributes(tag):
    """{name: value} of one tag's attributes, entities decoded ("&amp;" is "&")."""
    reader = _TagReader()
    reader.attrs = {}
    reader.feed(tag)
    reader.close()
    return reader.attrs


def img_tags(html):
    """The attributes of every <img> in ``html``, in order."""
    return [attributes(match.group()) for match in IMG_TAG.finditer(html)]
