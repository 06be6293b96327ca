"""import_markdown and export_markdown: the fixture sites, the Go blog corpus, round trips."""

import os
import re
import shutil
import tempfile
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import TestCase, override_settings

from core.markdown import render_markdown
from core.models import Redirect
from core.publishing import State, Status
from essays.models import ArticleAnalysis, DevReflection, Essay, Tag, Writing
from pages.models import Page
from transfer.body import import_text
from transfer.images import ImageImport
from transfer.importer import Importer
from transfer.kinds import detect
from transfer.markup import pieces
from transfer.models import ImportRecord
from transfer.shortcodes import UNHANDLED
from transfer.values import parse_datetime, parse_duration, parse_size

from .factories import ArticleAnalysisFactory, DevReflectionFactory, EssayFactory, TagFactory

SITES = Path(__file__).parent / "fixtures" / "site"
HUGO, JEKYLL = SITES / "hugo", SITES / "jekyll"
# The Go blog corpus (read-only, see ../shared/corpora/README.md). `make test` imports a
# fixed slice of it; the whole corpus runs under the `corpus_full` marker (`make test-full`).
GO_BLOG = Path(
    os.environ.get(
        "GO_BLOG_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpora" / "go-blog"
    )
)
# The slice: the three files that are not posts, posts with tags, several authors, images
# (present and missing), dotted slugs, timestamps, a date without zero padding, {{play}},
# {{code}}, {{raw}}, {{video}} and template logic, and redirect pages that point at them.
GO_BLOG_SLICE = {
    "skipped": ["README.md", "index.md", "all.md"],
    "posts": [
        "intro-generics",  # two authors, tags; its images are not in the corpus
        "docker",  # an image in its folder
        "constants",  # {{play}}
        "go1.1",  # a dot in the slug, images
        "gofmt",
        "cgo",
        "json",
        "pprof",
        "1year",
        "2years",
        "11years",  # a timestamp, a folder with no {{image}}
        "survey2024-h1-results",  # an unpadded date: 2024-4-09
        "go1.6",  # {{block}}, {{raw}}
        "experiment",  # {{video}}
        "context",  # {{code}}
        "compat",
        "10years",  # raw HTML, missing images
    ],
    "redirects": [
        "go-11-is-released",  # to go1.1
        "go-fmt-your-code",
        "c-go-cgo",
        "json-and-go",
        "profiling-go-programs",
        "go-one-year-ago-today",
        "go-programming-language-turns-two",
    ],
}


def fresh_storage():
    """An empty media storage, for a test class or a test."""
    default = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
    return override_settings(STORAGES={**settings.STORAGES, "default": default})


HUGO_OUTCOMES = {
    "content/_index.md": "skipped: not a post",
    "content/essays/plain-essay.md": "created",
    "content/essays/toml-essay.md": "created",
    "content/essays/bundle-essay/index.md": "created",
    "content/essays/bundle-essay/notes.md": "skipped: not a post",
    "content/article-analysis/some-analysis.md": "created",
    "content/dev-reflections/reflection-one.md": "created",
    "content/posts/about.md": "skipped: slug taken by a page",
    "content/posts/bad-date.md": "skipped: bad date",
    "content/posts/bad-toml.md": "skipped: bad front matter",
    "content/posts/bad-yaml.md": "skipped: bad front matter",
    "content/posts/blog.md": "created",  # as /blog-2/: /blog/ is a page of the site
    "content/posts/co-authored.md": "created",
    "content/posts/go-style.md": "created",
    "content/posts/latin1.md": "skipped: bad encoding",
    "content/posts/layout-reflection.md": "created",
    "content/posts/list-yaml.md": "skipped: bad front matter",
    "content/posts/moved.md": "redirect",
    "content/posts/no-front-matter.md": "skipped: no front matter",
    "content/posts/publish-date.md": "created",
    "content/posts/scheduled.md": "created",
    "content/posts/titled-analysis.md": "created",
    "content/posts/titled-reflection.md": "created",
    "content/posts/typed-analysis.md": "created",
    "content/posts/unclosed.md": "skipped: bad front matter",
    "content/posts/url-moved.md": "created",
}
JEKYLL_OUTCOMES = {
    "README.md": "skipped: no front matter",
    "_drafts/unfinished.md": "created",
    "_posts/2019-05-03-jekyll-post.md": "created",
    "_posts/2020-01-01-not-published.md": "created",
}


