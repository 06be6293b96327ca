from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from transfer.models import ImportRun
from transfer.wordpress import WordPressImporter
from transfer.wordpress_wxr import WXRError


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR): posts, pages, drafts, scheduled and private posts, "
        "tags, excerpts, authors, attachments (from files beside the export; nothing is "
        "downloaded) and every old address as a permanent redirect. Links between the "
        "export's posts and pages are pointed at their new addresses. Running it again "
        "duplicates nothing, follows the export for posts unchanged here, and leaves alone "
        "posts edited or deleted here since. Pages already here are never overwritten, "
        "unless --force (and then only pages this import made)."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="The WXR file WordPress exported (Tools › Export).")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would happen; save nothing (no rows, no image files).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "Overwrite posts edited here since their last import, and pages this import "
                "made that differ from the export (a revision keeps what was there). Posts "
                "and pages it did not make are never overwritten."
            ),
        )
        parser.add_argument(
            "--restore-deleted",
            action="store_true",
            help="Make again the posts and pages deleted here since their last import.",
        )

    def handle(self, export, dry_run, force, restore_deleted, **options):
        importer = WordPressImporter(
            export, dry_run=dry_run, force=force, restore_deleted=restore_deleted
        )
        if not importer.path.is_file():
            raise CommandError(f"{export} is not a file.")
        started = timezone.now()
        try:
            report = importer.run()
        except WXRError as error:
            raise CommandError(f"{export} cannot be imported: {error}") from error
        if not dry_run:  # kept for the admin desk's "Needs attention"
            ImportRun.record("import_wordpress", importer.path, started, report)
        for line in report.lines():
            self.stdout.write(line)
