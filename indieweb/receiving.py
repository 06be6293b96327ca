"""Checking an incoming Webmention (W3C Recommendation, section 3.2): the target must be
a public post of this site, the source an http(s) page elsewhere."""

from urllib.parse import urlsplit

from django.conf import settings

from core.safe_urls import is_safe_url
from essays.models import Writing


class Refused(ValueError):
    pass


def own_hosts(request):
    return {request.get_host().lower(), urlsplit(settings.SITE_URL).netloc.lower()}


def target_post(request, target):
    """The public post ``target`` names; Refused if it names none."""
    if not is_safe_url(target):
        raise Refused("target must be an http(s) URL")
    parts = urlsplit(target)
    if parts.netloc.lower() not in own_hosts(request):
        raise Refused("target is not on this site")
    slug = parts.path.strip("/")
    post = Writing.objects.published().filter(slug=slug).first() if slug else None
    if post is None:
        raise Refused("target is not a post of this site")
    return post


def check_source(request, source, target):
    if not is_safe_url(source):
        raise Refused("source must be an http(s) URL")
    # The host the mention came to (what readers reach the site by): SITE_URL is left
    # out so that two hosts of one server can mention each other (the round-trip test).
    if urlsplit(source).netloc.lower() == request.get_host().lower():
        raise Refused("source is on this site")
    if source == target:
        raise Refused("source and target are the same")
