"""Front matter: YAML between ``---`` lines or TOML between ``+++`` lines, then the body.

Reading accepts both (as Hugo and Jekyll do); writing always produces YAML.
"""

import re
import tomllib
from datetime import datetime

import yaml

from .errors import Skip

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CLOSERS = {
    "---": re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE),
    "+++": re.compile(r"^\+\+\+[ \t]*$", re.MULTILINE),
}


def split(text):
    """(front matter dict, body) of a Markdown file; raises ``Skip`` when there is none."""
    text = text.replace("\r\n", "\n")
    opener = text[:3]
    if opener not in _CLOSERS or text[3:4] not in ("\n", ""):
        raise Skip("no front matter", "the file does not start with --- or +++")
    end = _CLOSERS[opener].search(text, 4)
    if end is None:
        raise Skip("bad front matter", f"the front matter's closing {opener} is missing")
    raw, body = text[4 : end.start()], text[end.end() :]
    front = _parse_yaml(raw) if opener == "---" else _parse_toml(raw)
    return front, body


def _parse_yaml(raw):
    try:
        front = yaml.load(raw, Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise Skip("bad front matter", f"YAML: {problem}{where}") from error
    if front is None:
        return {}
    if not isinstance(front, dict):
        raise Skip("bad front matter", "YAML front matter is not a mapping of keys to values")
    return front


def _parse_toml(raw):
    try:
        return tomllib.loads(raw)
    except tomllib.TOMLDecodeError as error:
        raise Skip("bad front matter", f"TOML: {error}") from error


class _Dumper(yaml.SafeDumper):
    """Datetimes as ISO 8601 with a "T" and the offset, multi-line text as literal blocks."""


def _datetime(dumper, value):
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


def _text(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(datetime, _datetime)
_Dumper.add_representer(str, _text)


def dump(front, body):
    """A Markdown file: YAML front matter, a blank line, the body."""
    head = yaml.dump(front, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000)
    body = body.strip("\n")
    return f"---\n{head}---\n" + (f"\n{body}\n" if body else "")


def find(front, *keys):
    """(key as written, value) of the first of ``keys`` in ``front``, or (None, None).

    Hugo reads front-matter keys whatever their case (``expiryDate``, ``expirydate``), so
    the match ignores case; ``keys`` are tried in order.
    """
    by_case = {str(key).lower(): key for key in front}
    for key in keys:
        if (written := by_case.get(key.lower())) is not None:
            return written, front[written]
    return None, None


def pop(front, *keys):
    """Like ``find``, and takes the key out of ``front``."""
    key, value = find(front, *keys)
    if key is not None:
        del front[key]
    return key, value
