"""The site's logs: one line per request (``RequestLogMiddleware``, logger
``site_cms.requests``), and ``JsonFormatter``, which writes each record as one JSON object
per line (``LOG_FORMAT=json``, production's default) for a log collector to read.

Every record made while a request is served carries its id (core/request_id.py).
"""

import json
import logging
import re
import time
from datetime import UTC, datetime

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .client_ip import client_ip
from .request_id import current

logger = logging.getLogger("site_cms.requests")

# What every LogRecord has; anything else on a record was given in ``extra``, but for
# the request Django's own records carry (its text has the query string, and the fields of
# the request's line say the rest).
STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "request",
}
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class JsonFormatter(logging.Formatter):
    """One line of JSON per record: time (UTC, ISO 8601), level, logger, message, the
    record's extra fields (the request log's method, path, status...), its request id and,
    when there is one, the exception's traceback (``exc``)."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update((key, value) for key, value in vars(record).items() if key not in STANDARD)
        # The handler's RequestIdFilter gives it; a handler without one still gets it.
        request_id = entry.get("request_id", current.get())
        entry["request_id"] = None if request_id == "-" else request_id
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str)


def _escaped(text):
    """``text`` with no control character: a path cannot start a forged log line."""
    return CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def user_id(request):
    """The signed-in user's id, at no cost for readers: a lazy user is only looked at when
    the request brought a session cookie (without one, it can only be anonymous)."""
    user = getattr(request, "user", None)
    if user is None or (
        isinstance(user, SimpleLazyObject) and settings.SESSION_COOKIE_NAME not in request.COOKIES
    ):
        return None
    return user.pk if user.is_authenticated else None


def response_bytes(response):
    if not response.streaming:
        return len(response.content)
    length = response.get("Content-Length")
    return int(length) if length and length.isdigit() else None


class RequestLogMiddleware:
    """One INFO line on ``site_cms.requests`` per request, made as its answer leaves:
    method, path (never the query string, which may carry a token), status, duration_ms,
    request_id, remote_ip, user_id (or null) and bytes (null for a stream of unknown length).

    It sits just inside ``RequestIdMiddleware``, so it times nearly all of the request,
    and the page cache's answers and the refusals of an oversized body are logged too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not logger.isEnabledFor(logging.INFO):
            return self.get_response(request)
        start = time.perf_counter()
        response = None
        try:
            response = self.get_response(request)
            return response
        finally:
            self._log(request, response, time.perf_counter() - start)

    def _log(self, request, response, seconds):
        status = response.status_code if response is not None else 500
        method, path = _escaped(request.method or ""), _escaped(request.path)
        duration_ms = round(seconds * 1000, 1)
        logger.info(
            "%s %s %s %sms",
            method,
            path,
            status,
            duration_ms,
            extra={
                "method": method,
                "path": request.path,
                "status": status,
                "duration_ms": duration_ms,
                "request_id": current.get(),
                "remote_ip": client_ip(request),
                "user_id": user_id(request) if response is not None else None,
                "bytes": response_bytes(response) if response is not None else None,
            },
        )