def run_import(folder, **options):
    return Importer(folder, **options).run()


def markdown_files(folder, skip=()):
    return {
        path.relative_to(folder).as_posix()
        for path in Path(folder).rglob("*.md")
        if not set(path.relative_to(folder).parts) & set(skip)
    }


def post(slug):
    return Writing.objects.get(slug=slug).specific


def stored_files(folder="imported"):
    """{name: bytes} of every file under ``folder`` in the media storage."""
    if not default_storage.exists(folder):
        return {}
    dirs, files = default_storage.listdir(folder)
    found = {}
    for name in files:
        with default_storage.open(f"{folder}/{name}", "rb") as stored:
            found[f"{folder}/{name}"] = stored.read()
    for name in dirs:
        found |= stored_files(f"{folder}/{name}")
    return found


def dump():
    """Everything an import makes, normalised: posts with all their fields, redirects, files."""
    skipped = {"id", "writing_ptr", "created", "updated", "author"}
    posts = {}
    for writing in Writing.objects.with_specific().prefetch_related("tags"):
        item = writing.specific
        row = {
            field.name: getattr(item, field.name)
            for field in item._meta.concrete_fields
            if field.name not in skipped
        }
        row["tags"] = sorted((tag.slug, tag.name) for tag in item.tags.all())
        row["state"] = item.state
        posts[item.slug] = row
    redirects = sorted(Redirect.objects.values_list("old_path", "new_path"))
    return posts, redirects, stored_files()


def wipe():
    """An empty site: no posts, tags, redirects, imported files or records of imports."""
    Writing.objects.all().delete()
    ImportRecord.objects.all().delete()
    Tag.objects.all().delete()
    Redirect.objects.all().delete()
    for name in stored_files():
        default_storage.delete(name)


def export_wipe_import():
    with tempfile.TemporaryDirectory() as folder:
        call_command("export_markdown", folder, "--no-progress", stdout=StringIO())
        wipe()
        return run_import(folder)


