"""What the importer needs from a Hugo site's configuration: its ``timeZone``.

Hugo reads a date written without an offset as a wall time in the site's ``timeZone``
(else the machine's), so the importer must too, or a post moves by hours.
"""

import json
import tomllib
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

NAMES = ("hugo", "config")
SUFFIXES = (".toml", ".yaml", ".yml", ".json")
FOLDERS = (".", "config/_default")
FALLBACK = "dates without an offset are read in this site's TIME_ZONE"


def config_file(root):
    """The site's configuration file under ``root``, as Hugo looks for it, or None."""
    for folder in FOLDERS:
        for name in NAMES:
            for suffix in SUFFIXES:
                path = root / folder / f"{name}{suffix}"
                if path.is_file():
                    return path
    return None


def time_zone(root):
    """(the site's time zone or None, a problem to report or None)."""
    path = config_file(root)
    if path is None:
        return None, None
    try:
        config = _load(path)
    except (ValueError, yaml.YAMLError, UnicodeDecodeError) as error:
        return None, f"{path.name} cannot be read ({type(error).__name__}): {FALLBACK}"
    if not isinstance(config, dict):
        return None, None
    name = next((value for key, value in config.items() if str(key).lower() == "timezone"), None)
    if name is None:
        return None, None
    try:
        return ZoneInfo(str(name).strip()), None
    except (ZoneInfoNotFoundError, ValueError):
        return None, f"{path.name}: timeZone {name!r} is not a known zone: {FALLBACK}"


def _load(path):
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix == ".toml":
        return tomllib.loads(text)
    if path.suffix == ".json":
        return json.loads(text)
    return yaml.safe_load(text)
