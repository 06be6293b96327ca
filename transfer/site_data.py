"""The rest of the site, beside its posts: pages, books, the image library, tags with no
post and the site settings, written by ``export_markdown`` and read back by the importer.

- A page is ``content/<slug>.md`` with ``type: page`` (Hugo serves it at ``/<slug>/``, as
  here); redirects to it are its ``aliases``.
- A book is the bundle ``content/books/<slug>/index.md``, its pitch the body, its cover
  beside it (Hugo serves it at ``/books/<slug>/``, as here).
- Library images are ``static/<storage name>``, described in ``data/images.yaml``; tags
  no post uses are in ``data/tags.yaml``, the landing page's projects in
  ``data/projects.yaml``; the site settings are ``[params]`` of ``hugo.toml`` (the
  exporter writes that file).

Files are stored back under the very names they had, as they were (they were cleaned
when first uploaded): an export, imported into an empty site and exported again, gives
the same bytes. An import never overwrites a page, book, image, tag, project or settings already
here.
"""

import json
from io import BytesIO
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import yaml
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image as PILImage

from books.models import Book
from core.models import SiteSettings
from core.publishing import Status
from core.redirects import add_old_address
from essays.models import Tag
from images.models import Image, storage_name
from images.processing import resized_copies, store_renditions, upright
from images.validation import inspect
from pages.models import Page, Project

from . import frontmatter, siteconfig
from .errors import Skip
from .values import parse_bool, parse_datetime

BOOK_KEYS = ("subtitle", "description", "stage", "buy_url", "buy_label", "display_order")
BOOK_FLAGS = ("cover_decorative", "home_hero")
# Site settings that are files, not values.
SETTING_FILES = ("podcast_artwork",)
# The landing page's "What I'm building", as data/projects.yaml.
PROJECT_FIELDS = ("name", "one_liner", "url", "display_order", "visible")


# Export -----------------------------------------------------------------------------------


def _dates(item, front):
    if item.publish_at:
        front["date"] = timezone.localtime(item.publish_at)
    if item.expire_at:
        front["expiryDate"] = timezone.localtime(item.expire_at)
    if item.status == Status.DRAFT:
        front["draft"] = True
    return front


def _copy(name, to):
    to.parent.mkdir(parents=True, exist_ok=True)
    with default_storage.open(name, "rb") as stored:
        to.write_bytes(stored.read())


def export_pages(content, aliases):
    """``content/<slug>.md`` for each page; ``aliases``: {slug: [old paths]}. The count."""
    pages = Page.objects.order_by("slug")
    for page in pages:
        front = _dates(page, {"title": page.title, "slug": page.slug, "type": "page"})
        if page.description:
            front["description"] = page.description
        if page.nav_order is not None:
            front["nav_order"] = page.nav_order
        if paths := aliases.get(page.slug):
            front["aliases"] = sorted(paths)
        content.mkdir(parents=True, exist_ok=True)
        text = frontmatter.dump(front, page.body)
        (content / f"{page.slug}.md").write_text(text, encoding="utf-8")
    return len(pages)


def export_books(content):
    books = Book.objects.order_by("slug")
    for book in books:
        folder = content / "books" / book.slug
        folder.mkdir(parents=True, exist_ok=True)
        front = _dates(book, {"title": book.title, "slug": book.slug})
        front |= {key: getattr(book, key) for key in BOOK_KEYS}
        front |= {key: True for key in BOOK_FLAGS if getattr(book, key)}
        if book.cover and default_storage.exists(book.cover.name):  # else its file is lost
            front["cover"] = PurePosixPath(book.cover.name).name
            _copy(book.cover.name, folder / front["cover"])
        if book.cover_alt:
            front["cover_alt"] = book.cover_alt
        text = frontmatter.dump(front, book.pitch)
        (folder / "index.md").write_text(text, encoding="utf-8")
    return len(books)