@fresh_storage()
class HugoSiteTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        Page.objects.create(title="About", slug="about", status=Status.PUBLISHED)
        cls.report = run_import(HUGO)

    def test_every_file_is_imported_or_reported_with_its_reason(self):
        files = markdown_files(HUGO)
        self.assertEqual({rel: self.report.outcome(rel) for rel in files}, HUGO_OUTCOMES)

    def test_bad_files_are_reported_with_what_is_wrong(self):
        details = {path: detail for path, _reason, detail in self.report.skipped}
        self.assertIn("YAML", details["content/posts/bad-yaml.md"])
        self.assertIn("(line 3)", details["content/posts/bad-yaml.md"])
        self.assertIn("TOML", details["content/posts/bad-toml.md"])
        self.assertIn("closing --- is missing", details["content/posts/unclosed.md"])
        self.assertIn("not a mapping", details["content/posts/list-yaml.md"])
        self.assertIn("not UTF-8", details["content/posts/latin1.md"])
        self.assertIn("someday soon", details["content/posts/bad-date.md"])

    def test_each_file_becomes_the_right_type(self):
        kinds = {
            "plain-essay": Essay,  # its folder
            "custom-slug": Essay,
            "go-style": Essay,  # the default
            "some-analysis": ArticleAnalysis,  # its folder
            "typed-analysis": ArticleAnalysis,  # type:
            "titled-analysis": ArticleAnalysis,  # its title
            "reflection-one": DevReflection,  # its folder
            "titled-reflection": DevReflection,  # its title
            "layout-reflection": DevReflection,  # layout:
        }
        self.assertEqual({slug: type(post(slug)) for slug in kinds}, kinds)

    def test_an_essay_keeps_its_front_matter(self):
        essay = post("plain-essay")
        self.assertEqual(essay.title, "A plain essay")
        self.assertEqual(essay.description, "What the essay is about.")
        self.assertEqual(essay.publish_at, datetime(2021, 3, 4, 5, 6, 7, tzinfo=UTC))
        self.assertEqual(essay.state, State.PUBLISHED)
        self.assertTrue(essay.featured)
        self.assertEqual(essay.byline, "")  # the site's own author
        tags = sorted(essay.tags.values_list("slug", "name"))
        self.assertEqual(
            tags,
            [
                ("ai", "ai"),
                ("machine-learning", "machine learning"),
                ("staying-human", "staying human"),
                ("work", "work"),
            ],
        )

    def test_what_cannot_be_mapped_is_kept_in_metadata(self):
        metadata = post("plain-essay").metadata
        self.assertEqual(metadata["lastmod"], "2022-01-01")
        self.assertEqual(metadata["series"], {"name": "Firsts", "part": 1})
        self.assertEqual(metadata["author"], "Paul Welty")
        self.assertEqual(post("go-style").metadata["template"], True)
        self.assertEqual(post("layout-reflection").metadata["podcast_file"], "not a url")

    def test_toml_front_matter_slug_summary_and_draft(self):
        essay = post("custom-slug")
        self.assertEqual(essay.title, "A TOML essay")
        self.assertEqual(essay.description, "Said in TOML.")
        self.assertEqual(essay.status, Status.DRAFT)
        self.assertEqual(essay.publish_at, datetime(2020, 6, 1, 8, 0, tzinfo=UTC))

    def test_a_future_date_schedules_and_publish_date_wins(self):
        self.assertEqual(post("scheduled").state, State.SCHEDULED)
        written = post("publish-date")
        self.assertEqual(written.publish_at, datetime(2020, 2, 1, 12, 0, tzinfo=UTC))
        self.assertEqual(written.metadata["date"], "2020-01-01")

    def test_other_authors_make_the_byline_and_the_raw_names_are_kept(self):
        shared = post("co-authored")
        self.assertEqual(shared.byline, "Claude and Ada Lovelace")
        self.assertEqual(shared.metadata["authors"], ["Paul Welty", "Claude"])
        self.assertEqual(shared.metadata["by"], ["Ada Lovelace"])
        self.assertEqual(post("go-style").byline, "Andrew Gerrand")
        self.assertEqual(post("go-style").description, "How the Go blog writes.")

    def test_audio_fields(self):
        one = post("reflection-one")
        self.assertEqual(one.audio_url, "https://cdn.example.com/reflection-one.mp3")
        self.assertEqual((one.audio_seconds, one.audio_bytes), (754, 12_300_000))
        self.assertEqual(one.title, "Dev reflection - January 05, 2026")
        two = post("titled-reflection")
        self.assertEqual((two.audio_seconds, two.audio_bytes), (3723, 1234567))
        self.assertEqual(post("layout-reflection").audio_url, "")

    def test_an_article_analysis_gets_its_source_and_its_two_parts(self):
        analysis = post("some-analysis")
        self.assertEqual(analysis.source_title, "The micro-credentials movement")
        self.assertEqual(analysis.source_url, "https://example.com/micro")
        self.assertEqual(analysis.source_author, "Aditya Malik")
        self.assertEqual(analysis.source_publication, "Forbes")
        self.assertEqual(analysis.quote, "Micro-credentials help reskill and upskill.")
        self.assertEqual(analysis.summary, "The article argues for micro-credentials.")
        self.assertEqual(analysis.analysis, "I think the argument needs more examples.")
        typed = post("typed-analysis")
        self.assertEqual(
            (typed.summary, typed.analysis), ("Opening words.", "Only an analysis here.")
        )
        titled = post("titled-analysis")
        self.assertEqual(titled.source_title, "A title that says it")
        self.assertEqual(titled.analysis, "No headings at all: all of it is the analysis.")

    def test_images_are_copied_into_media_and_relinked(self):
        bundle = post("bundle-essay")
        photo = f"{settings.MEDIA_URL}imported/bundle-essay/photo.png"
        self.assertIn(f"![A photo]({photo})", bundle.body)
        self.assertIn(f'src="{settings.MEDIA_URL}imported/bundle-essay/diagram.svg"', bundle.body)
        self.assertEqual(
            stored_files("imported/bundle-essay"),
            {
                "imported/bundle-essay/photo.png": (
                    HUGO / "content/essays/bundle-essay/photo.png"
                ).read_bytes(),
                "imported/bundle-essay/diagram.svg": (
                    HUGO / "content/essays/bundle-essay/diagram.svg"
                ).read_bytes(),
            },
        )
        # From static/, and the Go blog's {{image}} from the folder beside the post.
        self.assertIn("/media/imported/plain-essay/static-pic.png", post("plain-essay").body)
        self.assertIn(
            '![](/media/imported/go-style/pic.png){: width="300" }', post("go-style").body
        )
        self.assertIn('width="300"', post("go-style").body_html)

    def test_a_missing_image_is_reported_and_its_link_kept(self):
        bundle = post("bundle-essay")
        self.assertIn("![Gone](missing.png)", bundle.body)
        self.assertIn("![Unsafe](unsafe.svg)", bundle.body)  # an SVG with script is refused
        warnings = {(path, reason) for path, reason, _detail in self.report.warnings}
        self.assertIn(("content/essays/bundle-essay/index.md", "missing image"), warnings)
        self.assertIn(("content/essays/bundle-essay/index.md", "image not copied"), warnings)
        self.assertNotIn("imported/bundle-essay/unsafe.svg", stored_files())

    def test_template_directives_stay_visible_as_code_and_are_reported(self):
        # Hugo shortcodes are converted or kept hidden (tests/test_shortcodes.py); the Go
        # blog's directives stay visible as code.
        essay = post("plain-essay")
        self.assertIn("[YouTube video](https://www.youtube.com/watch?v=dQw4w9WgXcQ)", essay.body)
        self.assertIn("Inline {{% notice tip %}}a tip{{% /notice %}} and", essay.body)
        self.assertIn("<p>Inline a tip and code", essay.body_html)
        self.assertIn("`{{< not-a-directive >}}` stays", essay.body)  # already code
        go = post("go-style")
        self.assertIn('~~~\n{{play "go-style/hello.go" `/START/` `/STOP/`}}\n~~~', go.body)
        self.assertIn('Some `{{code "go-style/hello.go"}}` inline.', go.body)
        self.assertIn("~~~\n{{raw `\n\tfunc x() {}\n`}}\n~~~", go.body)
        self.assertIn("\t// Indented code keeps {{these}} as they are.", go.body)
        reported = {
            path: detail
            for path, reason, detail in self.report.warnings
            if reason == "template directive kept as code"
        }
        self.assertNotIn("content/essays/plain-essay.md", reported)
        self.assertEqual(reported["content/posts/go-style.md"], "play, code, raw")
        hidden = {
            path: detail for path, reason, detail in self.report.warnings if reason == UNHANDLED
        }
        self.assertEqual(hidden["content/essays/plain-essay.md"], "notice")

    def test_aliases_url_and_redirect_pages_become_permanent_redirects(self):
        for old in ("/old/plain-essay/", "/2019/01/plain.html", "/moved/"):
            with self.subTest(old=old):
                response = self.client.get(old)
                self.assertEqual(response.status_code, 301)
                self.assertEqual(response["Location"], "/plain-essay/")
        self.assertEqual(self.client.get("/plain-essay/").status_code, 200)

    def test_a_url_in_the_front_matter_is_the_posts_address(self):
        moved = post("archive/2018/moved-post")
        self.assertEqual(moved.get_absolute_url(), "/archive/2018/moved-post/")
        self.assertContains(self.client.get("/archive/2018/moved-post/"), "Moved by its url")
        response = self.client.get("/archive/2018/moved-post")
        self.assertEqual(
            (response.status_code, response["Location"]), (301, "/archive/2018/moved-post/")
        )

    def test_posts_are_at_their_old_urls(self):
        for item in Writing.objects.published():
            with self.subTest(slug=item.slug):
                self.assertEqual(self.client.get(f"/{item.slug}/").status_code, 200)

    def test_a_page_keeps_its_slug(self):
        self.assertFalse(Writing.objects.filter(slug__in=["about", "blog"]).exists())
        self.assertEqual(Page.objects.get().slug, "about")


