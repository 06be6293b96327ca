"""Sending Webmentions at go-live (a go-live hook, ``GOLIVE_HOOKS``): for each link of
the post to another site, discover its endpoint and notify it. Bounded: at most
``WEBMENTION_SEND_MAX`` links, each fetch with a short timeout and a size limit. A link
with no endpoint, or one that fails, is logged and skipped: it does not fail the hook
(which would send the others again)."""

import logging
from urllib.parse import urlencode, urlsplit

from django.conf import settings

from essays.models import Writing

from .fetch import FetchError, Page, link_header_endpoints, parse, request

logger = logging.getLogger(__name__)


def external_links(html, own_url):
    own_host = urlsplit(own_url).netloc.lower()
    links = []
    for link in parse(Page(own_url, 200, {}, html)).links:
        parts = urlsplit(link)
        if parts.scheme in ("http", "https") and parts.netloc.lower() != own_host:
            link = link.split("#")[0]
            if link not in links:
                links.append(link)
    return links


def discover(target):
    """The target's webmention endpoint (Link header first, then the HTML), or None."""
    page = request(target)
    found = link_header_endpoints(page)
    if not found and "html" in page.headers.get("content-type", "html"):
        found = parse(page).endpoints
    return found[0] if found else None


def send_webmentions(event):
    """The go-live hook: returns the targets notified."""
    if not settings.WEBMENTION_SEND:
        return []
    writing = Writing.objects.filter(pk=event.id).first()
    if writing is None:
        return []
    post = writing.specific
    html = "\n".join(getattr(post, field) for _source, field in post.markdown_fields())
    sent = []
    for target in external_links(html, event.url)[: settings.WEBMENTION_SEND_MAX]:
        try:
            endpoint = discover(target)
            if endpoint:
                request(endpoint, urlencode({"source": event.url, "target": target}).encode())
                sent.append(target)
        except FetchError as error:
            logger.info("Webmention to %s not sent: %s", target, error)
    return sent
