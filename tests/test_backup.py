"""``backup`` and ``restore``: a backup restored into an empty database gives back every
page, the search index and the related lists, the same; and never lands on content."""

import json
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.test import TestCase

from books.models import Book
from core.models import Redirect, SiteSettings
from core.publishing import Status
from editorial.models import Revision
from essays.models import Essay, Writing
from images.models import Image
from pages.models import Page
from related.models import RelatedChoice, RelatedLink
from search.models import SearchEntry
from website.backup import LEFT_OUT

from .factories import ArticleAnalysisFactory, DevReflectionFactory, EssayFactory, TagFactory
from .public import public_urls
from .test_full_export import HEADING_ID, UPDATED, all_files, png, rows
from .test_import_export import fresh_storage

DERIVED = (SearchEntry, RelatedLink)
# What a fresh database has already: content types and permissions (migrate makes them).
KEPT_APPS = {"contenttypes", "auth"}


def site_state(client):
    """Every public page, a search, each post's related list, every stored file."""
    pages = {}
    for url in [*public_urls(), "/search/?q=essay"]:
        response = client.get(url)
        content = HEADING_ID.sub(rb"\1-heading-N", UPDATED.sub(b"", response.content))
        pages[url] = (response.status_code, content)
    related = {
        post.slug: list(
            RelatedLink.objects.filter(source=post).order_by("rank").values_list("target__slug")
        )
        for post in Writing.objects.all()
    }
    search = sorted(
        SearchEntry.objects.values_list("writing__slug", "title", "description", "body", "tags")
    )
    files = {name: default_storage.open(name).read() for name in all_files()}
    return pages, related, search, files


