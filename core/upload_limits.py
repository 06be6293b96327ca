"""Refuse a request body that is too large before anything reads it: 413, with a message.

Django reads a request's body lazily, when something first asks for ``request.POST`` or
``request.FILES`` (the CSRF check, a form), and then reads all of it: a 100 MB upload
would be received in full before the 10 MB image limit could refuse it. This middleware
looks at the ``Content-Length`` header only, first of all, and answers at once.

Limits, from settings:

- ``UPLOAD_REQUEST_MAX_BYTES`` (default 12 MB: an image at ``IMAGE_UPLOAD_MAX_BYTES`` and
  the rest of its form) under ``UPLOAD_REQUEST_PATHS`` (default the admin and the
  editor's endpoints, ``/admin/`` and ``/markdownx/``);
- ``REQUEST_MAX_BYTES`` (default 1 MB) everywhere else: the public site takes no uploads.

A body sent in chunks, without ``Content-Length``, is one Django would read as empty
(WSGI gives it no length): a POST or PUT that announces one is answered 411, Length
Required, rather than passed on as a form with nothing in it.
"""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MB = 1024 * 1024
DEFAULT_UPLOAD_MAX_BYTES = 12 * MB
DEFAULT_MAX_BYTES = 1 * MB
DEFAULT_UPLOAD_PATHS = ("/admin/", "/markdownx/")


def limit_for(path):
    """The most bytes a request body to ``path`` may have."""
    paths = getattr(settings, "UPLOAD_REQUEST_PATHS", DEFAULT_UPLOAD_PATHS)
    if path.startswith(tuple(paths)):
        return getattr(settings, "UPLOAD_REQUEST_MAX_BYTES", DEFAULT_UPLOAD_MAX_BYTES)
    return getattr(settings, "REQUEST_MAX_BYTES", DEFAULT_MAX_BYTES)


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = request.META.get("CONTENT_LENGTH") or ""
        if not length:
            chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
            if chunked and request.method in ("POST", "PUT", "PATCH"):
                message = _("Send this request with a Content-Length header.")
                return refusal(request, message, status=411)
            return self.get_response(request)
        limit = limit_for(request.path_info)
        if length.isdigit() and int(length) > limit:
            size = f"{limit // MB} MB" if limit % MB == 0 else filesizeformat(limit)
            message = _("This request is larger than %(size)s, the most this address accepts.")
            return refusal(request, message % {"size": size}, status=413)
        return self.get_response(request)


def refusal(request, message, status):
    """The answer, in the words the client shows: JSON for the editor's script
    (markdownx inserts ``image_code`` where the image would have gone), text otherwise.
    The rest of the body is never read: gunicorn's sync workers close the connection
    after each answer."""
    if request.headers.get("x-requested-with") == "XMLHttpRequest":
        return JsonResponse({"image": [message], "image_code": f"[{message}]"}, status=status)
    return HttpResponse(message, content_type="text/plain; charset=utf-8", status=status)
