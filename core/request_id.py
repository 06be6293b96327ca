"""A request id on every request: taken from the proxy's ``X-Request-ID`` when it sent a
sane one, else made here; sent back in the response's ``X-Request-ID``, and written in
every log line made while the request is served (``RequestIdFilter``, the ``%(request_id)s``
of the log format), so that a reader's report, the proxy's log and ours meet."""

import logging
import re
import uuid
from contextvars import ContextVar

HEADER = "X-Request-ID"
# What is taken from outside: short, and nothing a log line could be forged with.
SANE = re.compile(r"[A-Za-z0-9._@:+=-]{8,64}")

current = ContextVar("request_id", default="-")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(HEADER, "")
        request_id = given if SANE.fullmatch(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Gives each record ``request_id``: the request's, or "-" outside one."""

    def filter(self, record):
        record.request_id = current.get()
        return True
