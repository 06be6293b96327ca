"""The address Hugo gave each content file, so that an import can keep every old URL working.

Hugo builds a page's URL from its place under ``content/`` (section folders, then the file
name, or a page bundle's folder name; a section's ``_index.md`` is the section itself), its
``slug:`` (replaces the last part) and ``url:`` (replaces the whole path) front matter, and
the site's ``[permalinks]`` patterns per section (``/:year/:month/:slug/``...). The path is
made safe (spaces become hyphens, punctuation goes) and lower-cased unless the site sets
``disablePathToLower``; with ``uglyURLs`` a page is ``/section/name.html``. A ``baseURL`` with
a path (``https://example.com/blog/``) puts the whole site under that path.

A folder that is not a Hugo site (no config: the Go blog's ``_content/blog``) may still be
served under a path: ``guess_base`` reads it from redirect pages that point at the folder's
own files (``redirect: /blog/go1.1`` beside ``go1.1.md``).

``Links`` maps every old address of every imported post, and each content file, to the
post's new URL, for redirects and for rewriting links between posts inside bodies.
"""

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from . import siteconfig

DATE_KEYS = ("date", "publishdate", "pubdate", "published")
_TOKEN = re.compile(r":(?P<name>[a-z]+)(?:\[(?P<index>[^\]]*)\])?")
_SAFE = set("%./\\_-#+~")


@dataclass
class HugoConfig:
    permalinks: dict = field(default_factory=dict)  # section -> pattern, for its pages
    section_permalinks: dict = field(default_factory=dict)  # section -> pattern, for itself
    lower: bool = True  # Hugo's default: disablePathToLower = false
    ugly: bool = False  # uglyURLs
    base: str = "/"  # the path the site is served under, ending in "/"
    hosts: frozenset = frozenset()  # baseURL's host, for absolute links to the site itself
    found: bool = False  # whether a config file was read


@dataclass
class Page:
    """What Hugo builds a URL from: one content file."""

    sections: tuple  # folders under content/ above the page (a section: its own folders)
    name: str  # the file name without extension, or a page bundle's folder name
    front: dict
    section: bool = False  # an _index.md

    @classmethod
    def of(cls, path, top, front):
        """The Page for the content file ``path`` under the folder ``top``."""
        path, top = Path(path), Path(top)
        parts = path.parent.relative_to(top).parts
        if path.name == "_index.md":
            return cls(parts, parts[-1] if parts else "", front, section=True)
        if path.stem == "index" and parts:  # a page bundle: named after its folder
            return cls(parts[:-1], parts[-1], front)
        return cls(parts, path.stem, front)


def load_config(site_root):
    """The Hugo settings that shape URLs, from the site's config file(s), if any."""
    raw, found, _problems = siteconfig.read(Path(site_root))
    config = HugoConfig(found=found)
    permalinks = raw.get("permalinks")
    if isinstance(permalinks, dict):
        for key, value in permalinks.items():
            if isinstance(value, str):  # the old form: section = pattern, for its pages
                config.permalinks[str(key)] = value
            elif isinstance(value, dict) and str(key).lower() in ("page", "section"):
                target = config.permalinks if key.lower() == "page" else config.section_permalinks
                target.update({str(k): v for k, v in value.items() if isinstance(v, str)})
    config.lower = not _true(raw.get("disablepathtolower"))
    config.ugly = _true(raw.get("uglyurls"))
    base_url = raw.get("baseurl")
    if isinstance(base_url, str) and base_url.strip():
        parts = urlsplit(base_url.strip())
        config.base = "/" + parts.path.strip("/") + "/" if parts.path.strip("/") else "/"
        if parts.hostname:
            config.hosts = frozenset({parts.hostname.lower()})
    return config


def _true(value):
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def sanitize(text):
    """Hugo's path making: spaces become hyphens; letters, digits and ``%./\\_-#+~`` stay."""
    out = []
    for char in str(text):
        if char in _SAFE or unicodedata.category(char)[0] in "LNM":
            out.append(char)
        elif char.isspace():
            out.append("-")
    return "".join(out)


