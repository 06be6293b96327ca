"""The security headers Django does not send itself: which Content Security Policy a
response gets, ``Permissions-Policy`` and ``Cross-Origin-Resource-Policy``.

Django's ``ContentSecurityPolicyMiddleware`` writes the CSP header; this middleware, placed
after it, only picks the policy. Readers' pages get ``settings.SECURE_CSP``: they run no
script at all, and load styles only from this site. The admin and the Markdown editor's
endpoints get ``settings.SECURE_CSP_ADMIN``: their own scripts and styles, the editor's
requests back to this site, and the ``<style>`` blocks written in the project's admin
templates, allowed by their hashes (``admin_style_hashes``).

The page cache stores whole responses, so a nonce in a cached page would be the same for
every reader: readers' pages use no nonce. Their only inline ``<script>`` elements are
JSON-LD, which browsers never run (a data block is not script), so ``script-src 'none'``
leaves it readable by search engines. SECURITY.md says more.
"""

import base64
import hashlib
import re
from functools import cache

from django.conf import settings

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)

_style_block = re.compile(r"<style>(.*?)</style>", re.DOTALL)


@cache
def admin_style_hashes():
    """``'sha256-...'`` for each ``<style>`` block written in the project's admin
    templates, when it holds no template code (so its text is exactly what is served).

    The hashes come from the files in the repository, never from a response: a style
    injected into a page is not allowed by them.
    """
    folder = settings.BASE_DIR / "templates" / "admin"
    hashes = set()
    for template in sorted(folder.rglob("*.html")):
        for block in _style_block.findall(template.read_text()):
            if "{{" in block or "{%" in block:
                continue
            digest = hashlib.sha256(block.encode()).digest()
            hashes.add(f"'sha256-{base64.b64encode(digest).decode()}'")
    return sorted(hashes)


def is_admin_path(path):
    return path.startswith(tuple(settings.CSP_ADMIN_PATHS))


def corp_value(path):
    """``cross-origin`` for uploaded files (feed readers and podcast apps show a post's
    images and play its audio from other sites), ``same-origin`` for everything else."""
    return "cross-origin" if path.startswith(settings.MEDIA_URL) else "same-origin"


class SecurityHeadersMiddleware:
    """The admin's CSP, ``Permissions-Policy`` and ``Cross-Origin-Resource-Policy``.

    Placed after Django's CSP middleware, so that the policy chosen here is the one it
    writes; a header a view set itself is kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_admin_path(request.path) and not hasattr(response, "_csp_config"):
            policy = dict(settings.SECURE_CSP_ADMIN)
            policy["style-src"] = [*policy.get("style-src", []), *admin_style_hashes()]
            response._csp_config = policy
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", corp_value(request.path))
        return response
