"""Front-matter values as the models want them: times, booleans, durations, sizes, lists.

Front matter is written by hand, so each parser accepts the usual spellings and raises
``ValueError`` for anything else; the caller decides whether that skips the post or only
keeps the raw value in the post's metadata.
"""

import math
import re
from datetime import UTC, date, datetime, time

from django.utils import timezone

# Hugo reads dates with spf13/cast's StringToDate; these are its layouts that Python's
# ISO parser does not already take, as strptime patterns (after the zone name is dropped,
# see _ZONE_NAME), and a few spellings authors use that Hugo's templates print.
_DATE_FORMATS = (
    "%a, %d %b %Y %H:%M:%S %z",  # RFC 1123 with a numeric zone
    "%a, %d %b %Y %H:%M:%S",  # RFC 1123 (its zone name dropped)
    "%d %b %y %H:%M %z",  # RFC 822 with a numeric zone
    "%d %b %y %H:%M",  # RFC 822
    "%A, %d-%b-%y %H:%M:%S",  # RFC 850
    "%a %b %d %H:%M:%S %Y",  # ANSIC, and Unix date(1) output without its zone name
    "%a %b %d %H:%M:%S %z %Y",  # Ruby's Time#to_s
    "%d %b %Y",  # 02 Jan 2006
    "%d %B %Y",  # 2 January 2006
    "%b %d, %Y",  # Jan 2, 2006
    "%B %d, %Y",  # January 2, 2006
    "%Y/%m/%d",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
)
# A zone name after the time (RFC 1123 "GMT", Unix date "MST", Go's Time.String()
# "-0700 MST"). Hugo ignores the name and reads the wall time in the site's time zone
# (or keeps the numeric offset when there is one); so does this.
_ZONE_NAME = re.compile(r"(?:(?<=:\d\d)|(?<=[+-]\d{4}))\s+[A-Za-z]{1,5}(?=\s+\d{4}$|$)")
# "2006-01-02 15:04:05 -07:00": the space before the offset, which ISO leaves out.
_SPACED_OFFSET = re.compile(r"^(\d{4}-\d\d-\d\d[T ][\d:.]+) ([+-]\d\d:?\d\d)$")
# Go's Kitchen and Stamp layouts: cast reads them, as a time in the year 0.
_TIME_ONLY = re.compile(r"^(?:[A-Za-z]{3} \d{1,2} )?\d{1,2}:\d\d(?::\d\d(?:\.\d+)?)?(?:[AP]M)?$")


def parse_datetime(value, tz=None):
    """An aware datetime from a YAML/TOML date, datetime or string, as Hugo reads it.

    A value without an offset is a wall time in ``tz`` (the Hugo site's ``timeZone``),
    else in the current time zone. A number is a Unix time, as Hugo takes it. Raises
    ``ValueError`` saying what was wrong.
    """
    if isinstance(value, bool):
        raise ValueError(f"not a date: {value!r}")
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC)
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    elif isinstance(value, str) and value.strip():
        moment = _datetime_from_text(value.strip())
    else:
        raise ValueError(f"not a date: {value!r}")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, tz or timezone.get_current_timezone())
    return moment


_UNPADDED = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?=$|[T ])")


def _datetime_from_text(text):
    text = " ".join(text.split())  # ANSIC pads the day with a space: "Jan  2"
    # "2024-4-09": Hugo and the Go blog accept months and days without their zero.
    text = _UNPADDED.sub(lambda m: f"{m[1]}-{int(m[2]):02}-{int(m[3]):02}", text)
    text = _ZONE_NAME.sub("", text)
    text = _SPACED_OFFSET.sub(r"\1\2", text)
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    if _TIME_ONLY.match(text):
        raise ValueError(f"a time without a year: {text!r}")
    raise ValueError(
        f"not a date: {text!r} (write it as 2006-01-02, 2006-01-02T15:04:05-07:00 "
        "or another form Hugo reads)"
    )


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
