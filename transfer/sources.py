"""Finding the posts in a Hugo, Jekyll or Go blog folder, and reading each one.

- A Hugo project (a folder holding ``content/``) is read from ``content/``; ``/…`` image
  paths are then looked up in its ``static/`` folder.
- A folder with ``index.md`` below the top is a page bundle: the post is ``index.md``, its
  slug the folder's name, its images beside it. Other Markdown files inside are resources.
- ``_index.md`` (a section's list page) and a top-level ``index.md`` (the home page) are not
  posts. Jekyll's ``_posts/YYYY-MM-DD-slug.md`` gives a date and a slug; ``_drafts/`` drafts.
"""

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from . import frontmatter
from .errors import Skip

SUFFIXES = {".md", ".markdown", ".mdown", ".mkd"}
# At the top of a site: build output, dependencies, templates and Jekyll's own folders.
IGNORED = {"node_modules", "vendor", "public", "resources", "themes", "archetypes", "layouts"}
IGNORED |= {"_site", "_layouts", "_includes", "_sass", "_data", "_plugins", "assets", "static"}
_DATED = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")


@dataclass
class Source:
    path: Path
    rel: str  # as the report shows it
    slug: str  # from the file or bundle name
    folders: tuple  # the folders between the top and the post, for its type
    base_dir: Path  # where relative image paths start
    file_date: date | None = None  # from a Jekyll file name
    draft: bool = False  # in Jekyll's _drafts/
    skip: Skip | None = None  # not a post, known without reading it
    front: dict | None = None
    body: str = ""

    def read(self):
        """Fill ``front`` and ``body``; raises ``Skip`` for a file that cannot be read."""
        if self.skip:
            raise self.skip
        data = self.path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise Skip(
                "bad encoding", f"not UTF-8 (byte 0x{data[error.start]:02x} at {error.start})"
            ) from error
        self.front, self.body = frontmatter.split(text)
        return self


def site_layout(folder):
    """(folder to read posts from, site roots to look for images in)."""
    folder = Path(folder).resolve()
    if (folder / "content").is_dir():
        return folder / "content", [folder]
    if folder.name == "content":
        return folder, [folder.parent, folder]
    return folder, [folder]


def find(top, shown_from=None):
    """Every Markdown file under ``top`` as a Source, in a stable order.

    Report paths are relative to ``shown_from`` (the folder the user named), else ``top``.
    """
    top = Path(top)
    shown_from = Path(shown_from or top)
    found = []
    for dirpath, dirnames, filenames in os.walk(top):
        here = Path(dirpath)
        ignored = IGNORED if here == top else set()
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in ignored)
        markdown = sorted(name for name in filenames if Path(name).suffix.lower() in SUFFIXES)
        if here != top and "index.md" in markdown:
            found += _bundle(top, shown_from, here)
            dirnames[:] = []
            continue
        found += [_source(top, shown_from, here / name) for name in markdown]
    return found


def _bundle(top, shown_from, folder):
    post = _source(top, shown_from, folder / "index.md", slug=folder.name, folders=folder.parent)
    resources = []
    for dirpath, _dirs, filenames in os.walk(folder):
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.suffix.lower() in SUFFIXES and path != folder / "index.md":
                source = _source(top, shown_from, path)
                source.skip = Skip("not a post", f"a resource of the page bundle {post.rel}")
                resources.append(source)
    return [post, *resources]


def _source(top, shown_from, path, slug=None, folders=None):
    rel = path.relative_to(shown_from).as_posix()
    parts = (folders or path.parent).relative_to(top).parts
    source = Source(path, rel, slug or path.stem, parts, path.parent)
    if slug is None and (dated := _DATED.match(path.stem)):
        year, month, day, source.slug = dated.groups()
        try:
            source.file_date = date(int(year), int(month), int(day))
        except ValueError:
            source.slug = path.stem
    source.draft = "_drafts" in parts
    if path.name == "_index.md":
        source.skip = Skip("not a post", "a section's list page (_index.md)")
    elif path == top / "index.md":
        source.skip = Skip("not a post", "the site's home page (index.md)")
    return source
