"""Importing a WordPress export (WXR): posts, pages, attachments and every old address.

- ``post`` becomes an Essay, or the type its category names ("analysis", "dev
  reflection": ``kinds.kind_of_word``); ``page`` a ``pages.Page``; ``attachment`` an
  image of the library; any other type (menus, revisions, custom types) is counted.
- ``publish`` is published, ``future`` scheduled, ``draft``/``pending`` a draft;
  ``private`` a draft too, reported; ``trash``/``auto-draft`` are skipped.
- Dates: ``wp:post_date_gmt``, else (a draft's zeros) ``wp:post_date`` in the site's zone.
- Categories and tags become tags (not "Uncategorized"); the excerpt the description;
  the author, when not the site's own, the byline (``authors.byline``).
- The body stays HTML (``wordpress_content``); attachment URLs in it point at the library.
- Links between the export's posts and pages (``wordpress_links``: the item's permalink,
  ``/?p=ID``, ``/?page_id=ID``, the date permalinks, on the site's host or relative) point
  at their new URLs. Each body is written with the URLs the items are expected to get
  (where an earlier import put them, else their slug); once every item is in, a second
  pass corrects the bodies written in this run whose targets ended elsewhere (a clash
  gave ``slug-2``) and counts the links rewritten.
- Old addresses, for what was public: ``/?p=ID``, ``/?page_id=ID``, the item's ``link``
  path and the date permalinks ``/YYYY/MM/DD/slug/`` and ``/YYYY/MM/slug/``, each a 301.
- Files are read from the export's folder only (beside the XML, by the URL's path or
  name, or a ``file://`` URL inside it). Nothing is downloaded: an attachment not found
  there is reported.

Running it again duplicates nothing. A post is matched on its WordPress ID through its
``ImportRecord`` (source ``wordpress:<ID>``): unchanged here since, it follows the export;
edited here since, it is left alone, unless ``force`` (the apps above hear
``signals.overwriting`` first: editorial keeps a revision); deleted here since, it stays
deleted, unless ``restore_deleted`` (made again, its record pointed at it). A post at the
slug that this import never wrote (the Hugo import's, the author's own) is never
overwritten, ``force`` or not.

Pages carry no digest of what was imported, so an edit here cannot be told from a change
in the export: a page is never overwritten, unless ``force``, and then only a page this
import made (its record says so), after ``overwriting`` is sent for it too; a page
already at the slug that the import did not make (the author's own About) is never
touched. ``restore_deleted`` makes a deleted page again, unless a redirect now leads away
from its address (it was renamed here, not deleted). An attachment is matched on its
library file name (``wordpress-<ID>-…``).

``dry_run`` does all of it inside one transaction that is rolled back, so the report is
the one a real run would give; attachments are checked as the library checks an upload
but not stored: they are listed as the images that would be added.
"""

import re
from contextlib import nullcontext
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.urls import reverse
from django.utils.text import slugify

from core.models import Redirect, SiteSettings
from core.publishing import Status
from core.redirects import add_old_address, normalise
from core.validators import ROOT_VIEW_NAME, is_site_route, root_slug_in_use
from essays.models import ArticleAnalysis, Essay, Tag, Writing
from images.models import Image
from images.validation import inspect
from pages.models import Page

from . import authors, kinds
from .models import PAGE_RECORD, ImportRecord, fingerprint
from .signals import overwriting
from .wordpress_content import convert
from .wordpress_links import Links
from .wordpress_wxr import read

PUBLIC = {"publish": Status.PUBLISHED, "future": Status.PUBLISHED}
DRAFT = {"draft", "pending", "private"}
SKIPPED_STATUSES = {"trash", "auto-draft", "inherit"}
NO_TAG = {"uncategorized"}
_SIZE_SUFFIX = r"(?:-\d+x\d+)?"


