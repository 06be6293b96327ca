from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from search.index import rebuild


class Command(BaseCommand):
    help = "Rebuild the search index from every post (drafts and scheduled posts too)."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database, **options):
        total = rebuild(database)
        self.stdout.write(f"Indexed {total} posts.")
