"""Reading a WordPress export (WXR: RSS 2.0 with the wp:, content:, excerpt: and dc:
namespaces) into plain items. The file is untrusted: defusedxml parses it."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from defusedxml import ElementTree
from django.utils import timezone

# Namespace URIs by prefix; the wp: one carries the export version (1.0, 1.1, 1.2...).
_PREFIXES = (
    ("http://wordpress.org/export/", "wp"),
    ("http://wordpress.org/export/1.2/excerpt/", "excerpt"),
    ("http://wordpress.org/export/1.1/excerpt/", "excerpt"),
    ("http://wordpress.org/export/1.0/excerpt/", "excerpt"),
    ("http://purl.org/rss/1.0/modules/content/", "content"),
    ("http://purl.org/dc/elements/1.1/", "dc"),
)
NO_DATE = "0000-00-00 00:00:00"


class WXRError(Exception):
    """The file is not a WordPress export that can be read."""


@dataclass
class Item:
    id: int
    type: str
    status: str
    title: str = ""
    slug: str = ""
    link: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    date_local: str = ""
    date_gmt: str = ""
    parent: int = 0
    attachment_url: str = ""
    categories: list = field(default_factory=list)  # (domain, nicename, name)
    meta: dict = field(default_factory=dict)

    def published_at(self):
        """The post's date as an aware time: the GMT one, else the local one in the
        site's time zone (drafts have a GMT date of zeros), else None."""
        if moment := _parse(self.date_gmt):
            return moment.replace(tzinfo=UTC)
        if moment := _parse(self.date_local):
            return timezone.make_aware(moment, timezone.get_default_timezone())
        return None

    def local_date(self):
        """The date WordPress put in its permalinks: the local one, as written."""
        return _parse(self.date_local) or None


@dataclass
class Export:
    authors: dict  # login -> display name
    items: list
    # The site's own addresses: the channel's <link>, wp:base_blog_url, wp:base_site_url
    # (links in bodies to these hosts are links within the site).
    site_urls: list = field(default_factory=list)


def _parse(value):
    value = (value or "").strip()
    if not value or value == NO_DATE:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def _name(tag):
    """ "{uri}local" as "prefix:local" ("wp:post_id"); a plain tag as it is."""
    if not tag.startswith("{"):
        return tag
    uri, local = tag[1:].split("}", 1)
    for known, prefix in sorted(_PREFIXES, key=lambda pair: -len(pair[0])):
        if uri.startswith(known):
            return f"{prefix}:{local}"
    return local


def _children(element):
    """{name: text} of the element's simple children (the first of each name)."""
    values = {}
    for child in element:
        values.setdefault(_name(child.tag), (child.text or "").strip())
    return values


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def read(path):
    """The export at ``path``; raises WXRError saying what is wrong."""
    try:
        root = ElementTree.parse(path).getroot()
    except ElementTree.ParseError as error:
        raise WXRError(f"not well-formed XML: {error}") from error
    except OSError as error:
        raise WXRError(f"cannot be read: {error}") from error
    except Exception as error:  # defusedxml refuses entities, DTDs...: say why, not a traceback
        raise WXRError(f"refused: {type(error).__name__}: {error}") from error
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise WXRError("not a WordPress export (no <rss><channel>)")
    authors = {}
    for author in channel:
        if _name(author.tag) == "wp:author":
            values = _children(author)
            login = values.get("wp:author_login", "")
            authors[login] = values.get("wp:author_display_name") or login
    items = [_item(element) for element in channel.findall("item")]
    if not items and not authors:
        raise WXRError("not a WordPress export (no items)")
    values = _children(channel)
    site_urls = [values.get(name, "") for name in ("wp:base_blog_url", "link", "wp:base_site_url")]
    return Export(authors=authors, items=items, site_urls=[url for url in site_urls if url])


def _item(element):
    values = _children(element)
    item = Item(
        id=_int(values.get("wp:post_id")),
        type=values.get("wp:post_type", ""),
        status=values.get("wp:status", ""),
        title=values.get("title", ""),
        slug=values.get("wp:post_name", ""),
        link=values.get("link", ""),
        creator=values.get("dc:creator", ""),
        content=_raw(element, "content:encoded"),
        excerpt=values.get("excerpt:encoded", ""),
        date_local=values.get("wp:post_date", ""),
        date_gmt=values.get("wp:post_date_gmt", ""),
        parent=_int(values.get("wp:post_parent")),
        attachment_url=values.get("wp:attachment_url", ""),
    )
    for child in element:
        name = _name(child.tag)
        if name == "category":
            domain, nicename = child.get("domain", ""), child.get("nicename", "")
            item.categories.append((domain, nicename, (child.text or "").strip()))
        elif name == "wp:postmeta":
            meta = _children(child)
            item.meta.setdefault(meta.get("wp:meta_key", ""), meta.get("wp:meta_value", ""))
    return item


def _raw(element, wanted):
    """A child's text unstripped inside (a body's line breaks matter), trimmed at the ends."""
    for child in element:
        if _name(child.tag) == wanted:
            return (child.text or "").strip("\n")
    return ""
