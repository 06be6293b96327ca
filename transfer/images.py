"""The files a post's Markdown points at: found on disk, copied into media, relinked.

An imported post's images live in ``imported/<slug>/<filename>`` of the default storage,
named the same on every run, so running an import again rewrites nothing. Paths are
looked up beside the post (a page bundle, the Go blog's ``<post>/`` folders) and, for
``/…`` paths, in the site's ``static/`` folder or its root (Jekyll); nothing outside the
imported site is read.
"""

import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.text import get_valid_filename

from images.models import storage_name

EXTENSIONS = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg"}
# An SVG is a document that can run script when opened on its own: copy only inert ones.
_ACTIVE_SVG = re.compile(rb"<script|<foreignobject|\bon[a-z]+\s*=|javascript:", re.IGNORECASE)


def is_local(url):
    parts = urlsplit(url)
    return not (parts.scheme or parts.netloc) and bool(parts.path)


def _unique_filename(filename, taken):
    """A safe file name not in ``taken``: "photo.jpg", else "photo-2.jpg"..."""
    name = PurePosixPath(get_valid_filename(filename))
    candidate, n = name.name, 2
    while candidate in taken:
        candidate, n = f"{name.stem}-{n}{name.suffix}", n + 1
    return candidate


class ImageImport:
    """Relinks one post's image references to media and copies the files when saved."""

    def __init__(self, slug, base_dir, site_roots):
        self.folder = f"imported/{slug}"
        self.base_dir = Path(base_dir)
        self.site_roots = [Path(root).resolve() for root in site_roots]
        self.files = {}  # storage name -> bytes
        self._taken = set()
        self._names = {}  # source path -> storage name
        self.missing, self.refused = [], []

    def __call__(self, url, embedded):
        if not is_local(url) or url.startswith(settings.MEDIA_URL):
            return None
        path = unquote(urlsplit(url).path)
        suffix = PurePosixPath(path).suffix.lower()
        if suffix not in EXTENSIONS:
            if embedded:
                self.refused.append(f"{url} (not an image)")
            return None
        source = self._find(path)
        if source is None:
            self.missing.append(url)
            return None
        if source not in self._names:
            data = source.read_bytes()
            if suffix == ".svg" and _ACTIVE_SVG.search(data):
                self.refused.append(f"{url} (an SVG with script)")
                return None
            filename = _unique_filename(source.name, self._taken)
            self._taken.add(filename)
            name = f"{self.folder}/{filename}"
            self._names[source], self.files[name] = name, data
        return settings.MEDIA_URL + self._names[source]

    def _find(self, path):
        relative = path.lstrip("/")
        candidates = [] if path.startswith("/") else [self.base_dir / relative]
        for root in self.site_roots:
            candidates += [root / "static" / relative, root / relative]
        for candidate in candidates:
            candidate = candidate.resolve()
            inside = any(candidate.is_relative_to(root) for root in self.site_roots)
            if inside and candidate.is_file():
                return candidate
        return None

    def changed(self, storage):
        """Whether saving would write anything: a file is new or different."""
        return any(not _same(storage, name, data) for name, data in self.files.items())

    def save(self, storage):
        for name, data in self.files.items():
            if _same(storage, name, data):
                continue
            if storage.exists(name):
                storage.delete(name)
            saved = storage.save(name, ContentFile(data))
            if saved != name:
                raise OSError(f"the storage saved {name} as {saved}")


def _same(storage, name, data):
    if not storage.exists(name) or storage.size(name) != len(data):
        return False
    with storage.open(name, "rb") as stored:
        return stored.read() == data


class ImageExport:
    """Copies the media files a post's Markdown points at into its bundle folder."""

    def __init__(self, folder, storage):
        self.folder, self.storage = Path(folder), storage
        self._names = {}  # storage name -> file name in the bundle
        self.missing = []

    @property
    def written(self):
        return list(self._names.values())

    def __call__(self, url, embedded):
        # The storage's own URLs: /media/... on disk, the bucket's address on S3.
        name = storage_name(url)
        if name is None:
            return None
        if name not in self._names:
            if not self.storage.exists(name):
                self.missing.append(url)
                return None
            filename = _unique_filename(PurePosixPath(name).name, set(self._names.values()))
            with self.storage.open(name, "rb") as stored:
                (self.folder / filename).write_bytes(stored.read())
            self._names[name] = filename
        return self._names[name]
