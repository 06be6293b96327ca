"""``backup <folder>`` and ``restore <folder>``: the whole site, on SQLite or PostgreSQL.

A backup folder holds:
- ``data.json``: every row that is the author's (posts, pages, books, images, tags,
  redirects, pins, revisions, share links, import records, site settings, users and
  groups), with their primary keys, and content types by name, so that it loads into a
  database of either kind; Django's JSON with times to the microsecond
  (website/exact_json.py); backups of format 1 hold ``data.xml`` instead, and still
  restore. What is made from those rows (the search index, the related lists and their
  index) is left out: ``restore`` rebuilds it.
- ``media/``: every stored file (uploads, covers, renditions), under its storage name.
- ``manifest.json``: when, from which database, each app's last migration, the counts
  of rows by model, and the settings a restored site should be run with.

``restore`` migrates the database, then loads the rows and the files into it in one
transaction (a failure leaves the database as it was), and rebuilds the search index and
the related lists (``core.loading``). It only restores into a site with no content:
restoring over the author's work would merge two sites.
"""

import json
from collections import Counter
from io import StringIO
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from books.models import Book
from essays.models import Writing
from images.models import Image
from pages.models import Page

FORMAT = 2
DATA = "data.json"
# What each format the restore reads keeps its rows in.
DATA_OF_FORMAT = {1: "data.xml", FORMAT: DATA}
# Made from the rows that are kept, and made again on restore; or not the author's.
LEFT_OUT = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "search.searchentry",
    "related.relatedlink",
    "related.indexentry",
]
# What a restored site should be run with, for the record (secrets never).
SETTINGS = ["TIME_ZONE", "LANGUAGE_CODE", "MEDIA_URL", "ALLOWED_HOSTS", "REDIRECT_ALLOWED_HOSTS"]


class BackupError(Exception):
    """Why a backup or restore cannot be done; nothing was changed."""


def backup(folder, using="default"):
    """Write the site to ``folder`` (new or empty). Returns the manifest."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: a backup never overwrites another.")
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / DATA
    call_command(
        "dumpdata",
        format="exactjson",
        natural_foreign=True,  # content types by name: their ids differ between databases
        exclude=LEFT_OUT,
        database=using,
        output=str(data),
        verbosity=0,
    )
    files = _copy_out(folder / "media")
    rows = Counter(item["model"] for item in json.loads(data.read_text(encoding="utf-8")))
    manifest = {
        "format": FORMAT,
        "created": timezone.now().isoformat(),
        "database": connections[using].vendor,
        "migrations": _migrations(using),
        "rows": dict(sorted(rows.items())),
        "files": len(files),
        "settings": {name: getattr(settings, name, None) for name in SETTINGS},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def restore(folder, using="default"):
    """Load the backup in ``folder`` into this (empty) site. Returns the manifest."""
    folder = Path(folder)
    manifest = _manifest(folder)
    call_command("migrate", database=using, interactive=False, verbosity=0)
    newer = _newer_migrations(manifest["migrations"], _migrations(using))
    if newer:
        raise BackupError(
            "The backup comes from a newer version of the site (migrations "
            f"{', '.join(newer)} are not here): restore it with that version."
        )
    if found := _content(using):
        raise BackupError(
            f"This site already holds {found}: restore into an empty database (a new "
            "DATABASE_URL), never over the author's work."
        )
    with transaction.atomic(using=using):
        data = folder / DATA_OF_FORMAT[manifest["format"]]
        call_command("loaddata", str(data), database=using, verbosity=0, stdout=StringIO())
        written = _copy_in(folder / "media")
    return manifest | {"restored_files": written}


def _manifest(folder):
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(
            f"{folder} is not a backup: no readable manifest.json ({error})."
        ) from error
    data = DATA_OF_FORMAT.get(manifest.get("format"))
    if data is None or not (folder / data).is_file():
        raise BackupError(f"{folder} is not a backup this version can read.")
    return manifest


def _migrations(using):
    """{app: its last applied migration}."""
    last = {}
    for app, name in MigrationRecorder(connections[using]).applied_migrations():
        last[app] = max(last.get(app, name), name)
    return dict(sorted(last.items()))


def _newer_migrations(theirs, ours):
    return [f"{app}.{name}" for app, name in theirs.items() if name > ours.get(app, "")]


def _content(using):
    """What content the site holds already, in words, or ""."""
    counts = [
        (model.objects.using(using).count(), label)
        for model, label in (
            (Writing, "posts"),
            (Page, "pages"),
            (Book, "books"),
            (Image, "images"),
        )
    ]
    return ", ".join(f"{n} {label}" for n, label in counts if n)


def _stored_names(folder=""):
    directories, files = default_storage.listdir(folder)
    names = [str(PurePosixPath(folder, name)) for name in files]
    for name in directories:
        names += _stored_names(str(PurePosixPath(folder, name)))
    return names


def _copy_out(target):
    names = _stored_names() if _has_files() else []
    for name in names:
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as source:
            path.write_bytes(source.read())
    return names


def _has_files():
    try:
        directories, files = default_storage.listdir("")
    except FileNotFoundError:
        return False
    return bool(directories or files)


def _copy_in(source):
    """Store each file of the backup under its own name; the number written."""
    written = 0
    if not source.is_dir():
        return written
    for path in sorted(source.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(source).as_posix()
        if default_storage.exists(name):
            continue  # the same name, from an earlier attempt: the rows point at it
        with path.open("rb") as handle:
            stored = default_storage.save(name, File(handle, name=name))
        if stored != name:
            raise BackupError(f"{name} could not be stored under its own name ({stored}).")
        written += 1
    return written
