"""Fetching another site's page, bounded: http(s) only, a short timeout, a size limit,
and (unless ``WEBMENTION_ALLOW_PRIVATE_HOSTS``) no address on a private network, so a
mention cannot make the site read its own internals. What is read is parsed for links,
never rendered."""

import http.client
import ipaddress
import socket
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from core.safe_urls import is_safe_url

TIMEOUT = 5  # seconds
MAX_BYTES = 1024 * 1024
USER_AGENT = "site_cms-webmention/1.0"


class FetchError(Exception):
    pass


def _public_host(url):
    if settings.WEBMENTION_ALLOW_PRIVATE_HOSTS:
        return True
    try:
        host = urlsplit(url).hostname or ""
        infos = socket.getaddrinfo(host, None)
    except (OSError, ValueError, UnicodeError):
        return False
    return all(ipaddress.ip_address(info[4][0].split("%")[0]).is_global for info in infos)


def check_url(url):
    if not is_safe_url(url):
        raise FetchError(f"not an http(s) URL: {url!r}")
    if not _public_host(url):
        raise FetchError(f"not a public host: {url!r}")


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = 3

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        check_url(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_opener = urllib.request.build_opener(_Redirects)


@dataclass
class Page:
    url: str
    status: int
    headers: dict
    text: str


def request(url, data=None):
    """GET (or POST ``data``, form-encoded) ``url``; raises FetchError on anything odd."""
    check_url(url)
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html, */*;q=0.5"}
    if data is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        req = urllib.request.Request(url, data=data, headers=headers)
        with _opener.open(req, timeout=TIMEOUT) as response:
            raw = response.read(MAX_BYTES + 1)
            if len(raw) > MAX_BYTES:
                raise FetchError(f"over {MAX_BYTES} bytes: {url}")
            charset = response.headers.get_content_charset() or "utf-8"
            return Page(
                response.geturl(),
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                raw.decode(charset, errors="replace"),
            )
    # URLError, HTTPError, timeouts; a URL http.client refuses (InvalidURL), an answer
    # it cannot read (HTTPException), a bad port or host (ValueError, UnicodeError).
    except (OSError, ValueError, UnicodeError, http.client.HTTPException) as error:
        raise FetchError(f"{url}: {error}") from error


@dataclass
class Parsed:
    links: list = field(default_factory=list)  # absolute hrefs of <a>
    endpoints: list = field(default_factory=list)  # rel=webmention hrefs, in order
    title: str = ""
    author: str = ""
    description: str = ""


class _Parser(HTMLParser):
    def __init__(self, base):
        super().__init__(convert_charrefs=True)
        self.base, self.parsed, self._in_title = base, Parsed(), False

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        rels = attrs.get("rel", "").lower().split()
        if tag in ("a", "link") and "href" in attrs:
            href = urljoin(self.base, attrs["href"].strip())
            if "webmention" in rels:
                self.parsed.endpoints.append(href)
            if tag == "a":
                self.parsed.links.append(href)
        elif tag == "title":
            self._in_title = True
        elif tag == "meta":
            name = attrs.get("name", attrs.get("property", "")).lower()
            if name == "author":
                self.parsed.author = attrs.get("content", "")
            elif name in ("description", "og:description") and not self.parsed.description:
                self.parsed.description = attrs.get("content", "")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.parsed.title += data


def parse(page):
    parser = _Parser(page.url)
    parser.feed(page.text)
    parser.close()
    parsed = parser.parsed
    parsed.title = " ".join(parsed.title.split())
    return parsed


def link_header_endpoints(page):
    """rel=webmention targets of the Link header(s), resolved against the page's URL."""
    found = []
    for part in page.headers.get("link", "").split(","):
        if ";" not in part:
            continue
        url, *params = part.split(";")
        for param in params:
            key, _eq, value = param.partition("=")
            rels = value.strip().strip('"').lower().split()
            if key.strip().lower() == "rel" and "webmention" in rels:
                found.append(urljoin(page.url, url.strip().strip("<>")))
                break
    return found
