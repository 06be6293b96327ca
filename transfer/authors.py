"""Who wrote a post: the site's own author shows no byline, anyone else is the byline.

The raw ``author``/``authors``/``by`` values are kept in the metadata, so an export
writes them back as they were. A ``byline`` key sets the byline itself.
"""

from .values import jsonable

KEYS = ("author", "authors", "by")
MAX_LENGTH = 200


def names(value):
    """The names in "A", ["A", "B"] or [{"name": "A"}]."""
    if isinstance(value, list | tuple):
        return [name for item in value for name in names(item)]
    if isinstance(value, dict):
        value = value.get("name") or value.get("display_name") or ""
    return (
        [str(value).strip()] if isinstance(value, str | int | float) and str(value).strip() else []
    )


def byline(raw, default_author):
    """The byline that ``raw`` (the author keys' values) makes."""
    others = []
    for value in raw.values():
        for name in names(value):
            if name.casefold() != default_author.casefold() and name not in others:
                others.append(name)
    return " and ".join(others)


def take(front, meta, default_author, warnings):
    """The byline, taking the author keys out of ``front`` and their raw values into ``meta``."""
    raw = {key: front.pop(key) for key in KEYS if key in front}
    meta.update(jsonable(raw))
    given = front.pop("byline", None)
    text = str(given).strip() if given is not None else byline(raw, default_author)
    if len(text) > MAX_LENGTH:
        warnings.append(("byline shortened", f"to {MAX_LENGTH} characters; all names are kept"))
        text = text[: MAX_LENGTH - 1] + "…"
    return text