@fresh_storage()
class JekyllSiteTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.report = run_import(JEKYLL)

    def test_every_file_is_imported_or_reported(self):
        files = markdown_files(JEKYLL, skip={"_site"})
        self.assertEqual({rel: self.report.outcome(rel) for rel in files}, JEKYLL_OUTCOMES)

    def test_a_dated_file_name_gives_the_date_and_slug(self):
        item = post("jekyll-post")
        self.assertEqual(item.publish_at, datetime(2019, 5, 3, tzinfo=UTC))
        self.assertEqual(sorted(item.tags.values_list("name", flat=True)), ["one", "two", "work"])
        self.assertEqual(item.metadata, {"layout": "post"})
        self.assertIn("/media/imported/jekyll-post/jk.png", item.body)

    def test_a_permalink_redirects_to_the_post(self):
        response = self.client.get("/2019/05/03/jekyll-post.html")
        self.assertEqual((response.status_code, response["Location"]), (301, "/jekyll-post/"))

    def test_drafts_and_unpublished_posts_are_drafts(self):
        self.assertEqual(post("unfinished").status, Status.DRAFT)
        self.assertIsNone(post("unfinished").publish_at)
        self.assertEqual(post("not-published").status, Status.DRAFT)
        self.assertEqual(post("not-published").publish_at, datetime(2020, 1, 1, tzinfo=UTC))


