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
- Old addresses, for what was public: ``/?p=ID``, ``/?page_id=ID``, the item's ``link``
  path and the date permalinks ``/YYYY/MM/DD/slug/`` and ``/YYYY/MM/slug/``, each a 301.
- Files are read from the export's folder only (beside the XML, by the URL's path or
  name, or a ``file://`` URL inside it). Nothing is downloaded: an attachment not found
  there is reported.

Running it again duplicates nothing: a post is matched on its WordPress ID through its
``ImportRecord`` (source ``wordpress:<ID>``) and left alone when edited or deleted here
since; a page on its slug (an existing one is never overwritten); an attachment on its
library file name (``wordpress-<ID>-…``).
"""

import re
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils.text import slugify

from core.models import Redirect, SiteSettings
from core.publishing import Status
from core.redirects import add_old_address, normalise
from core.validators import ROOT_VIEW_NAME, is_site_route, root_slug_in_use
from essays.models import ArticleAnalysis, Essay, Tag, Writing
from images.models import Image
from pages.models import Page

from . import authors, kinds
from .models import PAGE_RECORD, ImportRecord, fingerprint
from .wordpress_content import convert
from .wordpress_wxr import read

PUBLIC = {"publish": Status.PUBLISHED, "future": Status.PUBLISHED}
DRAFT = {"draft", "pending", "private"}
SKIPPED_STATUSES = {"trash", "auto-draft", "inherit"}
NO_TAG = {"uncategorized"}
_SIZE_SUFFIX = r"(?:-\d+x\d+)?"


@dataclass
class WordPressReport:
    created: list = field(default_factory=list)  # "post 12 → /slug/"
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    left_alone: list = field(default_factory=list)  # (item, why): edited/deleted/already here
    private: list = field(default_factory=list)  # imported as drafts
    attention: list = field(default_factory=list)  # (item, what)
    images: list = field(default_factory=list)  # imported into the library
    missing: list = field(default_factory=list)  # (item, url): attachments not available here
    skipped: dict = field(default_factory=dict)  # post type or status -> count
    failed: list = field(default_factory=list)  # (item, why)
    redirects: int = 0

    def lines(self):
        yield (
            f"Imported from WordPress: {len(self.created)} created, {len(self.updated)} "
            f"updated, {len(self.unchanged)} unchanged, {len(self.left_alone)} left alone, "
            f"{len(self.images)} images, {self.redirects} new redirects, "
            f"{sum(self.skipped.values())} skipped, {len(self.failed)} failed."
        )
        for title, items in (
            ("Left alone", self.left_alone),
            ("Needs attention", self.attention),
            ("Attachments not available locally (not downloaded)", self.missing),
            ("Failed", self.failed),
        ):
            if items:
                yield f"{title} ({len(items)}):"
                yield from (f"  {what}: {why}" for what, why in items)
        if self.private:
            yield f"Private posts imported as drafts ({len(self.private)}):"
            yield from (f"  {what}" for what in self.private)
        if self.skipped:
            counts = ", ".join(f"{name} {n}" for name, n in sorted(self.skipped.items()))
            yield f"Skipped: {counts}."


class WordPressImporter:
    def __init__(self, path):
        self.path = Path(path).resolve()
        self.folder = self.path.parent
        self.report = WordPressReport()

    def run(self):
        export = read(self.path)  # WXRError before anything is saved
        self.authors = export.authors
        self.site_author = SiteSettings.load().author_name
        attachments = [item for item in export.items if item.type == "attachment"]
        self.images = {}  # attachment ID -> Image
        self.urls = []  # (compiled pattern of an attachment's URLs, library URL)
        for item in attachments:
            self._guarded(item, self._attachment)
        for item in export.items:
            if item.type in ("post", "page"):
                self._guarded(item, self._content)
            elif item.type != "attachment":
                self._skip(item.type or "no type")
        return self.report

    def _guarded(self, item, step):
        label = f"{item.type} {item.id}"
        try:
            with transaction.atomic():
                step(item, label)
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
        if image is None:
            source = self._local_file(url)
            if source is None:
                self.report.missing.append((label, url or "(no URL)"))
                return
            alt = item.meta.get("_wp_attachment_image_alt") or item.title
            name = marker + Path(unquote(urlsplit(url).path)).name
            image = Image(file=ContentFile(source.read_bytes(), name=name), alt=alt[:300])
            image.save()
            self.report.images.append((label, image.file.url))
        self.images[item.id] = image
        self.urls.append((_url_pattern(url), image.file.url))

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
        if item.status in SKIPPED_STATUSES or (
            item.status not in PUBLIC and item.status not in DRAFT
        ):
            self._skip(f"{item.type} ({item.status or 'no status'})")
            return
        body, kept = convert(item.content)
        for pattern, new_url in self.urls:
            body = pattern.sub(new_url, body)
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
        if item.type == "page":
            target = self._page(item, label, body, values)
        else:
            target = self._post(item, label, body, values)
        if target is not None and values["status"] == Status.PUBLISHED:
            self._redirects(item, target)

    def _page(self, item, label, body, values):
        slug = self._slug(item)
        page = Page.objects.filter(slug=slug).first()
        source = f"wordpress:{item.id}"
        if page is None and ImportRecord.objects.filter(source=source).exists():
            self.report.left_alone.append((label, "deleted here since the last import"))
            return None
        values["description"] = values["description"][:300]
        if page is not None:  # never overwritten: imported before, or the author's own
            values["body"] = body
            if all(getattr(page, key) == value for key, value in values.items()):
                self.report.unchanged.append(f"{label} → /{slug}/")
            else:
                why = f"the page /{slug}/ is already here (edited, or not from this import)"
                self.report.left_alone.append((label, why))
            return page
        if root_slug_in_use(slug) or is_site_route(slug):
            slug = self._free_slug(slug)
        page = Page(slug=slug, body=body, **values)
        page.full_clean(validate_unique=False)
        page.save()
        # Pages are never overwritten, so their record only says "this import made it":
        # a page deleted here is then known as deleted, and not made again.
        ImportRecord.objects.create(slug=f"{PAGE_RECORD}{slug}", source=source)
        self.report.created.append(f"{label} → /{slug}/")
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
            meta["featured_image"] = featured.file.url
        values["metadata"] = {"wordpress": meta}
        if model is ArticleAnalysis:
            values.update(source_title=values["title"], analysis=body)
            note = "an article analysis: add its source's URL and quote (the publish gate asks)"
            self.report.attention.append((label, note))
        else:
            values["body"] = body
        if record is not None:
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
        if ImportRecord.objects.filter(slug=slug).exists():
            self.report.left_alone.append((label, f"/{slug}/ was imported from elsewhere"))
            return None
        post = model(slug=slug, **values)
        post.full_clean(validate_unique=False)
        post.save()
        tags = Tag.objects.for_names(tag_names)
        post.tags.add(*tags)
        ImportRecord.objects.create(
            slug=slug, post=post, source=source, values=self._fingerprint(post, values, tags)
        )
        self.report.created.append(f"{label} → /{slug}/")
        return post

    def _update(self, record, model, label, values, tag_names):
        """A post imported before: follows the export unless edited or deleted here since."""
        if record.post_id is None:
            self.report.left_alone.append((label, "deleted here since the last import"))
            return None
        post = record.post.specific
        if edited := record.edited(post, [tag.slug for tag in post.tags.all()]):
            self.report.left_alone.append((label, f"edited here since: {', '.join(edited)}"))
            return post
        if type(post) is not model:
            self.report.left_alone.append((label, f"already {post._meta.verbose_name} here"))
            return post
        tags = Tag.objects.for_names(tag_names)
        same_tags = {tag.pk for tag in post.tags.all()} == {tag.pk for tag in tags}
        if same_tags and all(getattr(post, key) == value for key, value in values.items()):
            self.report.unchanged.append(f"{label} → /{post.slug}/")
            return post
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
