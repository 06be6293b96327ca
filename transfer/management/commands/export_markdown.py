from django.core.management.base import BaseCommand

from transfer.exporter import Exporter


class Command(BaseCommand):
    help = (
        "Export every post, drafts and scheduled ones included, as Markdown with YAML front "
        "matter in Hugo's layout: <folder>/content/<section>/<slug>/index.md, images beside "
        "it; pages, books, the image library, unused tags and the site settings too."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "folder", help="Created when missing; files of the same name are replaced."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, folder, no_progress, **options):
        exporter = Exporter(folder, progress=None if no_progress else self.stderr._out)
        for line in exporter.run().lines():
            self.stdout.write(line)