class ImportBehaviourTests(TestCase):
    def setUp(self):
        self.enterContext(fresh_storage())

    def test_running_again_changes_nothing_and_duplicates_nothing(self):
        first = run_import(HUGO)
        counts = (Writing.objects.count(), Tag.objects.count(), Redirect.objects.count())
        files = stored_files()
        again = run_import(HUGO)
        self.assertEqual((again.created, again.updated), ([], []))
        self.assertEqual(sorted(again.unchanged), sorted(first.created))
        self.assertFalse(any(is_new for *_paths, is_new in again.redirects))
        self.assertEqual(
            (Writing.objects.count(), Tag.objects.count(), Redirect.objects.count()), counts
        )
        self.assertEqual(stored_files(), files)

    def test_a_changed_file_updates_its_post(self):
        with tempfile.TemporaryDirectory() as folder:
            site = Path(folder) / "hugo"
            shutil.copytree(HUGO, site)
            run_import(site)
            essay = site / "content/essays/plain-essay.md"
            text = essay.read_text().replace("title: A plain essay", "title: A better title")
            essay.write_text(text.replace("tags: [AI, Machine Learning]", "tags: [AI]"))
            report = run_import(site)
        self.assertEqual(report.updated, ["content/essays/plain-essay.md"])
        self.assertEqual(report.created, [])
        updated = post("plain-essay")
        self.assertEqual(updated.title, "A better title")
        self.assertNotIn("machine-learning", updated.tags.values_list("slug", flat=True))

    def test_a_dry_run_reports_and_writes_nothing(self):
        report = run_import(HUGO, dry_run=True)
        self.assertEqual(len(report.created), 16)
        self.assertTrue(report.dry_run)
        self.assertFalse(Writing.objects.exists())
        self.assertFalse(Tag.objects.exists())
        self.assertFalse(Redirect.objects.exists())
        self.assertEqual(stored_files(), {})

    def test_the_command_shows_progress_on_stderr_and_the_report_on_stdout(self):
        out, err = StringIO(), StringIO()
        call_command("import_markdown", str(HUGO), stdout=out, stderr=err)
        self.assertIn("Import", err.getvalue())
        self.assertIn("26/26", err.getvalue())
        output = out.getvalue()
        self.assertIn("Imported: 16 created, 0 updated, 0 unchanged, 1 redirects", output)
        self.assertIn("content/posts/latin1.md: not UTF-8 (byte 0xe9 at 14)", output)
        self.assertIn("content/posts/blog.md: /blog/ is a page of the site", output)

    def test_the_command_dry_run(self):
        out = StringIO()
        call_command("import_markdown", str(HUGO), "--dry-run", "--no-progress", stdout=out)
        self.assertIn("Dry run, nothing saved: 16 created", out.getvalue())
        self.assertFalse(Writing.objects.exists())

    def test_a_post_that_fails_leaves_nothing_behind_and_the_rest_goes_on(self):
        real_save = ImageImport.save

        def failing_save(images, storage):
            if images.folder == "imported/plain-essay":
                raise OSError("disk full")
            return real_save(images, storage)

        with mock.patch.object(ImageImport, "save", failing_save):
            report = run_import(HUGO, batch=3)
        self.assertEqual(
            report.outcome("content/essays/plain-essay.md"), "skipped: could not import"
        )
        self.assertFalse(Writing.objects.filter(slug="plain-essay").exists())
        self.assertFalse(Tag.objects.filter(slug="staying-human").exists())
        self.assertFalse(Redirect.objects.filter(old_path="/old/plain-essay/").exists())
        self.assertEqual(len(report.created), 15)

    def test_missing_images_can_skip_the_post(self):
        report = run_import(HUGO, strict_images=True)
        self.assertEqual(
            report.outcome("content/essays/bundle-essay/index.md"), "skipped: missing image"
        )
        self.assertFalse(Writing.objects.filter(slug="bundle-essay").exists())

    def test_a_slug_held_by_another_type_is_not_overwritten(self):
        EssayFactory(slug="some-analysis")
        report = run_import(HUGO)
        self.assertEqual(
            report.outcome("content/article-analysis/some-analysis.md"), "skipped: type conflict"
        )
        self.assertIsInstance(post("some-analysis"), Essay)

    def test_tags_match_existing_ones_by_slug(self):
        existing = TagFactory(name="machine learning", slug="machine-learning")
        run_import(HUGO)
        self.assertIn(existing, post("plain-essay").tags.all())


