"""A full export: posts, pages, books, the image library, tags, redirects and settings,
imported into an empty site, give the same rows, the same public pages and, exported
again, the same files byte for byte."""

import re
import tempfile
from datetime import timedelta
from io import BytesIO, StringIO
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone
from PIL import Image as PILImage

from books.models import Book
from core.models import Redirect, SiteSettings
from core.publishing import Status
from essays.models import Tag, Writing
from images.models import Image
from pages.models import Page, Project
from transfer.importer import Importer
from transfer.models import ImportRecord

from .factories import ArticleAnalysisFactory, DevReflectionFactory, EssayFactory, TagFactory
from .public import public_urls
from .test_import_export import fresh_storage

UPDATED = re.compile(
    rb'<(lastBuildDate|lastmod|updated)>[^<]*</\1>|"(dateModified|date_modified)": "[^"]*"'
)
# An analysis's section ids carry its primary key, which a new database renumbers.
HEADING_ID = re.compile(rb"(summary|analysis)-heading-\d+")
SKIPPED = {"id", "writing_ptr", "created", "updated", "author"}


def png(name, size=(640, 400), colour=(200, 30, 60)):
    out = BytesIO()
    PILImage.new("RGB", size, colour).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def rows(model, key):
    out = {}
    for item in model.objects.all():
        item = getattr(item, "specific", item)
        row = {
            field.name: getattr(item, field.name)
            for field in item._meta.concrete_fields
            if field.name not in SKIPPED
        }
        for name, value in row.items():
            if hasattr(value, "name") and hasattr(value, "storage"):
                row[name] = value.name  # a file: its name in storage
        if hasattr(item, "tags"):
            row["tags"] = sorted(tag.slug for tag in item.tags.all())
        out[getattr(item, key)] = row
    return out


def snapshot():
    return {
        "posts": rows(Writing, "slug"),
        "pages": rows(Page, "slug"),
        "books": rows(Book, "slug"),
        "images": rows(Image, "file"),
        "tags": sorted(Tag.objects.values_list("slug", "name")),
        "redirects": sorted(Redirect.objects.values_list("old_path", "new_path")),
        "settings": rows(SiteSettings, "pk"),
        "projects": rows(Project, "name"),
    }


def all_files(folder=""):
    dirs, files = default_storage.listdir(folder)
    names = [f"{folder}/{name}".lstrip("/") for name in files]
    for name in dirs:
        names += all_files(f"{folder}/{name}".lstrip("/"))
    return names


def wipe():
    """An empty site: no rows the import makes, no stored files, no settings."""
    Writing.objects.all().delete()
    for model in (ImportRecord, Tag, Redirect, Page, Book, Image, SiteSettings, Project):
        model.objects.all().delete()
    for name in all_files():
        default_storage.delete(name)


def tree(folder):
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(Path(folder).rglob("*"))
        if path.is_file()
    }


def export(folder):
    call_command("export_markdown", str(folder), "--no-progress", stdout=StringIO())
    return tree(folder)