@dataclass
class WordPressReport:
    dry_run: bool = False
    created: list = field(default_factory=list)  # "post 12 → /slug/"
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    left_alone: list = field(default_factory=list)  # (item, why): edited/deleted/already here
    forced: list = field(default_factory=list)  # edited here, overwritten (--force); updated
    restored: list = field(default_factory=list)  # deleted here, made again; also created
    private: list = field(default_factory=list)  # imported as drafts
    attention: list = field(default_factory=list)  # (item, what)
    images: list = field(default_factory=list)  # (item, URL) imported into the library
    missing: list = field(default_factory=list)  # (item, url): attachments not available here
    skipped: dict = field(default_factory=dict)  # post type or status -> count
    failed: list = field(default_factory=list)  # (item, why)
    redirects: int = 0
    links: int = 0  # links between items pointed at their new URLs, in what was written

    def counts(self):
        """{what: how many}, as ``lines()`` says it: kept with the run (``ImportRun``)."""
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "left alone": len(self.left_alone),
            "images": len(self.images),
            "redirects": self.redirects,
            "skipped": sum(self.skipped.values()),
            "failed": len(self.failed),
        }

    def problems(self):
        """[(item, message)]: what the author should look at, for the admin desk."""
        return [
            *((item, f"Failed: {why}") for item, why in self.failed),
            *((item, f"Left alone: {why}") for item, why in self.left_alone),
            *self.attention,
            *((item, f"Attachment not available locally: {url}") for item, url in self.missing),
        ]

    def lines(self):
        counts = (
            f"{len(self.created)} created, {len(self.updated)} "
            f"updated, {len(self.unchanged)} unchanged, {len(self.left_alone)} left alone, "
            f"{len(self.images)} images, {self.redirects} new redirects, "
            f"{self.links} links rewritten, "
            f"{sum(self.skipped.values())} skipped, {len(self.failed)} failed."
        )
        if self.dry_run:
            yield f"Dry run, nothing saved; from WordPress: {counts}"
        else:
            yield f"Imported from WordPress: {counts}"
        for title, items in (
            ("Left alone", self.left_alone),
            ("Needs attention", self.attention),
            ("Attachments not available locally (not downloaded)", self.missing),
            ("Failed", self.failed),
        ):
            if items:
                yield f"{title} ({len(items)}):"
                yield from (f"  {what}: {why}" for what, why in items)
        for title, items in (
            ("Overwritten (--force), a revision keeps what was here", self.forced),
            ("Restored (--restore-deleted)", self.restored),
            ("Private posts imported as drafts", self.private),
        ):
            if items:
                yield f"{title} ({len(items)}):"
                yield from (f"  {what}" for what in items)
        if self.dry_run and self.images:
            yield f"Images that would be added to the library ({len(self.images)}):"
            yield from (f"  {what}: {url}" for what, url in self.images)
        if self.skipped:
            counts = ", ".join(f"{name} {n}" for name, n in sorted(self.skipped.items()))
            yield f"Skipped: {counts}."