@fresh_storage()
@override_settings(REDIRECT_ALLOWED_HOSTS=["example.com"])  # a redirect elsewhere, exported
class ExportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        run_import(HUGO)
        run_import(JEKYLL)
        # Posts written here, not imported: no metadata, a byline, microseconds in dates.
        EssayFactory(slug="cms-essay", byline="Claude", tags=[TagFactory(name="ai")])
        ArticleAnalysisFactory(slug="cms-analysis")
        DevReflectionFactory(slug="cms-reflection", audio_url="https://x.example/a.mp3")
        EssayFactory(slug="cms-draft", draft=True)
        Redirect.objects.create(
            old_path="/old-elsewhere/", new_path="https://example.com/elsewhere"
        )

    def setUp(self):
        self.folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.folder)

    def export(self):
        out = StringIO()
        call_command("export_markdown", str(self.folder), "--no-progress", stdout=out)
        return out.getvalue()

    def test_every_post_is_written_as_a_page_bundle(self):
        output = self.export()
        written = {
            path.parent.relative_to(self.folder / "content").as_posix()
            for path in self.folder.glob("content/**/index.md")
        }
        expected = {f"{item.section}/{item.slug}" for item in Writing.objects.all()}
        self.assertEqual(written, expected)
        self.assertIn(f"Exported {len(expected)} posts", output)
        self.assertIn("essays/custom-slug", written)  # a draft
        self.assertIn("essays/scheduled", written)
        self.assertIn("article-analyses/some-analysis", written)
        self.assertIn("essays/archive/2018/moved-post", written)  # a nested address

    def test_images_are_written_beside_the_post(self):
        self.export()
        bundle = self.folder / "content/essays/bundle-essay"
        source = HUGO / "content/essays/bundle-essay/photo.png"
        self.assertEqual((bundle / "photo.png").read_bytes(), source.read_bytes())
        text = (bundle / "index.md").read_text()
        self.assertIn("![A photo](photo.png)", text)
        self.assertIn("![Gone](missing.png)", text)

    def test_front_matter_carries_states_aliases_and_metadata(self):
        self.export()
        text = (self.folder / "content/essays/plain-essay/index.md").read_text()
        front = text.split("---\n")[1]
        self.assertIn("date: 2021-03-04T05:06:07+00:00", front)
        self.assertIn(
            "aliases:\n- /2019/01/plain.html\n- /moved/\n- /old/plain-essay/",
            front,
        )
        self.assertIn("featured: true", front)
        self.assertIn("lastmod: '2022-01-01'", front)
        self.assertIn("series:\n  name: Firsts\n  part: 1", front)
        draft = (self.folder / "content/essays/custom-slug/index.md").read_text()
        self.assertIn("draft: true", draft)
        analysis = (self.folder / "content/article-analyses/some-analysis/index.md").read_text()
        self.assertIn("source_url: https://example.com/micro", analysis)
        self.assertIn("## Summary\n\nThe article argues", analysis)
        redirect_page = self.folder / "content/redirects/old-elsewhere.md"
        self.assertIn("redirect: https://example.com/elsewhere", redirect_page.read_text())

    def test_a_round_trip_gives_the_same_site(self):
        before = dump()
        report = export_wipe_import()
        self.assertEqual(report.skipped, [])
        self.assertEqual(dump(), before)