@fresh_storage()
@override_settings(REDIRECT_ALLOWED_HOSTS=["example.com"])  # a redirect elsewhere, exported
class FullExportTests(TestCase):
    def setUp(self):
        # Made for each test: the storage outlives a test, its rows do not.
        for name in all_files():
            default_storage.delete(name)
        SiteSettings.objects.create(
            author_name="Ada Writer",
            tagline='Quotes "and" back\\slashes',
            short_bio="Two lines.\nOf bio.",
            podcast_explicit=True,
            recent_count=7,
            podcast_artwork=png("art.png", (1400, 1400)),
            podcast_guid="917393e3-1b1e-5cef-ace4-edaa54e1f810",  # a UUID, kept as it was
        )
        tags = [TagFactory(name="python"), TagFactory(name="lonely", slug="lonely-one")]
        EssayFactory(slug="an-essay", tags=[tags[0]], featured=True)
        ArticleAnalysisFactory(slug="an-analysis")
        DevReflectionFactory(slug="a-reflection", audio_url="https://example.com/a.mp3")
        EssayFactory(slug="a-draft", draft=True)
        EssayFactory(slug="later", scheduled=True)
        Page.objects.create(
            title="About",
            slug="about",
            status=Status.PUBLISHED,
            body="About *me*.",
            description="Who",
            nav_order=2,
            publish_at=timezone.now() - timedelta(days=9),
        )
        Book.objects.create(
            title="The Book",
            slug="the-book",
            subtitle="A subtitle",
            description="One line",
            pitch="A **long** pitch.",
            stage=Book.Stage.AVAILABLE,
            cover=png("cover.png"),
            cover_alt="A red cover",
            buy_url="https://example.com/buy",
            display_order=3,
            home_hero=True,
            status=Status.PUBLISHED,
            publish_at=timezone.now() - timedelta(days=30),
        )
        Project.objects.create(
            name="Authexis", one_liner="Writing, checked", url="https://a.example/"
        )
        Project.objects.create(name="Hidden", one_liner="Not yet", display_order=2, visible=False)
        library = Image.objects.create(file=png("library.png", (500, 300)), alt="A red block")
        EssayFactory(slug="shows-an-image", body=f"Look:\n\n{library.markdown()}")
        Image.objects.create(file=png("ornament.png", (50, 30), (1, 2, 3)), decorative=True)
        for old, new in [
            ("/old-essay/", "/an-essay/"),
            ("/about-me/", "/about/"),
            ("/old-book/", "/books/the-book/"),
            ("/gone/", "https://example.com/elsewhere"),
        ]:
            Redirect.objects.create(old_path=old, new_path=new)

    def round_trip(self):
        """(before, after): each a snapshot, its public pages and its export."""
        sides = []
        for step in range(2):
            with tempfile.TemporaryDirectory() as folder:
                pages = {url: self.fetch(url) for url in public_urls()}
                sides.append((snapshot(), pages, export(folder)))
                if step == 0:
                    wipe()
                    self.assertEqual(Page.objects.count() + Writing.objects.count(), 0)
                    report = Importer(folder).run()
                    self.assertEqual(report.skipped, [])
        return sides

    def fetch(self, url):
        """Status and body; a feed's build time, a sitemap's lastmod and JSON-LD's
        dateModified are when rows were last saved (``updated``): an import's own time."""
        response = self.client.get(url)
        content = HEADING_ID.sub(rb"\1-heading-N", UPDATED.sub(b"", response.content))
        return response.status_code, content

    def test_every_row_url_and_file_comes_back(self):
        (rows_before, pages_before, files_before), (rows_after, pages_after, files_after) = (
            self.round_trip()
        )
        counts = {name: len(rows) for name, rows in rows_before.items()}
        expected = {"posts": 6, "pages": 1, "books": 1, "images": 2, "tags": 2, "redirects": 4}
        self.assertEqual(counts, expected | {"settings": 1, "projects": 2})
        for name in rows_before:
            self.assertEqual(rows_after[name], rows_before[name], name)
        self.assertEqual(sorted(pages_after), sorted(pages_before))
        differ = [url for url, page in pages_before.items() if pages_after[url] != page]
        self.assertEqual(differ, [])
        for old in ("/old-essay/", "/about-me/", "/old-book/", "/gone/"):
            self.assertEqual(self.client.get(old).status_code, 301, old)
        self.assertEqual(sorted(files_after), sorted(files_before))
        for name, data in files_before.items():
            self.assertEqual(files_after[name], data, name)

    def test_the_export_layout(self):
        with tempfile.TemporaryDirectory() as folder:
            files = export(folder)
        book = Book.objects.get()
        image = Image.objects.get(alt="A red block")
        for name in [
            "content/essays/an-essay/index.md",
            "content/article-analyses/an-analysis/index.md",
            "content/dev-reflections/a-reflection/index.md",
            "content/about.md",
            "content/books/the-book/index.md",
            f"content/books/the-book/{Path(book.cover.name).name}",
            f"static/{image.file.name}",
            f"static/{SiteSettings.load().podcast_artwork.name}",
            "data/images.yaml",
            "data/tags.yaml",
            "data/projects.yaml",
            "content/redirects/gone.md",
            "hugo.toml",
        ]:
            self.assertIn(name, files)
        about = files["content/about.md"].decode()
        self.assertIn("type: page\n", about)
        self.assertIn("aliases:\n- /about-me/\n", about)
        self.assertIn(
            "aliases:\n- /old-essay/\n", files["content/essays/an-essay/index.md"].decode()
        )
        self.assertIn("stage: available\n", files["content/books/the-book/index.md"].decode())
        self.assertIn("slug: lonely-one", files["data/tags.yaml"].decode())
        self.assertNotIn("python", files["data/tags.yaml"].decode())
        shows = files["content/essays/shows-an-image/index.md"].decode()
        self.assertIn(f"![](/{image.file.name})", shows)  # from static/, not copied
        config = files["hugo.toml"].decode()
        self.assertIn('"essays" = "/:slugorfilename/"', config)
        self.assertIn('author_name = "Ada Writer"', config)
        self.assertIn("recent_count = 7", config)

    def test_a_books_section_of_a_hugo_site_comes_in_as_books(self):
        with tempfile.TemporaryDirectory() as folder:
            book = Path(folder) / "content/books/other-book.md"
            book.parent.mkdir(parents=True)
            book.write_text("---\ntitle: Other\nstage: coming-soon\n---\n\nPitch.\n")
            report = Importer(folder).run()
        self.assertEqual(report.created, ["content/books/other-book.md"])
        self.assertFalse(Writing.objects.filter(slug="other-book").exists())
        other = Book.objects.get(slug="other-book")
        self.assertEqual((other.stage, other.pitch), ("coming-soon", "Pitch."))

    def test_a_file_outside_the_site_is_never_read(self):
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / "secret.png").write_bytes(png("secret.png").read())
            book = Path(folder) / "site/content/books/sneaky/index.md"
            book.parent.mkdir(parents=True)
            book.write_text("---\ntitle: Sneaky\ncover: ../../../../secret.png\n---\n")
            report = Importer(Path(folder) / "site").run()
        self.assertEqual(report.outcome("content/books/sneaky/index.md"), "skipped: missing file")
        self.assertFalse(Book.objects.filter(slug="sneaky").exists())

    def test_a_dry_run_lists_pages_and_books_and_makes_none(self):
        with tempfile.TemporaryDirectory() as folder:
            export(folder)
            wipe()
            report = Importer(folder, dry_run=True).run()
        self.assertEqual(report.outcome("content/about.md"), "skipped: page or book")
        self.assertEqual((Page.objects.count(), Book.objects.count()), (0, 0))
