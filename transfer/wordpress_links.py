"""Links between the items of a WordPress export, pointed at where the items live here.

An ``href`` in a body is a link within the site when, read against the item's own
permalink (so ``../other/`` and ``/2019/03/05/slug/`` count as well as full URLs), it
leads to the export's host: the channel's ``<link>``, ``wp:base_blog_url`` or
``wp:base_site_url``, or an item's permalink, over http or https, with or without
``www.``. It is rewritten when its path is an old address of a post or page of the
export: the item's ``link``, ``/?p=ID``, ``/?page_id=ID`` (pages) or a date permalink
(``/YYYY/MM/DD/slug/``, ``/YYYY/MM/slug/``), with or without the trailing slash, under
the blog's path when WordPress lived in a folder. The fragment (``#part``) is kept. A
link to another host, to an item not in the export, or with any other query, is left
as it is.
"""

import re
from html import unescape
from urllib.parse import unquote, urljoin, urlsplit

# Bounded, and a quoted value cannot hold its own quote: each href costs at most the
# length of its value, so a hostile body costs time in proportion to its length.
_HREF = re.compile(
    r"""(\bhref[ \t\n]{0,20}=[ \t\n]{0,20})(?:"([^"<>]{0,2000}+)"|'([^'<>]{0,2000}+)')""",
    re.IGNORECASE,
)
_ID_QUERY = re.compile(r"(?:p|page_id)=[0-9]{1,12}")


class Links:
    """The old addresses of an export's posts and pages, and the rewriting of links to them."""

    def __init__(self, site_urls):
        self.hosts = {_host(url) for url in site_urls} - {""}
        home = next((url for url in site_urls if url), "")
        self.base = unquote(urlsplit(home).path).rstrip("/")  # "/blog", or ""
        self.home = home
        self.addresses = {}  # key of an old address -> item ID

    def add(self, item):
        """Note the item's old addresses (the first item to claim one keeps it)."""
        if item.link and (host := _host(item.link)):
            self.hosts.add(host)
        for path in self.old_paths(item):
            self.addresses.setdefault(_key(path), item.id)

    def old_paths(self, item):
        base = self.base
        paths = {f"{base}/?p={item.id}"}
        if item.type == "page":
            paths.add(f"{base}/?page_id={item.id}")
        link = urlsplit(item.link)
        if link.path.strip("/") and link.path.rstrip("/") != base:
            paths.add(unquote(link.path))
        elif _ID_QUERY.fullmatch(link.query):
            paths.add(f"{base}/?{link.query}")
        day, slug = item.local_date(), unquote(item.slug)
        if item.type == "post" and day and slug:
            paths.add(f"{base}/{day:%Y/%m/%d}/{slug}/")
            paths.add(f"{base}/{day:%Y/%m}/{slug}/")
        return paths

    def rewrite(self, html, page_url, urls):
        """(``html`` with its links to items in ``urls`` (ID -> new URL) pointed there,
        how many were)."""
        count = 0
        page_url = page_url or self.home

        def replace(match):
            nonlocal count
            quote = '"' if match.group(2) is not None else "'"
            value = match.group(2) if match.group(2) is not None else match.group(3)
            new = self._new_url(value, page_url, urls)
            if new is None:
                return match.group(0)
            count += 1
            return f"{match.group(1)}{quote}{new}{quote}"

        return _HREF.sub(replace, html), count

    def _new_url(self, value, page_url, urls):
        href = unescape(value).strip()
        if not href or href.startswith("#"):
            return None  # a place in the page itself
        try:
            parts = urlsplit(urljoin(page_url, href))
        except ValueError:  # a malformed URL (an unclosed IPv6 host...): not a link of ours
            return None
        if parts.scheme not in ("http", "https", "") or (
            parts.netloc and _host(parts.geturl()) not in self.hosts
        ):
            return None
        path = unquote(parts.path) or "/"
        if parts.query:
            if path.rstrip("/") != self.base or not _ID_QUERY.fullmatch(parts.query):
                return None
            path = f"{self.base}/?{parts.query}"
        item_id = self.addresses.get(_key(path))
        new = urls.get(item_id) if item_id is not None else None
        if new is None:
            return None
        return f"{new}#{parts.fragment}" if parts.fragment else new


def _host(url):
    """The URL's host, its port if it gives one, without ``www.``; "" if unreadable."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").removeprefix("www.")
        return f"{host}:{parts.port}" if parts.port and host else host
    except ValueError:
        return ""


def _key(path):
    """An old address as looked up: lower case, no trailing slash."""
    return path.lower().rstrip("/") or "/"
