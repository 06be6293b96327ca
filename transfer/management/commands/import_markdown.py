from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from transfer.importer import BATCH, Importer
from transfer.models import ImportRun


class Command(BaseCommand):
    help = (
        "Import a Hugo, Jekyll or Go blog folder of Markdown posts with YAML or TOML front "
        "matter. Running it again updates the posts it imported before, and leaves alone "
        "those edited or deleted here since."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="A Hugo site, its content/ folder, or any folder.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would happen; save nothing."
        )
        parser.add_argument(
            "--skip-missing-images",
            action="store_true",
            help="Skip a post whose images are missing, instead of importing it with a warning.",
        )
        parser.add_argument(
            "--batch",
            type=int,
            default=BATCH,
            help=f"Posts committed together (default {BATCH}); each post is saved whole or not.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite posts edited here since their last import (a revision keeps them).",
        )
        parser.add_argument(
            "--restore-deleted",
            action="store_true",
            help="Bring back posts deleted here since their last import.",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(
        self,
        folder,
        dry_run,
        skip_missing_images,
        no_progress,
        batch,
        force,
        restore_deleted,
        verbosity,
        **options,
    ):
        if batch < 1:
            raise CommandError("--batch must be 1 or more.")
        importer = Importer(
            folder,
            dry_run=dry_run,
            strict_images=skip_missing_images,
            progress=None if no_progress else self.stderr._out,
            batch=batch,
            force=force,
            restore_deleted=restore_deleted,
        )
        if not importer.folder.is_dir():
            raise CommandError(f"{folder} is not a folder.")
        started = timezone.now()
        report = importer.run()
        if not dry_run:  # kept for the admin desk's "Needs attention"
            ImportRun.record("import_markdown", importer.folder, started, report)
        for line in report.lines(verbose=verbosity >= 1):
            self.stdout.write(line)