def go_blog_slice():
    """A temporary folder holding the slice of the corpus: its files and their folders."""
    folder = Path(tempfile.mkdtemp())
    names = [*GO_BLOG_SLICE["skipped"]]
    names += [f"{stem}.md" for stem in GO_BLOG_SLICE["posts"] + GO_BLOG_SLICE["redirects"]]
    for name in names:
        shutil.copy2(GO_BLOG / name, folder / name)
    for stem in GO_BLOG_SLICE["posts"]:
        if (GO_BLOG / stem).is_dir():
            shutil.copytree(GO_BLOG / stem, folder / stem)
    return folder


def expected_go_blog_outcome(path):
    """What should happen to a file of the Go blog, read from the file itself."""
    text = path.read_text()
    if not text.startswith("---\n"):
        return "skipped: no front matter"
    front = text.split("---\n", 2)[1]
    if path.name in ("index.md", "all.md"):  # the blog's own list pages
        return "skipped: not a post"
    if re.search(r"^redirect: ", front, re.M):
        return "redirect"
    return "created"


class GoBlogSlice:
    """A TestCase mixin: ``cls.folder`` is a copy of the Go blog slice, made once for the
    class (a subclass's ``corpus`` may give the whole corpus instead)."""

    @classmethod
    def corpus(cls):
        folder = go_blog_slice()
        cls.addClassCleanup(shutil.rmtree, folder)
        return folder

    @classmethod
    def setUpClass(cls):
        cls.folder = cls.corpus()
        super().setUpClass()


@pytest.mark.skipif(not GO_BLOG.is_dir(), reason="the Go blog corpus is not here")
@fresh_storage()
class GoBlogTests(GoBlogSlice, TestCase):
    """A fixed slice of the Go blog; GoBlogFullTests runs the same tests on all of it."""

    # Markdown files, posts created, redirect pages.
    expected_counts = (
        len(GO_BLOG_SLICE["skipped"] + GO_BLOG_SLICE["posts"] + GO_BLOG_SLICE["redirects"]),
        len(GO_BLOG_SLICE["posts"]),
        len(GO_BLOG_SLICE["redirects"]),
    )

    @classmethod
    def setUpTestData(cls):
        cls.report = run_import(cls.folder)

    def test_every_file_is_imported_or_reported_with_a_reason(self):
        files = markdown_files(self.folder)
        outcomes = {rel: self.report.outcome(rel) for rel in files}
        expected = {rel: expected_go_blog_outcome(self.folder / rel) for rel in files}
        self.assertEqual(outcomes, expected)
        counts = (len(files), len(self.report.created), len(self.report.redirects))
        self.assertEqual(counts, self.expected_counts)
        self.assertEqual(
            {(path, reason) for path, reason, _detail in self.report.skipped},
            {
                ("README.md", "no front matter"),
                ("index.md", "not a post"),
                ("all.md", "not a post"),
            },
        )

    def test_every_post_lives_at_its_hugo_url(self):
        for rel in self.report.created:
            with self.subTest(rel=rel):
                url = f"/blog/{Path(rel).stem.lower()}/"  # the base path, lower-cased by Hugo
                self.assertEqual(self.client.get(url).status_code, 200)
        for rel, old, _new, _is_new in self.report.redirects:
            with self.subTest(rel=rel):
                response = self.client.get(old)
                self.assertEqual(response.status_code, 301)
                self.assertEqual(self.client.get(response["Location"]).status_code, 200)

    def test_authors_tags_summaries_and_dates(self):
        generics = post("blog/intro-generics")
        self.assertEqual(generics.byline, "Robert Griesemer and Ian Lance Taylor")
        self.assertEqual(generics.metadata["by"], ["Robert Griesemer", "Ian Lance Taylor"])
        self.assertEqual(sorted(generics.tags.values_list("slug", flat=True)), ["generics", "go2"])
        self.assertEqual(generics.description, "An introduction to generics in Go.")
        self.assertEqual(generics.publish_at, datetime(2022, 3, 22, tzinfo=UTC))
        self.assertEqual(generics.state, State.PUBLISHED)
        self.assertEqual(self.client.get("/tags/generics/").status_code, 200)
        # A date without zero padding.
        survey = post("blog/survey2024-h1-results")
        self.assertEqual(survey.publish_at, datetime(2024, 4, 9, tzinfo=UTC))

    def test_images_are_copied_and_directives_kept(self):
        docker = post("blog/docker")
        self.assertIn("![](/media/imported/blog/docker/outyet.png)", docker.body)
        stored = stored_files("imported/blog/docker")["imported/blog/docker/outyet.png"]
        self.assertEqual(stored, (GO_BLOG / "docker/outyet.png").read_bytes())
        constants = post("blog/constants")
        self.assertIn(
            '~~~\n{{play "constants/string1.go" `/START/` `/STOP/`}}\n~~~', constants.body
        )
        # Images left out of the corpus are reported, and their posts imported all the same.
        missing = {
            path for path, reason, _detail in self.report.warnings if reason == "missing image"
        }
        self.assertIn("intro-generics.md", missing)
        self.assertIn("intro-generics.md", self.report.created)

    def test_the_round_trip_is_lossless(self):
        before = dump()
        report = export_wipe_import()
        self.assertEqual(report.skipped, [])
        self.assertEqual(len(report.created), self.expected_counts[1])
        self.assertEqual(dump(), before)


