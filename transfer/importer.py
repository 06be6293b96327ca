"""Importing a folder of Markdown: each post in its own transaction, never aborting the rest.

Posts are matched on slug, so running an import again updates them and never duplicates
them; a post whose values, tags, redirects and images are already the same is left alone.
Each post's ``ImportRecord`` says what the import last wrote to it: a post edited here
since (or never imported) is left alone and reported, unless ``force``; one deleted here
since stays deleted, unless ``restore_deleted``.
Redirect pages are stored last, once every post they may point at exists. A dry run does
all of it inside one transaction that is rolled back, and copies no files.

Each post is saved inside its own ``transaction.atomic()``, so it is saved whole or not at
all; posts are committed a batch at a time (``BATCH``; ``--batch 1`` commits each post).
An interrupted import loses at most the batch in progress; running it again carries on.
"""

from contextlib import nullcontext
from itertools import batched
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm

from core.models import Redirect, SiteSettings
from core.redirects import add_old_address, is_live, normalise
from core.validators import ROOT_VIEW_NAME, root_slug_in_use
from essays.models import Tag, Writing
from essays.signals import batched_changes
from pages.models import Page

from . import addresses, site_data, sources
from .errors import Conflict, Deleted, Skip
from .mapper import Mapper, RedirectStub
from .models import ImportRecord, fingerprint
from .report import Report
from .signals import overwriting

# Posts committed together. Each post is still its own atomic block (a savepoint), so a
# failing post rolls back alone; the batch spares the work other apps do for every change
# (the search index, revisions, the related-posts refresh that reranks lists across the
# whole site) from running per post: ``essays.signals.batched_changes`` tells them once.
BATCH = 500


