"""A Hugo site's configuration, read once for the importer: its ``timeZone`` here, its
URL settings in ``hugo_urls``.

Hugo reads a date written without an offset as a wall time in the site's ``timeZone``
(else the machine's), so the importer must too, or a post moves by hours.
"""

import json
import tomllib
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

NAMES = ("hugo", "config")
SUFFIXES = (".toml", ".yaml", ".yml", ".json")
FALLBACK = "dates without an offset are read in this site's TIME_ZONE"


def candidates(root):
    """The configuration files Hugo would read under ``root``, in its order: the first
    of hugo.* / config.* at the top, then every one in config/_default/ over it."""
    top = [root / f"{name}{suffix}" for name in NAMES for suffix in SUFFIXES]
    default = root / "config" / "_default"
    found = [next((path for path in top if path.is_file()), None)]
    found += [default / f"{name}{suffix}" for name in NAMES for suffix in SUFFIXES]
    found += [default / f"permalinks{suffix}" for suffix in SUFFIXES]
    return [path for path in found if path is not None and path.is_file()]


def read(root):
    """(settings with lower-cased keys, whether any file was found, problems to report).

    Hugo's keys are case-insensitive. A ``config/_default/permalinks.*`` file is the
    ``permalinks`` table. A file that cannot be parsed is reported and left out.
    """
    settings, problems = {}, []
    paths = candidates(root)
    for path in paths:
        try:
            data = _load(path)
        except (ValueError, yaml.YAMLError, UnicodeDecodeError) as error:
            problems.append(f"{path.name} cannot be read ({type(error).__name__})")
            continue
        if not isinstance(data, dict):
            continue
        if path.stem == "permalinks":
            settings["permalinks"] = data
        else:
            settings.update({str(key).lower(): value for key, value in data.items()})
    return settings, bool(paths), problems


def time_zone(root):
    """(the site's time zone or None, a problem to report or None)."""
    settings, _found, problems = read(root)
    if problems:
        return None, f"{problems[0]}: {FALLBACK}"
    name = settings.get("timezone")
    if name is None:
        return None, None
    try:
        return ZoneInfo(str(name).strip()), None
    except (ZoneInfoNotFoundError, ValueError):
        return None, f"timeZone {name!r} is not a known zone: {FALLBACK}"


def _load(path):
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix == ".toml":
        return tomllib.loads(text)
    if path.suffix == ".json":
        return json.loads(text)
    return yaml.safe_load(text)
