"""Front-matter values as the models want them: times, booleans, durations, sizes, lists.

Front matter is written by hand, so each parser accepts the usual spellings and raises
``ValueError`` for anything else; the caller decides whether that skips the post or only
keeps the raw value in the post's metadata.
"""

import math
import re
from datetime import date, datetime, time

from django.utils import timezone

_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%Y/%m/%d", "%Y/%m/%d %H:%M")


def parse_datetime(value):
    """An aware datetime from a YAML/TOML date, datetime or string; naive ones are local time."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    elif isinstance(value, str) and value.strip():
        moment = _datetime_from_text(value.strip())
    else:
        raise ValueError(f"not a date: {value!r}")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


_UNPADDED = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?=$|[T ])")


def _datetime_from_text(text):
    # "2024-4-09": Hugo and the Go blog accept months and days without their zero.
    text = _UNPADDED.sub(lambda m: f"{m[1]}-{int(m[2]):02}-{int(m[3]):02}", text)
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}")


def parse_bool(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str) and value.strip().lower() in {"true", "yes", "on", "1"}:
        return True
    if isinstance(value, str) and value.strip().lower() in {"false", "no", "off", "0", ""}:
        return False
    raise ValueError(f"not true or false: {value!r}")


_ISO_DURATION = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$", re.IGNORECASE)


def parse_duration(value):
    """Seconds from 754, "754", "12:34", "1:02:03" or "PT12M34S".

    YAML 1.1 already reads an unquoted 12:34 as 754 (base 60).
    """
    if isinstance(value, bool):
        raise ValueError(f"not a duration: {value!r}")
    if isinstance(value, int | float) and value >= 0:
        return round(value)
    text = str(value).strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return round(float(text))
    if re.fullmatch(r"\d+(:[0-5]?\d){1,2}", text):
        seconds = 0
        for part in text.split(":"):
            seconds = seconds * 60 + int(part)
        return seconds
    match = _ISO_DURATION.match(text)
    if match and any(match.groups()):
        hours, minutes, seconds = (float(part or 0) for part in match.groups())
        return round(hours * 3600 + minutes * 60 + seconds)
    raise ValueError(f"not a duration: {value!r}")


_UNITS = {"b": 1, "kb": 1_000, "mb": 1_000_000, "gb": 1_000_000_000}


def parse_size(value):
    """Bytes from 12345, "12345" or "12.3 MB" (decimal units, as the site shows them)."""
    if isinstance(value, bool):
        raise ValueError(f"not a size: {value!r}")
    if isinstance(value, int) and value >= 0:
        return value
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([kmg]?b)?", str(value).strip(), re.IGNORECASE)
    if not match:
        raise ValueError(f"not a size: {value!r}")
    return round(float(match[1]) * _UNITS[(match[2] or "b").lower()])


def as_list(value, split_commas=False):
    """A list from a list, a single value or (for tags) a comma-separated string."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    if split_commas and isinstance(value, str):
        return [part for part in value.split(",") if part.strip()]
    return [value]


def jsonable(value):
    """The value as JSON can hold it (dates become ISO strings), for ``Writing.metadata``."""
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(item) for item in value]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