class Importer:
    def __init__(
        self,
        folder,
        *,
        dry_run=False,
        strict_images=False,
        progress=None,
        batch=BATCH,
        force=False,
        restore_deleted=False,
    ):
        self.folder = Path(folder).resolve()
        self.dry_run, self.strict_images, self.batch = dry_run, strict_images, batch
        # force: overwrite posts edited here since their last import (a revision keeps
        # what was there); restore_deleted: bring back posts deleted here since.
        self.force, self.restore_deleted = force, restore_deleted
        self.progress = progress  # a stream for the progress bar, or None
        self.storage = default_storage
        self.report = Report(dry_run=dry_run)
        self._tags, self._slugs, self._stubs = {}, {}, []

    def run(self):
        top, site_roots = sources.site_layout(self.folder)
        found = sources.find(top, shown_from=self.folder)
        self.report.files = len(found)
        # Pages and books (a Hugo "books" section too) are not posts: read apart, first.
        items = [source for source in found if site_data.is_site_data(source)]
        found = [source for source in found if not any(source is item for item in items)]
        if not self.dry_run:  # the author's name decides each post's byline: first
            self._site_data(site_roots[0], items)
        for source in items if self.dry_run else ():
            self.report.skip(source.rel, Skip("page or book", "a dry run does not read these"))
        mapper = Mapper(SiteSettings.load().author_name, site_roots)
        # First pass: every file's slug (clashes settled) and old URLs, before any is saved.
        self._plan = addresses.plan(found, top, site_roots[0], mapper)
        # Read once: spares a query or two a post (most posts of an import are new).
        self._page_slugs = set(Page.objects.values_list("slug", flat=True))
        self._post_slugs = set(Writing.objects.values_list("slug", flat=True))
        self._records = {record.slug: record for record in ImportRecord.objects.all()}
        self._unsaved = []  # records to write with the batch, two queries rather than one a post
        bar = tqdm(total=len(found), file=self.progress, disable=self.progress is None, unit="file")
        with bar, transaction.atomic() if self.dry_run else nullcontext():
            bar.set_description("Import")
            for batch in batched(found, self.batch):
                # The apps that follow posts (search, related, revisions) hear of the
                # batch once, at its end, rather than of each post.
                with transaction.atomic(), batched_changes():
                    for source in batch:
                        self._import(source, mapper)
                        bar.update()
                    self._save_records()
            stub_slugs = {stub.slug for stub in self._stubs}
            for stub in self._stubs:
                self._redirect(stub, stub_slugs)
            for rel, old_path, target in self._plan.sections:
                self._section_redirect(rel, old_path, target)
            if self.dry_run:
                transaction.set_rollback(True)
        done = set(self.report.created + self.report.updated + self.report.unchanged)
        counts = self._plan.links.counts
        self.report.links_rewritten = sum(n for rel, n in counts.items() if rel in done)
        return self.report

    def _site_data(self, root, items):
        """Site settings, the image library, orphan tags, pages and books (``site_data``):
        made when missing, never overwritten."""
        try:
            with transaction.atomic():
                site_data.import_settings(root)
                site_data.import_library(root)
        except (Skip, ValidationError) as error:  # the site's data files: none taken
            detail = getattr(error, "detail", None) or "; ".join(_messages(error))
            self.report.skip("data/", Skip("site data not imported", detail))
        for source in items:
            try:
                with transaction.atomic():
                    made = site_data.import_item(source)
            except Skip as skip:
                self.report.skip(source.rel, skip)
            except ValidationError as error:
                self.report.skip(source.rel, Skip("invalid", "; ".join(_messages(error))))
            except Exception as error:  # a file must never stop the import of the others
                self.report.skip(source.rel, Skip("could not import", f"{error}"))
            else:
                (self.report.created if made else self.report.unchanged).append(source.rel)

    def _import(self, source, mapper):
        rel = source.rel
        try:
            plan = mapper.map(source.read(), self._plan.addresses.get(rel))
            if isinstance(plan, RedirectStub):
                self._stubs.append(plan)
                return
            if plan.slug in self._slugs:
                raise Skip("duplicate slug", f"/{plan.slug}/ is also {self._slugs[plan.slug]}")
            self._slugs[plan.slug] = rel
            if self.strict_images and plan.images.missing:
                raise Skip("missing image", ", ".join(plan.images.missing))
            with transaction.atomic():
                outcome = self._save(plan)
        except Skip as skip:
            self.report.skip(rel, skip)
        except ValidationError as error:
            self._failed(rel, Skip("invalid", "; ".join(_messages(error))))
        except Exception as error:  # a file must never stop the import of the others
            self._failed(rel, Skip("could not import", f"{type(error).__name__}: {error}"))
        else:
            getattr(self.report, outcome).append(rel)
            self.report.warn(rel, plan.warnings)

    def _failed(self, rel, skip):
        self._tags.clear()  # tags created in the rolled-back transaction are gone
        self.report.skip(rel, skip)

    def _save(self, plan):
        slug = plan.slug
        if slug in self._page_slugs:
            raise Skip("slug taken by a page", f"the page /{slug}/ already lives there")
        record = self._records.get(slug)
        existing = Writing.objects.filter(slug=slug).first() if slug in self._post_slugs else None
        if existing is None and record is not None:
            if record.post_id is None and not self.restore_deleted:
                raise Deleted("--restore-deleted brings it back")
            # Its slug was changed here since: the post is still the one imported.
            existing = Writing.objects.filter(pk=record.post_id).first()
        if record is not None and existing is not None and record.post_id != existing.pk:
            record = None  # the slug now belongs to a post this import never wrote
        post = existing.specific if existing else plan.model()
        if type(post) is not plan.model:
            raise Skip(
                "type conflict",
                f"/{slug}/ is already {post._meta.verbose_name}; "
                f"the file makes it {plan.model._meta.verbose_name}",
            )
        fields = dict(plan.fields)
        if existing and not plan.dated:
            fields.pop("publish_at")  # keep the date it was given when first imported
        url = reverse(ROOT_VIEW_NAME, kwargs={"slug": slug})
        stored, edited, current_tags = set(), [], []
        if existing:
            stored = set(Redirect.objects.filter(new_path=url).values_list("old_path", flat=True))
            current_tags = list(post.tags.all())
            slugs = [tag.slug for tag in current_tags]
            edited = record.edited(post, slugs) if record else None  # None: never imported
        changed_here = edited != []  # edited here, or never imported
        # An old address where something lives now (/blog/, another post) is never taken.
        wanted = {normalise(path) for path in plan.redirects} - stored - {url}
        redirects = {path for path in wanted if not is_live(path)}
        before = {name: getattr(post, name) for name in fields}
        for name, value in fields.items():
            setattr(post, name, value)
        post.title = post.title or post.default_title()  # as saving would
        if existing:
            known = [self._tag(name, create=False) for name in plan.tags]
            if not redirects and self._same(post, before, current_tags, known, plan.images):
                if changed_here:  # what is there now is what the file says: take it as imported
                    self._remember(plan, post, fields, known)
                return "unchanged"
            if changed_here and not self.force:
                raise Conflict(_conflict(edited))
            if changed_here:
                # --force: the apps above keep what was there (a revision) before it goes.
                fresh = type(post).objects.get(pk=post.pk)
                overwriting.send(sender=type(post), instance=fresh, using=fresh._state.db)
        tags = [self._tag(name) for name in plan.tags]
        post.kind = post._meta.model_name
        # Uniqueness is not queried again: the slug was looked up above, and the table's
        # unique constraint has the last word.
        post.full_clean(validate_unique=False)
        # Saving frees the post's own address of any redirect (core.redirects).
        post.save()
        if existing:
            post.tags.set(tags)
        else:
            post.tags.add(*tags)  # a new post has none: no need to read them first
        for old_path in sorted(redirects):
            add_old_address(old_path, url)
        if not self.dry_run:
            plan.images.save(self.storage)
        self._remember(plan, post, fields, tags)
        self._post_slugs.add(post.slug)
        if existing and changed_here:
            self.report.forced.append(plan.source.rel)
        if not existing and record is not None:
            self.report.restored.append(plan.source.rel)
        return "updated" if existing else "created"

    def _remember(self, plan, post, fields, tags):
        """Note what this import wrote to the post, to tell later edits from it."""
        record = self._records.get(plan.slug) or ImportRecord(slug=plan.slug)
        record.post, record.source = post, plan.source.rel
        record.values = fingerprint(post, list(fields), [tag.slug for tag in tags])
        record.imported_at = timezone.now()
        # Written with the batch: a post saved is in the batch for good (its record is the
        # last thing it does), and both commit, or neither, with the batch.
        self._unsaved.append(record)
        self._records[plan.slug] = record

    def _save_records(self):
        new = [record for record in self._unsaved if record.pk is None]
        changed = [record for record in self._unsaved if record.pk is not None]
        ImportRecord.objects.bulk_create(new)
        ImportRecord.objects.bulk_update(changed, ["post", "source", "values", "imported_at"])
        self._unsaved = []

    def _same(self, post, before, current_tags, tags, images):
        if any(getattr(post, name) != value for name, value in before.items()):
            return False
        if {tag.pk for tag in current_tags} != {tag and tag.pk for tag in tags}:
            return False
        return not images.changed(self.storage)

    def _tag(self, name, create=True):
        """The tag called ``name``; None if there is none and ``create`` is false."""
        slug = slugify(name)[:100]
        if slug not in self._tags:
            tag = Tag.objects.filter(slug=slug).first() or Tag.objects.filter(name=name).first()
            if tag is None and not create:
                return None
            self._tags[slug] = tag or Tag.objects.create(name=name, slug=slug)
        return self._tags[slug]

    def _redirect(self, stub, stub_slugs):
        rel, old_path = stub.source.rel, normalise(stub.old_path)
        if old_path == f"/{stub.slug}/" and root_slug_in_use(stub.slug):
            detail = (
                f"/{stub.slug}/ is a post or page here; its redirect to {stub.target} is unused"
            )
            self.report.skip(rel, Skip("redirect to a live address", detail))
            return
        target = self._resolve(stub.target, stub_slugs)
        if target.rstrip("/") == old_path.rstrip("/"):
            self.report.skip(rel, Skip("redirect loop", f"{old_path} would redirect to itself"))
            return
        with transaction.atomic():
            is_new = _store_redirect(old_path, target)
            # The file's other addresses (Hugo's URL for it), quietly: one report line a file.
            # add_old_address leaves alone any that is live (a post, a page) now.
            for path in {normalise(path) for path in stub.old_paths} - {old_path}:
                if target.rstrip("/") != path.rstrip("/"):
                    add_old_address(path, target)
        self.report.redirects.append((rel, old_path, target, is_new))
        self.report.warn(rel, stub.warnings)
        if not _is_here(target):
            self.report.warn(rel, [("redirect target is no post here", target)])

    def _section_redirect(self, rel, old_path, target):
        """An old address of a section's list page (_index.md, its aliases)."""
        if old_path.rstrip("/") == target.rstrip("/"):
            return
        with transaction.atomic():
            is_new = _store_redirect(old_path, target)
        self.report.redirects.append((rel, old_path, target, is_new))

    def _resolve(self, target, stub_slugs):
        """The address a redirect should lead to here.

        A path whose last part is the slug of a post (or of another redirect page) means
        that post: the Go blog's "/blog/io2013-chat" is "/io2013-chat/" here. A path that
        already redirects is followed, so that no chain is stored.
        """
        if _is_elsewhere(target):
            return target
        path = normalise(target)
        if (known := self._plan.links.target(path)) is not None:
            return known  # the post that lived at that address, wherever it is now
        segments = [part for part in path.split("/") if part]
        if segments and (segments[-1] in stub_slugs or root_slug_in_use(segments[-1])):
            path = f"/{segments[-1]}/"
        for _hop in range(10):
            hop = Redirect.objects.filter(old_path__in={path, path.rstrip("/") or "/"}).first()
            if hop is None or hop.new_path == path:
                break
            path = hop.new_path
        return path


def _store_redirect(old_path, target):
    """Redirect ``old_path`` to ``target`` unless it already does; whether it is new."""
    stored = Redirect.objects.filter(old_path=old_path).first()
    is_new = stored is None or stored.new_path != target
    if is_new:
        add_old_address(old_path, target)
    return is_new


def _is_elsewhere(target):
    return bool(urlsplit(target).scheme or urlsplit(target).netloc)


def _is_here(target):
    """Whether a redirect leads to a post or page of this site (or, on purpose, elsewhere)."""
    if _is_elsewhere(target):
        return True
    segments = [part for part in urlsplit(target).path.split("/") if part]
    return len(segments) == 1 and root_slug_in_use(segments[0])


def _messages(error):
    if hasattr(error, "message_dict"):
        return [f"{name}: {' '.join(msgs)}" for name, msgs in error.message_dict.items()]
    return error.messages


def _conflict(edited):
    if edited is None:
        return "not written by an earlier import; --force overwrites it"
    return f"{', '.join(edited)} changed here; --force overwrites (a revision keeps it)"
