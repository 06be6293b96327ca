from itertools import batched

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, transaction

from essays.models import Writing
from search.index import index_posts
from search.models import SearchEntry

BATCH_SIZE = 500


class Command(BaseCommand):
    help = "Rebuild the search index from every post (drafts and scheduled posts too)."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database, **options):
        posts = (
            Writing.objects.using(database).with_specific().prefetch_related("tags").order_by("pk")
        )
        total = 0
        with transaction.atomic(using=database):
            # Entries only ever belong to existing posts (CASCADE); start clean anyway,
            # so the index is exactly what indexing today's posts gives.
            SearchEntry.objects.using(database).all().delete()
            for batch in batched(posts.iterator(chunk_size=BATCH_SIZE), BATCH_SIZE):
                pairs = [(post, [tag.name for tag in post.tags.all()]) for post in batch]
                total += index_posts(pairs, using=database)
        self.stdout.write(f"Indexed {total} posts.")
