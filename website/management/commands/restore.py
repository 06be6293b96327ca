from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from website.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into an empty site: migrates, loads the rows "
        "and files in one transaction, and rebuilds the search index and related lists. "
        "It never restores over existing content."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, folder, database, **options):
        try:
            manifest = restore(folder, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            f"Restored {rows} rows and {manifest['restored_files']} files from {folder} "
            f"(backed up {manifest['created']} from {manifest['database']})."
        )