def page_url(config, page, lower=None):
    """The path Hugo served ``page`` at, from the site root (``/posts/my-post/``)."""
    lower = config.lower if lower is None else lower
    front = {str(key).lower(): value for key, value in page.front.items()}
    url = front.get("url")
    if isinstance(url, str) and url.strip():
        path = urlsplit(url.strip()).path or "/"  # used as written
        return _join(config.base, path if path.startswith("/") else "/" + path)
    section = page.sections[0] if page.sections else ""
    if page.section:
        pattern = config.section_permalinks.get(section) if section else None
        path = _expand(pattern, page, front) if pattern else "/".join(page.sections)
    else:
        pattern = config.permalinks.get(section)
        if pattern:
            path = _expand(pattern, page, front)
        else:
            slug = front.get("slug")
            last = (
                str(slug).strip()
                if isinstance(slug, str | int) and str(slug).strip()
                else page.name
            )
            path = "/".join([*page.sections, last])
    path = "/" + "/".join(sanitize(part) for part in path.split("/") if part)
    if PurePosixPath(path).suffix.lower() not in (".html", ".htm") or page.section:
        path = path.rstrip("/") + "/"  # a pretty URL, dots in the name or not ("/go1.1/")
    if config.ugly and path.endswith("/") and path != "/" and not page.section:
        path = path[:-1] + ".html"
    return _join(config.base, path.lower() if lower else path)


def addresses(config, page):
    """Every path the page answered at: Hugo's; in a folder that is no Hugo site (served by
    something else, perhaps case-sensitive), also as written, if that differs."""
    found = [page_url(config, page)]
    if (
        config.lower
        and not config.found
        and (written := page_url(config, page, lower=False)) not in found
    ):
        found.append(written)
    return found


def _join(base, path):
    return base.rstrip("/") + path if base != "/" else path


def _expand(pattern, page, front):
    when = _date(front)
    title = front.get("title") if isinstance(front.get("title"), str) else ""
    slug = front.get("slug") if isinstance(front.get("slug"), str | int) else ""
    slug = str(slug).strip()
    values = {
        "year": f"{when.year:04d}",
        "month": f"{when.month:02d}",
        "monthname": when.strftime("%B"),
        "day": f"{when.day:02d}",
        "weekday": str(when.isoweekday() % 7),
        "weekdayname": when.strftime("%A"),
        "yearday": str(when.timetuple().tm_yday),
        "section": page.sections[0] if page.sections else "",
        # An empty title or slug would give "/": Hugo's page then falls back to its file.
        "title": sanitize(title) or page.name,
        "slug": sanitize(slug or title) or page.name,
        "filename": page.name,
        "contentbasename": page.name,
        "slugorfilename": sanitize(slug) or page.name,
        "slugorcontentbasename": sanitize(slug) or page.name,
    }

    def token(match):
        name, index = match.group("name"), match.group("index")
        if name == "sections":
            sections = list(page.sections)
            if index is not None:
                sections = _slice(sections, index)
            return "/".join(sections)
        return values.get(name, match.group(0))

    return _TOKEN.sub(token, pattern)


def _slice(items, index):
    try:
        if ":" in index:
            start, _, stop = index.partition(":")
            return items[int(start) if start else None : int(stop) if stop else None]
        return [items[int(index)]] if -len(items) <= int(index) < len(items) else []
    except ValueError:
        return items


def _date(front):
    for key in DATE_KEYS:
        value = front.get(key)
        if isinstance(value, datetime | date):
            return value
        if isinstance(value, str):
            match = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", value.strip())
            if match:
                try:
                    return date(*(int(part) for part in match.groups()))
                except ValueError:
                    continue
    return date(1, 1, 1)  # Hugo's zero date


