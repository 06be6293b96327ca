"""When the database cannot answer: a page that needs no database, and the way back.

Django answers an uncaught error with ``handler500`` (``site_cms/urls.py`` names
``server_error``). When that error is the database's, the reader gets a 503 with
``Retry-After`` instead of a 500: the database is down (unreachable, restarting, locked),
or read-only (a failover replica, maintenance), which refuses writes only, so pages that
just read are served as ever. Nothing here touches the database, the session or the
request's context processors, and there is nothing to reset afterwards: each request asks
for a connection again (Django closes one that failed), so the site recovers by itself
when the database is back.
"""

import logging
import sys

from django.db import Error, InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader

RETRY_AFTER_SECONDS = 30
DOWN, READ_ONLY = "down", "read-only"
# PostgreSQL's "read_only_sql_transaction"; SQLite says so in words.
_READ_ONLY_STATE = "25006"

logger = logging.getLogger(__name__)


def database_fault(error):
    """DOWN, READ_ONLY, or None when ``error`` is not the database's trouble."""
    if not isinstance(error, Error):  # InterfaceError is no DatabaseError
        return None
    causes = [error, error.__cause__]
    if any(getattr(cause, "sqlstate", None) == _READ_ONLY_STATE for cause in causes) or (
        "readonly database" in str(error)
    ):
        return READ_ONLY
    if isinstance(error, OperationalError | InterfaceError):
        return DOWN
    return None


def server_error(request):
    """``handler500``: a 503 for the database's faults, else the plain 500 page."""
    fault = database_fault(sys.exc_info()[1])
    if fault is None:
        return HttpResponseServerError(loader.get_template("500.html").render())
    logger.warning("The database is %s: answering 503.", fault)
    page = loader.get_template("503.html").render({"read_only": fault == READ_ONLY})
    response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