class WordPressImporter:
    def __init__(self, path, *, dry_run=False, force=False, restore_deleted=False):
        self.path = Path(path).resolve()
        self.folder = self.path.parent
        self.dry_run, self.force, self.restore_deleted = dry_run, force, restore_deleted
        self.report = WordPressReport(dry_run=dry_run)

    def run(self):
        export = read(self.path)  # WXRError before anything is saved
        with transaction.atomic() if self.dry_run else nullcontext():
            self._run(export)
            if self.dry_run:
                transaction.set_rollback(True)
        return self.report

    def _run(self, export):
        self.authors = export.authors
        self.site_author = SiteSettings.load().author_name
        content = [item for item in export.items if item.type in ("post", "page")]
        self.links = Links(export.site_urls)
        for item in content:
            self.links.add(item)
        # Where each item is expected to live: the bodies are written with these URLs.
        self.expected = {item.id: self._expected_url(item) for item in content}
        self.targets = {}  # item ID -> URL where it lives now, once imported
        self.written = []  # (item, post or page, body before its links were rewritten)
        self.images = {}  # attachment ID -> library URL
        self.urls = []  # (compiled pattern of an attachment's URLs, library URL)
        for item in export.items:
            if item.type == "attachment":
                self._guarded(item, self._attachment)
        for item in export.items:
            if item.type in ("post", "page"):
                self._guarded(item, self._content)
            elif item.type != "attachment":
                self._skip(item.type or "no type")
        for item, target, body in self.written:
            self._guarded(item, self._relink, target, body)
        return self.report

    def _guarded(self, item, step, *args):
        label = f"{item.type} {item.id}"
        try:
            with transaction.atomic():
                step(item, label, *args)
        except ValidationError as error:
            self.report.failed.append((label, "; ".join(error.messages)))
        except Exception as error:  # one item must never stop the others
            self.report.failed.append((label, f"{type(error).__name__}: {error}"))

    def _skip(self, name):
        self.report.skipped[name] = self.report.skipped.get(name, 0) + 1

    # Attachments -------------------------------------------------------------------

    def _attachment(self, item, label):
        url = item.attachment_url or item.link
        marker = f"wordpress-{item.id}-"
        image = Image.objects.filter(file__contains=f"/{marker}").first()
        if image is not None:
            new_url = image.file.url
        else:
            source = self._local_file(url)
            if source is None:
                self.report.missing.append((label, url or "(no URL)"))
                return
            alt = item.meta.get("_wp_attachment_image_alt") or item.title
            name = marker + Path(unquote(urlsplit(url).path)).name
            if self.dry_run:
                new_url = _would_be_url(source, name)
            else:
                image = Image(file=ContentFile(source.read_bytes(), name=name), alt=alt[:300])
                image.save()
                new_url = image.file.url
            self.report.images.append((label, new_url))
        self.images[item.id] = new_url
        self.urls.append((_url_pattern(url), new_url))

    def _local_file(self, url):
        """The attachment's file inside the export's folder, or None: never downloaded."""
        parts = urlsplit(url)
        path = unquote(parts.path)
        if not path:
            return None
        if parts.scheme == "file":
            candidates = [Path(path)]
        else:
            relative = path.lstrip("/")
            candidates = [self.folder / relative, self.folder / Path(relative).name]
        for candidate in candidates:
            candidate = candidate.resolve()
            if candidate.is_relative_to(self.folder) and candidate.is_file():
                return candidate
        return None

    # Posts and pages ---------------------------------------------------------------

    def _content(self, item, label):
        if not _importable(item):
            self._skip(f"{item.type} ({item.status or 'no status'})")
            return
        body, kept = convert(item.content)
        for pattern, new_url in self.urls:
            body = pattern.sub(new_url, body)
        converted = body
        body, _count = self.links.rewrite(body, item.link, self.expected)
        if kept:
            self.report.attention.append((label, "shortcodes kept as they are: " + ", ".join(kept)))
        if item.status == "private":
            self.report.private.append(label)
        values = {
            "title": unescape(item.title),
            "description": _text(item.excerpt),
            "status": PUBLIC.get(item.status, Status.DRAFT),
            "publish_at": item.published_at(),
        }
        written = len(self.report.created) + len(self.report.updated)
        if item.type == "page":
            target = self._page(item, label, body, values)
        else:
            target = self._post(item, label, body, values)
        if target is None:
            return
        if values["status"] == Status.PUBLISHED:
            self._redirects(item, target)
        # Last, once nothing more can fail and roll the item back.
        self.targets[item.id] = target.get_absolute_url()
        if len(self.report.created) + len(self.report.updated) > written:
            self.written.append((item, target, converted))

    def _expected_url(self, item):
        """Where the item will live once imported (links to it are written so), or None
        when it will not be here (skipped, deleted here and not restored)."""
        if not _importable(item):
            return None
        record = ImportRecord.objects.filter(source=f"wordpress:{item.id}").first()
        if item.type == "page":
            slug = self._slug(item)
            if record is not None and record.slug.startswith(PAGE_RECORD):
                slug = record.slug.removeprefix(PAGE_RECORD)
                if not Page.objects.filter(slug=slug).exists() and not self.restore_deleted:
                    return None
            return _url(slug)
        if record is not None:
            if record.post_id is not None:
                return _url(record.post.slug)
            if not self.restore_deleted:
                return None
        return _url(self._slug(item))

    def _relink(self, item, label, target, body):
        """Second pass: the links of a body written in this run, with the URLs every
        item of the export got (a clash may have moved one since the first)."""
        body, count = self.links.rewrite(body, item.link, self.targets)
        self.report.links += count
        name = "analysis" if isinstance(target, ArticleAnalysis) else "body"
        if getattr(target, name) == body:
            return
        setattr(target, name, body)
        target.full_clean(validate_unique=False)
        target.save()
        if isinstance(target, Writing):
            record = ImportRecord.objects.get(source=f"wordpress:{item.id}")
            names = [key for key in record.values if key != "tags"]
            tags = [tag.slug for tag in target.tags.all()]
            record.values = fingerprint(target, names, tags)
            record.save()

    def _page(self, item, label, body, values):
        source = f"wordpress:{item.id}"
        slug = self._slug(item)
        record = ImportRecord.objects.filter(source=source, slug__startswith=PAGE_RECORD).first()
        if record is not None:  # made by an earlier import, at the slug it got then
            slug = record.slug.removeprefix(PAGE_RECORD)
        page = Page.objects.filter(slug=slug).first()
        values["description"] = values["description"][:300]
        values["body"] = body
        if page is not None:
            return self._existing_page(page, record, label, values)
        if record is not None:
            if not self.restore_deleted:
                self.report.left_alone.append((label, "deleted here since the last import"))
                return None
            if moved := Redirect.objects.filter(old_path=f"/{slug}/").first():
                why = f"moved here to {moved.new_path}, not deleted: not restored"
                self.report.left_alone.append((label, why))
                return None
            slug = self._slug(item)
        if root_slug_in_use(slug) or is_site_route(slug):
            slug = self._free_slug(slug)
        page = Page(slug=slug, **values)
        page.full_clean(validate_unique=False)
        page.save()
        # Pages carry no digest of what was imported: their record only says "this
        # import made it", so that a page deleted here is known as deleted, not made
        # again, and --force knows it may overwrite it.
        if record is None:
            record = ImportRecord(source=source)
        else:  # deleted here, and made again: its record follows it
            self.report.restored.append(label)
        record.slug = f"{PAGE_RECORD}{slug}"
        record.save()
        self.report.created.append(f"{label} → /{slug}/")
        return page

    def _existing_page(self, page, record, label, values):
        """A page already at the slug: the same, or left alone, or (``force``, and made by
        this import) overwritten."""
        if all(getattr(page, key) == value for key, value in values.items()):
            self.report.unchanged.append(f"{label} → /{page.slug}/")
            return page
        if record is None:
            why = f"the page /{page.slug}/ is already here, not from this import"
            self.report.left_alone.append((label, why))
            return page
        if not self.force:
            why = f"/{page.slug}/ differs from the export; --force overwrites (a revision keeps it)"
            self.report.left_alone.append((label, why))
            return page
        self._overwriting(page)
        for key, value in values.items():
            setattr(page, key, value)
        page.full_clean(validate_unique=False)
        page.save()
        self.report.updated.append(f"{label} → /{page.slug}/")
        self.report.forced.append(label)
        return page

    def _post(self, item, label, body, values):
        source = f"wordpress:{item.id}"
        record = ImportRecord.objects.filter(source=source).first()
        model = _model(item)
        tag_names = _tag_names(item)
        login = item.creator
        name = self.authors.get(login) or login
        values["byline"] = authors.byline({"author": name}, self.site_author)[:200]
        meta = {"id": item.id, "link": item.link, "status": item.status, "author": login}
        if (featured := self.images.get(_int(item.meta.get("_thumbnail_id")))) is not None:
            meta["featured_image"] = featured
        values["metadata"] = {"wordpress": meta}
        if model is ArticleAnalysis:
            values.update(source_title=values["title"], analysis=body)
            note = "an article analysis: add its source's URL and quote (the publish gate asks)"
            self.report.attention.append((label, note))
        else:
            values["body"] = body
        if record is not None and (record.post_id is not None or not self.restore_deleted):
            return self._update(record, model, label, values, tag_names)
        slug = self._slug(item)
        existing = Writing.objects.filter(slug=slug).first()
        if existing is not None:
            self.report.left_alone.append(
                (label, f"/{slug}/ is already here, not from this import")
            )
            return existing
        if root_slug_in_use(slug) or is_site_route(slug):
            slug = self._free_slug(slug)
        others = ImportRecord.objects.filter(slug=slug)
        if record is not None:
            others = others.exclude(pk=record.pk)
        if others.exists():
            self.report.left_alone.append((label, f"/{slug}/ was imported from elsewhere"))
            return None
        post = model(slug=slug, **values)
        post.full_clean(validate_unique=False)
        post.save()
        tags = Tag.objects.for_names(tag_names)
        post.tags.add(*tags)
        if record is None:
            record = ImportRecord(source=source)
        else:  # deleted here, and made again: its record points at the new post
            self.report.restored.append(label)
        record.slug, record.post = slug, post
        record.values = self._fingerprint(post, values, tags)
        record.save()
        self.report.created.append(f"{label} → /{slug}/")
        return post

    def _update(self, record, model, label, values, tag_names):
        """A post imported before: follows the export unless edited or deleted here since
        (``force`` overwrites an edited one, a revision keeping what was there)."""
        if record.post_id is None:
            why = "deleted here since the last import; --restore-deleted brings it back"
            self.report.left_alone.append((label, why))
            return None
        post = record.post.specific
        if type(post) is not model:
            self.report.left_alone.append((label, f"already {post._meta.verbose_name} here"))
            return post
        edited = record.edited(post, [tag.slug for tag in post.tags.all()])
        tags = Tag.objects.for_names(tag_names)
        same_tags = {tag.pk for tag in post.tags.all()} == {tag.pk for tag in tags}
        if same_tags and all(getattr(post, key) == value for key, value in values.items()):
            if edited:  # what is there now is what the export says: take it as imported
                record.values = self._fingerprint(post, values, tags)
                record.save()
            self.report.unchanged.append(f"{label} → /{post.slug}/")
            return post
        if edited and not self.force:
            why = (
                f"edited here since: {', '.join(edited)}; --force overwrites (a revision keeps it)"
            )
            self.report.left_alone.append((label, why))
            return post
        if edited:
            self._overwriting(post)
            self.report.forced.append(label)
        for key, value in values.items():
            setattr(post, key, value)
        post.full_clean(validate_unique=False)
        post.save()
        post.tags.set(tags)
        record.values = self._fingerprint(post, values, tags)
        record.save()
        self.report.updated.append(f"{label} → /{post.slug}/")
        return post

    @staticmethod
    def _overwriting(instance):
        """Tell the apps above (editorial keeps a revision) what is about to be overwritten,
        as it is stored."""
        fresh = type(instance).objects.get(pk=instance.pk)
        overwriting.send(sender=type(instance), instance=fresh, using=fresh._state.db)

    @staticmethod
    def _fingerprint(post, values, tags):
        return fingerprint(post, sorted(values), [tag.slug for tag in tags])

    def _slug(self, item):
        slug = slugify(unquote(item.slug))[:190] or slugify(item.title)[:190]
        return slug or f"wordpress-{item.id}"

    @staticmethod
    def _free_slug(base):
        slug, n = f"{base}-2", 3
        while root_slug_in_use(slug) or is_site_route(slug):
            slug, n = f"{base}-{n}", n + 1
        return slug

    # Old addresses -----------------------------------------------------------------

    def _redirects(self, item, target):
        new_path = reverse(ROOT_VIEW_NAME, kwargs={"slug": target.slug})
        old_paths = {f"/?p={item.id}"}
        if item.type == "page":
            old_paths.add(f"/?page_id={item.id}")
        link = urlsplit(item.link)
        if link.path.strip("/"):
            old_paths.add(unquote(link.path))  # as Django gives request.path
        elif link.query:
            old_paths.add(f"/?{link.query}")  # a plain permalink: /?p=12 (normalise keeps it)
        day, slug = item.local_date(), unquote(item.slug)
        if item.type == "post" and day and slug:
            old_paths.add(f"/{day:%Y/%m/%d}/{slug}/")
            old_paths.add(f"/{day:%Y/%m}/{slug}/")
        for old_path in sorted(old_paths):
            if old_path.rstrip("/") == new_path.rstrip("/"):
                continue
            if not Redirect.objects.filter(
                old_path=normalise(old_path), new_path=new_path
            ).exists():
                add_old_address(old_path, new_path)
                self.report.redirects += 1