@pytest.mark.corpus_full
class GoBlogFullTests(GoBlogTests):
    """The whole corpus: `make test-full`."""

    expected_counts = (337, 274, 60)

    @classmethod
    def corpus(cls):
        return GO_BLOG


class MarkupTests(TestCase):
    def test_pieces_give_back_the_text(self):
        text = "a `{{x}}` {{< y >}}\n\n    {{z}}\n\n```\n{{w}}\n```\n{{raw `\n\n`}} \\{{"
        self.assertEqual("".join(chunk for _kind, chunk in pieces(text)), text)

    def test_directives_in_code_are_left_alone(self):
        text = "`{{< a >}}` and\n\n```\n{{< b >}}\n```\n\n<pre>{{c}}</pre>\n"
        self.assertEqual(import_text(text, lambda url, embedded: None), (text, []))

    def test_a_directive_with_backticks_gets_a_longer_code_span(self):
        text, kept = import_text('x {{raw "[`a`]"}} y', lambda url, embedded: None)
        self.assertEqual(text, 'x ``{{raw "[`a`]"}}`` y')
        self.assertIn("<code>{{raw", render_markdown(text))
        self.assertEqual(kept, ["raw"])

    def test_an_unclosed_directive_is_text(self):
        self.assertEqual(import_text("{{ never closed", lambda *a: None), ("{{ never closed", []))


class KindTests(TestCase):
    def test_front_matter_then_folder_then_title(self):
        cases = [
            ({"content_type": "dev-reflection", "type": "essay"}, (), "", DevReflection),
            ({"section": "Article Analyses"}, (), "", ArticleAnalysis),
            ({"type": "post"}, ("content", "dev-reflections"), "", DevReflection),
            ({}, ("_article_analysis",), "Dev reflection - May 01, 2025", ArticleAnalysis),
            ({}, (), "Dev reflection – May 01, 2025", DevReflection),
            ({"layout": "post"}, ("posts",), "Anything", Essay),
        ]
        for front, folders, title, model in cases:
            with self.subTest(front=front, folders=folders, title=title):
                self.assertIs(detect(front, folders, title)[0], model)


class ValueTests(TestCase):
    def test_durations(self):
        for value, seconds in [(754, 754), ("12:34", 754), ("1:02:03", 3723), ("PT1M5S", 65)]:
            self.assertEqual(parse_duration(value), seconds)
        with self.assertRaises(ValueError):
            parse_duration("about an hour")

    def test_sizes(self):
        self.assertEqual(parse_size("12.3 MB"), 12_300_000)
        self.assertEqual(parse_size(1234), 1234)
        with self.assertRaises(ValueError):
            parse_size("big")

    def test_dates_without_zero_padding(self):
        self.assertEqual(parse_datetime("2024-4-09"), datetime(2024, 4, 9, tzinfo=UTC))