@fresh_storage()
class BackupRestoreTests(TestCase):
    def setUp(self):
        for name in all_files():
            default_storage.delete(name)
        # Saves schedule the search and related refreshes on commit: run them, so that
        # the site is as readers would find it.
        with self.captureOnCommitCallbacks(execute=True):
            self.make_site()
        self.folder = Path(self.enterContext(tempfile.TemporaryDirectory())) / "backup"

    def make_site(self):
        SiteSettings.objects.create(author_name="Ada Writer", tagline="Careful work")
        ai, craft = TagFactory(name="ai"), TagFactory(name="craft")
        posts = [
            EssayFactory(slug="an-essay", tags=[ai], featured=True, body="An essay on tools."),
            EssayFactory(slug="work-logs/a/2026-02-01", tags=[ai, craft]),
            ArticleAnalysisFactory(slug="an-analysis", tags=[craft]),
            DevReflectionFactory(slug="a-reflection", tags=[ai]),
            EssayFactory(slug="a-draft", draft=True),
        ]
        RelatedChoice.objects.create(source=posts[0], target=posts[2])
        Page.objects.create(title="About", slug="about", status=Status.PUBLISHED, body="*Me*.")
        Book.objects.create(
            title="The Book",
            slug="the-book",
            cover=png("cover.png"),
            status=Status.PUBLISHED,
            stage=Book.Stage.AVAILABLE,
        )
        image = Image.objects.create(file=png("library.png", (500, 300)), alt="A red block")
        EssayFactory(slug="shows-an-image", body=f"Look:\n\n{image.markdown()}")
        Redirect.objects.create(old_path="/old-essay/", new_path="/an-essay/")
        Revision.objects.create(
            content_type=ContentType.objects.get_for_model(Writing),
            object_id=posts[0].pk,
            data={"title": "Earlier"},
            note="Earlier",
        )

    def wipe(self):
        # flush would TRUNCATE, which PostgreSQL refuses inside the test's transaction.
        for model in apps.get_models():
            if not model._meta.proxy and model._meta.app_label not in KEPT_APPS:
                model._base_manager.all().delete()
        for name in all_files():
            default_storage.delete(name)
        self.assertEqual(Writing.objects.count() + SearchEntry.objects.count(), 0)

    def restore(self):
        out = StringIO()
        with self.captureOnCommitCallbacks(execute=True):
            call_command("restore", str(self.folder), stdout=out)
        return out.getvalue()

    def test_a_restored_backup_is_the_same_site(self):
        before = site_state(self.client)
        snapshot = {model: rows(model, "pk") for model in (Book, Page, Image, Redirect)}
        revisions = sorted(Revision.objects.values_list("pk", "object_id", "note", "data"))
        call_command("backup", str(self.folder), stdout=StringIO())
        manifest = json.loads((self.folder / "manifest.json").read_text())
        self.assertEqual(manifest["rows"]["essays.writing"], Writing.objects.count())
        self.assertNotIn("search.searchentry", manifest["rows"])  # rebuilt, not copied
        self.wipe()
        said = self.restore()
        self.assertIn("Restored", said)
        after = site_state(self.client)
        for name, was, now in zip(
            ("pages", "related", "search", "files"), before, after, strict=True
        ):
            self.assertEqual(now, was, name)
        self.assertTrue(after[1]["an-essay"])  # the lists exist, pins first
        self.assertEqual(after[1]["an-essay"][0], ("an-analysis",))
        self.assertEqual(
            sorted(Revision.objects.values_list("pk", "object_id", "note", "data")), revisions
        )
        self.assertTrue(Revision.objects.filter(note="Earlier").exists())
        for model, stored in snapshot.items():
            self.assertEqual(rows(model, "pk"), stored, model)

    def test_it_never_restores_over_content_and_never_overwrites_a_backup(self):
        call_command("backup", str(self.folder), stdout=StringIO())
        with pytest.raises(CommandError, match="already holds 6 posts, 1 pages, 1 books, 1 images"):
            call_command("restore", str(self.folder), stdout=StringIO())
        with pytest.raises(CommandError, match="not empty"):
            call_command("backup", str(self.folder), stdout=StringIO())
        with pytest.raises(CommandError, match="not a backup"):
            call_command("restore", str(self.folder.parent), stdout=StringIO())

    def test_a_failed_restore_leaves_the_database_as_it_was(self):
        call_command("backup", str(self.folder), stdout=StringIO())
        data = self.folder / "data.json"
        rows = json.loads(data.read_text())
        rows.append({"model": "essays.essay", "pk": 99999, "fields": {"body": "no base row"}})
        data.write_text(json.dumps(rows))
        self.wipe()
        with pytest.raises(Exception):  # noqa: B017  (loaddata's own error)
            self.restore()
        self.assertEqual(Writing.objects.count() + Page.objects.count(), 0)

    def test_plain_loaddata_of_a_dump_rebuilds_what_follows_posts(self):
        dump = self.folder.parent / "dump.json"
        call_command(
            "dumpdata",
            natural_foreign=True,
            natural_primary=True,
            output=str(dump),
            exclude=[
                "contenttypes",
                "auth.permission",
                "sessions",
                *[model._meta.label_lower for model in DERIVED],
            ],
            verbosity=0,
        )
        entries = SearchEntry.objects.count()
        self.wipe()
        with self.captureOnCommitCallbacks(execute=True):
            call_command("loaddata", str(dump), verbosity=0)
        self.assertEqual(SearchEntry.objects.count(), entries)
        self.assertTrue(RelatedLink.objects.exists())

    def test_every_character_of_a_text_comes_back(self):
        texts = {
            "trailing-spaces": "A line break:  \nthen more.  ",
            "edges": "\n\n  indented code\n\ttab\r\nwindows line\n\n",
            "characters": "Curly ‘quotes’, an em dash — and emoji 🌊; <b>&amp;</b> \x7f",
        }
        for slug, text in texts.items():
            Essay.objects.filter(pk=EssayFactory(slug=slug).pk).update(body=text)
        call_command("backup", str(self.folder), stdout=StringIO())
        self.wipe()
        self.restore()
        for slug, text in texts.items():
            self.assertEqual(Essay.objects.get(slug=slug).body, text, slug)

    def test_a_backup_of_the_first_format_still_restores(self):
        call_command("backup", str(self.folder), stdout=StringIO())
        manifest = json.loads((self.folder / "manifest.json").read_text())
        (self.folder / "data.json").unlink()
        call_command(
            "dumpdata",
            format="xml",
            natural_foreign=True,
            exclude=LEFT_OUT,
            output=str(self.folder / "data.xml"),
            verbosity=0,
        )
        manifest["format"] = 1
        (self.folder / "manifest.json").write_text(json.dumps(manifest))
        slugs = sorted(Writing.objects.values_list("slug", flat=True))
        self.wipe()
        self.restore()
        self.assertEqual(sorted(Writing.objects.values_list("slug", flat=True)), slugs)