def export_data(root, site):
    """The image library and its data file, tags with no post; the number of images."""
    entries = []
    for image in Image.objects.order_by("file"):
        if not default_storage.exists(image.file.name):
            continue  # its file is lost: nothing to carry
        _copy(image.file.name, root / "static" / image.file.name)
        entry = {"file": image.file.name, "alt": image.alt, "decorative": image.decorative}
        entries.append(entry | {"uploaded": timezone.localtime(image.uploaded)})
    tags = Tag.objects.filter(writings__isnull=True).order_by("slug")
    data = {
        "images.yaml": entries,
        "tags.yaml": [{"name": t.name, "slug": t.slug} for t in tags],
        "projects.yaml": list(Project.objects.values(*PROJECT_FIELDS)),
    }
    for field in SETTING_FILES:
        if (name := getattr(site, field).name) and default_storage.exists(name):
            _copy(name, root / "static" / name)
    for name, items in data.items():
        path = root / "data" / name
        if items:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_yaml(items), encoding="utf-8")
    return len(entries)


def _yaml(items):
    return yaml.dump(items, Dumper=frontmatter._Dumper, sort_keys=False, allow_unicode=True)


def params(site):
    """The ``[params]`` table of hugo.toml: every site setting (TOML written by hand: a JSON
    string is a TOML basic string)."""
    lines = ["[params]"]
    for field in SiteSettings._meta.concrete_fields:
        if field.name == "id":
            continue
        value = getattr(site, field.name)
        if field.name in SETTING_FILES:  # its name, when its file is there to export
            value = value.name if value and default_storage.exists(value.name) else ""
        if value is None:  # TOML has no null: an empty string, read back as None
            value = ""
        elif not isinstance(value, bool | int | str):  # a UUID, say: its text
            value = str(value)
        text = json.dumps(value, ensure_ascii=False) if isinstance(value, str) else value
        text = str(text).lower() if isinstance(value, bool) else text
        lines.append(f"  {field.name} = {text}")
    return lines


def library_first(images):
    """Export: a library image a post shows is linked at its place under ``static/``
    (``/images/...``, where Hugo serves it), not copied into the post's bundle; other
    media go to ``images`` (an ``ImageExport``)."""
    library = library_names()

    def relink(url, embedded):
        if url.startswith(settings.MEDIA_URL) and storage_name(url) in library:
            return "/" + url[len(settings.MEDIA_URL) :]
        return images(url, embedded)

    return relink


def library_link(library):
    """Import: a ``/…`` link to a library image here (see ``library_first``) leads back to
    it in media, rather than to a copy of the file."""

    def relink(url, embedded):
        path = unquote(urlsplit(url).path)
        if url.startswith("/") and not url.startswith("//") and path[1:] in library:
            return settings.MEDIA_URL + url[1:]
        return None

    return relink


def library_names():
    return set(Image.objects.values_list("file", flat=True))


# Import -----------------------------------------------------------------------------------


def is_site_data(source):
    """Whether a Markdown file is a book or a page (read here, not by the post mapper)."""
    if source.folders[:1] == ("books",):
        return True
    if source.folders or source.skip:
        return False
    try:
        return source.read().front.get("type") == "page"
    except Exception:  # noqa: BLE001 - the post importer reports the file's fault
        return False


def import_settings(root):
    """The site settings from hugo.toml's ``[params]``, when it has ours and none were
    saved here yet. Whether it did."""
    if SiteSettings.objects.exists():
        return False
    settings_data, _found, _problems = siteconfig.read(root)
    given = settings_data.get("params") or {}
    fields = {f.name: f for f in SiteSettings._meta.concrete_fields if f.name != "id"}
    if not isinstance(given, dict) or not set(fields) <= set(given):
        return False
    site = SiteSettings.load()
    for name in fields:
        if name in SETTING_FILES:
            value = given[name] and _inside(root / "static", given[name]).read_bytes()
            value = value and default_storage.save(given[name], ContentFile(value)) or ""
        if name not in SETTING_FILES:
            value = None if given[name] == "" and fields[name].null else given[name]
        setattr(site, name, value)
    site.full_clean()
    site.save()
    return True


