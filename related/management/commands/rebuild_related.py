"""``python manage.py rebuild_related``: every post's suggestions, from scratch.

Run it after loading fixtures or importing posts in bulk; saves keep the lists up to
date between runs.
"""

import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from related import store


class Command(BaseCommand):
    help = "Recompute the related writing of every post, with a progress bar."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not show the progress bar."
        )

    def handle(self, *args, **options):
        show = not options["no_progress"] and options["verbosity"] > 0

        def progress(description, total):
            return tqdm(total=total, desc=description, unit="post", file=self.stderr._out)

        started = time.monotonic()
        count = store.rebuild(progress=progress if show else None)
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"Related writing of {count} posts rebuilt in {elapsed:.1f} s.")
        )
