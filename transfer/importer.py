"""Importing a folder of Markdown: each post in its own transaction, never aborting the rest.

Posts are matched on slug, so running an import again updates them and never duplicates
them; a post whose values, tags, redirects and images are already the same is left alone.
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
from django.utils.text import slugify
from tqdm import tqdm

from core.models import Redirect, SiteSettings
from core.redirects import add_redirect, free_path, normalise
from core.validators import ROOT_VIEW_NAME, root_slug_in_use
from essays.models import Tag, Writing
from pages.models import Page

from . import sources
from .errors import Skip
from .mapper import Mapper, RedirectStub
from .report import Report

# Posts committed together. Each post is still its own atomic block (a savepoint), so a
# failing post rolls back alone; the batch spares the work other apps do on every commit
# (the related-posts refresh reranks lists across the whole site) from running per post.
BATCH = 500


class Importer:
    def __init__(self, folder, *, dry_run=False, strict_images=False, progress=None, batch=BATCH):
        self.folder = Path(folder).resolve()
        self.dry_run, self.strict_images, self.batch = dry_run, strict_images, batch
        self.progress = progress  # a stream for the progress bar, or None
        self.storage = default_storage
        self.report = Report(dry_run=dry_run)
        self._tags, self._slugs, self._stubs = {}, {}, []

    def run(self):
        top, site_roots = sources.site_layout(self.folder)
        found = sources.find(top, shown_from=self.folder)
        self.report.files = len(found)
        mapper = Mapper(SiteSettings.load().author_name, site_roots)
        bar = tqdm(total=len(found), file=self.progress, disable=self.progress is None, unit="file")
        with bar, transaction.atomic() if self.dry_run else nullcontext():
            bar.set_description("Import")
            for batch in batched(found, self.batch):
                with transaction.atomic():
                    for source in batch:
                        self._import(source, mapper)
                        bar.update()
            stub_slugs = {stub.slug for stub in self._stubs}
            for stub in self._stubs:
                self._redirect(stub, stub_slugs)
            if self.dry_run:
                transaction.set_rollback(True)
        return self.report

    def _import(self, source, mapper):
        rel = source.rel
        try:
            plan = mapper.map(source.read())
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
        if Page.objects.filter(slug=slug).exists():
            raise Skip("slug taken by a page", f"the page /{slug}/ already lives there")
        existing = Writing.objects.filter(slug=slug).first()
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
        tags = [self._tag(name) for name in plan.tags]
        url = reverse(ROOT_VIEW_NAME, kwargs={"slug": slug})
        stored = set()
        if existing:
            stored = set(Redirect.objects.filter(new_path=url).values_list("old_path", flat=True))
        redirects = {normalise(path) for path in plan.redirects} - stored - {url}
        before = {name: getattr(post, name) for name in fields}
        for name, value in fields.items():
            setattr(post, name, value)
        post.title = post.title or post.default_title()  # as saving would
        if existing and not redirects and self._same(post, before, tags, plan.images):
            return "unchanged"
        post.kind = post._meta.model_name
        # Uniqueness is not queried again: the slug was looked up above, and the table's
        # unique constraint has the last word.
        post.full_clean(validate_unique=False)
        post.save()
        post.tags.set(tags)
        free_path(url)
        for old_path in sorted(redirects):
            add_redirect(old_path, url)
        if not self.dry_run:
            plan.images.save(self.storage)
        return "updated" if existing else "created"

    def _same(self, post, before, tags, images):
        if any(getattr(post, name) != value for name, value in before.items()):
            return False
        if {tag.pk for tag in post.tags.all()} != {tag.pk for tag in tags}:
            return False
        return not images.changed(self.storage)

    def _tag(self, name):
        slug = slugify(name)[:100]
        if slug not in self._tags:
            tag = Tag.objects.filter(slug=slug).first() or Tag.objects.filter(name=name).first()
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
            stored = Redirect.objects.filter(old_path=old_path).first()
            is_new = stored is None or stored.new_path != target
            if is_new:
                add_redirect(old_path, target)
        self.report.redirects.append((rel, old_path, target, is_new))
        self.report.warn(rel, stub.warnings)
        if not _is_here(target):
            self.report.warn(rel, [("redirect target is no post here", target)])

    def _resolve(self, target, stub_slugs):
        """The address a redirect should lead to here.

        A path whose last part is the slug of a post (or of another redirect page) means
        that post: the Go blog's "/blog/io2013-chat" is "/io2013-chat/" here. A path that
        already redirects is followed, so that no chain is stored.
        """
        if _is_elsewhere(target):
            return target
        path = normalise(target)
        segments = [part for part in path.split("/") if part]
        if segments and (segments[-1] in stub_slugs or root_slug_in_use(segments[-1])):
            path = f"/{segments[-1]}/"
        for _hop in range(10):
            hop = Redirect.objects.filter(old_path__in={path, path.rstrip("/") or "/"}).first()
            if hop is None or hop.new_path == path:
                break
            path = hop.new_path
        return path


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
