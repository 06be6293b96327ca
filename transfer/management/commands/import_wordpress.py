from django.core.management.base import BaseCommand, CommandError

from transfer.wordpress import WordPressImporter
from transfer.wordpress_wxr import WXRError


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR): posts, pages, drafts, scheduled and private posts, "
        "tags, excerpts, authors, attachments (from files beside the export; nothing is "
        "downloaded) and every old address as a permanent redirect. Running it again "
        "duplicates nothing and leaves alone what was edited or deleted here since."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="The WXR file WordPress exported (Tools › Export).")

    def handle(self, export, **options):
        importer = WordPressImporter(export)
        if not importer.path.is_file():
            raise CommandError(f"{export} is not a file.")
        try:
            report = importer.run()
        except WXRError as error:
            raise CommandError(f"{export} cannot be imported: {error}") from error
        for line in report.lines():
            self.stdout.write(line)