def guess_base(targets, names):
    """The path a folder of posts was served under, read from its redirect pages' targets.

    ``targets``: the ``redirect:`` values; ``names``: the top-level posts' file names. When
    most targets that name one of those posts share a prefix (the Go blog's ``/blog/``), the
    folder was served there.
    """
    counts = Counter()
    for target in targets:
        parts = urlsplit(target.strip())
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        head, _, last = parts.path.rstrip("/").rpartition("/")
        if last in names:
            counts[head + "/"] += 1
    if counts:
        prefix, count = counts.most_common(1)[0]
        if prefix != "/" and count * 2 > sum(counts.values()):
            return prefix
    return "/"


def key(path):
    """A path as ``Links`` looks it up: no trailing slash (Hugo served both)."""
    return re.sub(r"//+", "/", path).rstrip("/") or "/"


@dataclass
class Links:
    """Old addresses and content files -> new URLs; relinks links inside bodies."""

    config: HugoConfig
    urls: dict = field(default_factory=dict)  # key(old path) -> new URL
    files: dict = field(default_factory=dict)  # content path ("posts/a.md") -> new URL
    pages: dict = field(default_factory=dict)  # content path -> the page's Hugo URL
    counts: dict = field(default_factory=dict)  # report path -> links rewritten

    def add(self, rel_file, hugo_url, old_paths, new_url):
        self.files[rel_file] = new_url
        self.pages[rel_file] = hugo_url
        for path in [hugo_url, *old_paths]:
            self.urls.setdefault(key(path), new_url)
            self.urls.setdefault(key(path).lower(), new_url)

    def target(self, path):
        """The new URL for an old site path, or None."""
        return self.urls.get(key(path)) or self.urls.get(key(path).lower())

    def relinker(self, rel_file, report_rel):
        """``relink(url, embedded)`` for the body of the content file ``rel_file``."""
        self.counts[report_rel] = 0

        def relink(url, embedded):
            if embedded:
                return None
            new = self.resolve(url, rel_file)
            if new is not None:
                self.counts[report_rel] += 1
            return new

        return relink

    def resolve(self, url, rel_file):
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            if (
                parts.scheme not in ("http", "https")
                or (parts.hostname or "") not in self.config.hosts
            ):
                return None
        path = parts.path
        if not path:
            return None
        new = None
        if path.startswith("/") and _is_markdown(path):  # a content file, from the top
            new = self.files.get(_normpath(path) or "")
        elif path.startswith("/"):
            new = self.target(path)
        else:
            new = self._relative(path, rel_file)
        if new is None or (key(new) == key(path) and not parts.netloc):
            return None  # already the post's address here: left as written
        return new + (f"#{parts.fragment}" if parts.fragment else "")

    def _relative(self, path, rel_file):
        # A link to a content file ("other.md", "../other/index.md"), from the file's folder.
        here = PurePosixPath(rel_file).parent
        if _is_markdown(path):  # beside the file, else from the top (as Hugo's ref looks)
            for target in (_normpath(here / path), _normpath(path)):
                if target is not None and target in self.files:
                    return self.files[target]
            return None
        # A link to a page's address, relative to the page's own URL (with and without "/").
        page = self.pages.get(rel_file)
        if page is None:
            return None
        for base in (page if page.endswith("/") else page + "/", page.rstrip("/")):
            folder = PurePosixPath(base if base.endswith("/") else base.rpartition("/")[0] + "/")
            target = _normpath(folder / path)
            if target is not None and (new := self.target("/" + target)):
                return new
        return None


def _is_markdown(path):
    return PurePosixPath(path).suffix.lower() in (".md", ".markdown")


def _normpath(path):
    """``a/b/../c`` as ``a/c``; None above the top."""
    out = []
    for part in PurePosixPath(path).parts:
        if part in ("/", "."):
            continue
        if part == "..":
            if not out:
                return None
            out.pop()
        else:
            out.append(part)
    return "/".join(out)
