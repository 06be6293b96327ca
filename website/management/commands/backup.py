from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from website.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back the whole site up into a new or empty folder: its rows (data.json), its "
        "stored files (media/) and a manifest. `restore <folder>` brings it back, on "
        "SQLite or PostgreSQL."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, folder, database, **options):
        try:
            manifest = backup(folder, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["rows"].values())
        self.stdout.write(f"Backed up {rows} rows and {manifest['files']} files to {folder}.")
