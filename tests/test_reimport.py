"""Importing again never overwrites the author's work: edits and deletions made here since
the last import are left alone and reported, unless --force or --restore-deleted."""

import shutil
import tempfile
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from editorial.revisions import for_object
from essays.models import Writing
from essays.signals import post_changed
from search.models import SearchEntry
from transfer.importer import Importer
from transfer.models import ImportRecord

from .factories import EssayFactory

ESSAY = """---
title: {title}
date: 2024-03-01T09:00:00Z
tags: [craft, tools]
---

{body}
"""


def write(folder, slug, title="The first title", body="Words about craft.\n\nAnd tools."):
    path = folder / "content" / "essays" / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ESSAY.format(title=title, body=body))
    return f"content/essays/{slug}.md"


def post(slug):
    return Writing.objects.get(slug=slug).specific


@override_settings(
    STORAGES={
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
)
class ReimportTests(TestCase):
    def setUp(self):
        self.site = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.site)
        # Essays at the root, /<slug>/, as on the author's site.
        (self.site / "hugo.toml").write_text('[permalinks]\n  essays = "/:slugorfilename/"\n')
        self.path = write(self.site, "kept")
        self.other = write(self.site, "other")
        first = self.run_import()
        self.assertEqual(sorted(first.created), sorted([self.path, self.other]))

    def run_import(self, **options):
        return Importer(self.site, **options).run()

    def edit(self, slug="kept", title="Edited here"):
        edited = post(slug)
        edited.title = title
        edited.save()
        return edited

    def test_every_imported_post_is_recorded(self):
        record = ImportRecord.objects.get(slug="kept")
        self.assertEqual(
            (record.post, record.source), (Writing.objects.get(slug="kept"), self.path)
        )
        self.assertEqual(record.edited(post("kept"), ["craft", "tools"]), [])

    def test_an_unchanged_post_follows_its_changed_file(self):
        write(self.site, "kept", title="A better title")
        report = self.run_import()
        self.assertEqual((report.updated, report.conflicts), ([self.path], []))
        self.assertEqual(post("kept").title, "A better title")
        # And the update is what the next run compares with.
        again = self.run_import()
        self.assertEqual(sorted(again.unchanged), sorted([self.path, self.other]))

    def test_a_post_edited_here_is_left_alone_and_reported(self):
        self.edit()
        write(self.site, "kept", title="A better title", body="Other words.")
        report = self.run_import()
        self.assertEqual(report.updated, [])
        self.assertEqual(report.unchanged, [self.other])
        self.assertEqual([path for path, _detail in report.conflicts], [self.path])
        self.assertIn("title changed here", report.conflicts[0][1])
        self.assertEqual(report.outcome(self.path), "conflicts")
        self.assertEqual(post("kept").title, "Edited here")
        self.assertIn("Edited here since the last import, not touched (1):", list(report.lines()))

    def test_saving_it_unchanged_in_the_admin_is_no_edit(self):
        user = get_user_model().objects.create_superuser("author", password="pw")
        self.client.force_login(user)
        saved = post("kept")
        when = timezone.localtime(saved.publish_at)
        form = {
            "title": saved.title,
            "slug": saved.slug,
            "description": saved.description,
            # A browser sends CRLF line endings, and the form strips the text.
            "body": saved.body.replace("\n", "\r\n") + "\r\n",
            "status": "published",
            "publish_at_0": when.strftime("%Y-%m-%d"),
            "publish_at_1": when.strftime("%H:%M:%S"),
            "tags": "craft, tools",
            "metadata": "{}",
            "previews-TOTAL_FORMS": "0",
            "previews-INITIAL_FORMS": "0",
        }
        url = reverse("admin:essays_essay_change", args=[saved.pk])
        response = self.client.post(url, form)
        self.assertEqual(response.status_code, 302)
        self.assertIn("\r\n", post("kept").body)  # not byte for byte what was imported
        write(self.site, "kept", title="A better title")
        report = self.run_import()
        self.assertEqual((report.updated, report.conflicts), ([self.path], []))

    def test_an_import_tells_the_apps_that_follow_posts_once_a_batch(self):
        sent = []
        post_changed.connect(
            lambda **kwargs: sent.append(kwargs["pks"]), weak=False, dispatch_uid="t"
        )
        self.addCleanup(post_changed.disconnect, dispatch_uid="t")
        for slug in ("third", "fourth", "fifth"):
            write(self.site, slug)
        self.run_import(batch=2)
        self.assertEqual([len(pks) for pks in sent], [2, 1])
        entry = SearchEntry.objects.get(writing__slug="fifth")
        self.assertEqual((entry.title, entry.tags), ("The first title", "craft tools"))

    def test_each_post_of_a_batch_gets_its_revision_once_the_batch_commits(self):
        write(self.site, "kept", title="A better title")
        write(self.site, "third")
        with self.captureOnCommitCallbacks(execute=True):
            self.run_import()
        kept, third = post("kept"), post("third")
        self.assertEqual([r.data["title"] for r in for_object(kept)], ["A better title"])
        self.assertEqual([r.changed for r in for_object(third)], [["created"]])
        with self.captureOnCommitCallbacks(execute=True):
            kept.save()  # the same state again: no revision
            third.title = "Retitled"
            third.save()
        self.assertEqual(for_object(kept).count(), 1)
        self.assertEqual(for_object(third).first().changed, ["title"])

    def test_an_edited_post_is_a_conflict_even_when_its_file_is_the_same(self):
        edited = post("kept")
        edited.tags.set([])
        report = self.run_import()
        self.assertEqual(report.conflicts[0][0], self.path)
        self.assertIn("tags", report.conflicts[0][1])
        self.assertFalse(post("kept").tags.exists())

    def test_force_overwrites_and_keeps_a_revision_of_the_edited_post(self):
        self.edit()
        write(self.site, "kept", title="A better title")
        report = self.run_import(force=True)
        self.assertEqual(
            (report.updated, report.forced, report.conflicts), ([self.path],) * 2 + ([],)
        )
        self.assertEqual(post("kept").title, "A better title")
        kept = for_object(post("kept")).filter(note="Before a forced import").get()
        self.assertEqual(kept.data["title"], "Edited here")
        self.assertEqual(kept.data["tags"], ["craft", "tools"])
        # Overwritten, the post is the import's again: the next run updates it freely.
        write(self.site, "kept", title="The third title")
        self.assertEqual(self.run_import().updated, [self.path])

    def test_a_post_deleted_here_stays_deleted(self):
        Writing.objects.get(slug="kept").delete()
        write(self.site, "kept", title="A better title")
        report = self.run_import()
        self.assertEqual(report.created, [])
        self.assertEqual([path for path, _detail in report.deleted], [self.path])
        self.assertEqual(report.outcome(self.path), "deleted")
        self.assertFalse(Writing.objects.filter(slug="kept").exists())
        self.assertIn("Deleted here since the last import, not restored (1):", list(report.lines()))

    def test_restore_deleted_brings_it_back(self):
        Writing.objects.get(slug="kept").delete()
        report = self.run_import(restore_deleted=True)
        self.assertEqual((report.created, report.restored), ([self.path], [self.path]))
        self.assertEqual(post("kept").title, "The first title")
        self.assertEqual(
            ImportRecord.objects.get(slug="kept").post, Writing.objects.get(slug="kept")
        )

    def test_a_slug_changed_here_is_an_edit_not_a_new_post(self):
        Writing.objects.filter(slug="kept").update(slug="renamed")
        report = self.run_import()
        self.assertIn("slug changed here", report.conflicts[0][1])
        self.assertFalse(Writing.objects.filter(slug="kept").exists())
        self.assertEqual(Writing.objects.count(), 2)

    def test_a_post_never_imported_is_not_overwritten(self):
        EssayFactory(slug="mine", title="Written here")
        path = write(self.site, "mine")
        report = self.run_import()
        self.assertEqual(report.conflicts[0][0], path)
        self.assertIn("not written by an earlier import", report.conflicts[0][1])
        self.assertEqual(post("mine").title, "Written here")
        self.assertEqual(self.run_import(force=True).forced, [path])
        self.assertEqual(post("mine").title, "The first title")

    def test_a_dry_run_reports_the_same_and_writes_nothing(self):
        self.edit()
        Writing.objects.get(slug="other").delete()
        write(self.site, "kept", title="A better title")
        records = list(ImportRecord.objects.values_list("slug", "post", "values"))
        dry_runs = []
        for options in ({}, {"force": True, "restore_deleted": True}):
            with self.subTest(**options):
                dry = self.run_import(dry_run=True, **options)
                dry_runs.append(dry)
                self.assertEqual(len(dry.conflicts) + len(dry.forced), 1)
                self.assertEqual(len(dry.deleted) + len(dry.restored), 1)
                self.assertEqual(post("kept").title, "Edited here")
                self.assertFalse(Writing.objects.filter(slug="other").exists())
                self.assertFalse(for_object(post("kept")).exists())
                self.assertEqual(
                    list(ImportRecord.objects.values_list("slug", "post", "values")), records
                )
        report = self.run_import()
        self.assertEqual(
            (report.conflicts, report.deleted), (dry_runs[0].conflicts, dry_runs[0].deleted)
        )
        self.assertEqual((dry_runs[1].forced, dry_runs[1].restored), ([self.path], [self.other]))

    def test_the_command_takes_the_flags_and_reports(self):
        self.edit()
        Writing.objects.get(slug="other").delete()
        out = StringIO()
        call_command("import_markdown", str(self.site), "--no-progress", stdout=out)
        output = out.getvalue()
        self.assertIn("left alone: 1 edited here and 1 deleted here since the last import", output)
        self.assertIn(f"  {self.path}: title changed here; --force overwrites", output)
        self.assertIn(f"  {self.other}: --restore-deleted brings it back", output)
        out = StringIO()
        call_command(
            "import_markdown",
            str(self.site),
            "--no-progress",
            "--force",
            "--restore-deleted",
            stdout=out,
        )
        self.assertIn("Imported: 1 created, 1 updated", out.getvalue())
        self.assertEqual(post("kept").title, "The first title")
        self.assertTrue(Writing.objects.filter(slug="other").exists())