def import_library(root):
    """Images and orphan tags from ``data/``; (images, tags) created."""
    images = tags = 0
    for entry in _data(root, "images.yaml"):
        name = str(entry["file"])
        if Image.objects.filter(file=name).exists():
            continue
        stored, width, height, fmt, renditions = _store(name, _inside(root / "static", name))
        image = Image.objects.create(
            file=stored,
            alt=entry.get("alt", ""),
            decorative=bool(entry.get("decorative")),
            width=width,
            height=height,
            format=fmt,
            renditions=renditions,
        )
        if uploaded := entry.get("uploaded"):
            Image.objects.filter(pk=image.pk).update(uploaded=parse_datetime(uploaded))
        images += 1
    for entry in _data(root, "tags.yaml"):
        if not Tag.objects.filter(slug=entry["slug"]).exists():
            Tag.objects.create(name=entry["name"], slug=entry["slug"])
            tags += 1
    for entry in _data(root, "projects.yaml"):
        values = {name: entry[name] for name in PROJECT_FIELDS if name in entry}
        if not Project.objects.filter(name=values.get("name")).exists():
            project = Project(**values)
            project.full_clean()
            project.save()
    return images, tags


def import_item(source):
    """A page or a book from its file, unless one of that slug is here. Whether it was made."""
    front, body = dict(source.read().front), source.body.strip("\n")
    book = source.folders[:1] == ("books",)
    model = Book if book else Page
    slug = str(front.get("slug") or source.slug)
    if model.objects.filter(slug=slug).exists():
        return False
    item = model(slug=slug, title=str(front.get("title") or slug), description="")
    item.status = Status.DRAFT if parse_bool(front.get("draft", False)) else Status.PUBLISHED
    item.publish_at = front.get("date") and parse_datetime(front["date"])
    item.expire_at = front.get("expiryDate") and parse_datetime(front["expiryDate"])
    if book:
        item.pitch = body
        for key in (*BOOK_KEYS, "cover_alt"):
            if key in front:
                setattr(item, key, front[key])
        for key in BOOK_FLAGS:
            setattr(item, key, parse_bool(front.get(key, False)))
        if front.get("cover"):
            path = _inside(source.path.parent, front["cover"])
            item.cover, *_size, item.cover_renditions = _store(f"books/covers/{path.name}", path)
    else:
        item.body, item.description = body, front.get("description", "")
        item.nav_order = front.get("nav_order")
    item.full_clean()
    item.save()
    for old_path in front.get("aliases") or []:
        add_old_address(old_path, item.get_absolute_url())
    return True


def _data(root, name):
    path = root / "data" / name
    return yaml.safe_load(path.read_text(encoding="utf-8")) or [] if path.is_file() else []


def _inside(folder, path):
    """``folder / path``, refused (``Skip``) when it leads out of ``folder``."""
    found = (Path(folder) / str(path)).resolve()
    if not found.is_relative_to(Path(folder).resolve()) or not found.is_file():
        raise Skip("missing file", f"{path} is not a file of the site")
    return found


def _store(name, path):
    """Store the file at ``path`` as ``name``, as it is, with its renditions:
    (stored name, width, height, format, renditions). The file is checked as an upload
    is (a real image, not too large: ``ValidationError``), but not encoded again."""
    data = Path(path).read_bytes()
    inspect(ContentFile(data, name=PurePosixPath(name).name))
    stored = default_storage.save(name, ContentFile(data))
    with PILImage.open(BytesIO(data)) as source:
        fmt = source.format
        animated = getattr(source, "is_animated", False)
        still = upright(source)
        copies = [] if animated else resized_copies(still, fmt)
    field_file = Image(file=stored).file
    return stored, still.width, still.height, fmt.lower(), store_renditions(copies, field_file)