def _importable(item):
    return item.status in PUBLIC or item.status in DRAFT


def _url(slug):
    return reverse(ROOT_VIEW_NAME, kwargs={"slug": slug})


def _would_be_url(source, name):
    """The library URL an attachment would get, checked as an upload is; nothing stored."""
    with source.open("rb") as handle:
        inspection = inspect(File(handle, name=name))
    file_field = Image._meta.get_field("file")
    stored = file_field.generate_filename(None, inspection.filename(name))
    storage = file_field.storage
    return storage.url(storage.get_available_name(stored, max_length=file_field.max_length))


def _model(item):
    for domain, nicename, name in item.categories:
        if domain == "category":
            kind = kinds.kind_of_word(nicename) or kinds.kind_of_word(name)
            if kind and kind != "essay":
                return kinds.MODELS[kind]
    return Essay


def _tag_names(item):
    names = []
    for domain, nicename, name in item.categories:
        if domain in ("category", "post_tag") and (name or nicename):
            tag = name or nicename
            if slugify(tag) not in NO_TAG and tag not in names:
                names.append(tag)
    return names


def _text(html):
    """An excerpt as plain text: WordPress allows HTML in it; a description is text."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _url_pattern(url):
    """An attachment's URL, and its resized copies (``photo-300x200.jpg``), as a regex."""
    parts = urlsplit(url)
    stem, dot, suffix = parts.path.rpartition(".")
    if not dot:
        return re.compile(re.escape(url))
    origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme else ""
    prefix = f"(?:{re.escape(origin)})?" if origin else ""
    return re.compile(prefix + re.escape(stem) + _SIZE_SUFFIX + re.escape("." + suffix))
