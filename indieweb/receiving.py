"""Checking an incoming Webmention (W3C Recommendation, section 3.2): the target must be
a public post of this site, the source an http(s) page elsewhere."""

import ipaddress
import re
from urllib.parse import urlsplit

from django.conf import settings

from core.safe_urls import is_safe_url
from essays.models import Writing

# What a mention's URLs may be: as long as the columns that keep them (indieweb/models.py),
# with no space or control character anywhere, a valid port, no user name or password,
# and a host that is a DNS name (IDNA) or an IP address.
MAX_URL = 2000
UNSAFE = re.compile(r"[\x00-\x20\x7f]")
LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
HOSTNAME = re.compile(rf"{LABEL}(?:\.{LABEL})*\.?")


class Refused(ValueError):
    pass


def well_formed(url, what):
    """``url``, split, if it is an http(s) URL this endpoint can keep and fetch; else
    Refused, saying why."""
    if len(url) > MAX_URL:
        raise Refused(f"{what} is longer than {MAX_URL} characters")
    if UNSAFE.search(url):
        raise Refused(f"{what} holds a space or a control character")
    if not is_safe_url(url):
        raise Refused(f"{what} must be an http(s) URL")
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018  (it raises for a port that is not one)
        host = parts.hostname or ""
    except ValueError:
        raise Refused(f"{what} has a port or host that is not valid") from None
    if parts.username is not None or parts.password is not None:
        raise Refused(f"{what} must not carry a user name or password")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
        try:
            ascii_host = host.encode("idna").decode("ascii")
        except UnicodeError:
            ascii_host = ""
        if not HOSTNAME.fullmatch(ascii_host):
            raise Refused(f"{what} has no valid host name") from None
    return parts, address


def own_hosts(request):
    return {request.get_host().lower(), urlsplit(settings.SITE_URL).netloc.lower()}


def target_post(request, target):
    """The public post ``target`` names; Refused if it names none."""
    parts, _address = well_formed(target, "target")
    if parts.netloc.lower() not in own_hosts(request):
        raise Refused("target is not on this site")
    slug = parts.path.strip("/")
    post = Writing.objects.published().filter(slug=slug).first() if slug else None
    if post is None:
        raise Refused("target is not a post of this site")
    return post


def check_source(request, source, target):
    _parts, address = well_formed(source, "source")
    # A name is checked when the source is fetched (indieweb/fetch.py); an address now.
    if address is not None and not address.is_global:
        if not settings.WEBMENTION_ALLOW_PRIVATE_HOSTS:
            raise Refused("source is not on a public network")
    # The host the mention came to (what readers reach the site by): SITE_URL is left
    # out so that two hosts of one server can mention each other (the round-trip test).
    if urlsplit(source).netloc.lower() == request.get_host().lower():
        raise Refused("source is on this site")
    if source == target:
        raise Refused("source and target are the same")
