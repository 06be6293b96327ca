"""The search index: one row per post, kept beside the post rather than inside it.

An entry holds the post's text as plain strings (what the SQLite fallback matches and
what snippets are cut from) and, on PostgreSQL, a stored ``tsvector`` over them with
a GIN index. Visibility is never stored here: searches join the entries through
``Writing.objects.published()``, so a scheduled post shows up when its time comes.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchEntry(models.Model):
    writing = models.OneToOneField(
        "essays.Writing",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_entry",
    )
    # Weighted A, B, B and C in the vector; matched with the same weights on SQLite.
    title = models.TextField(blank=True)
    description = models.TextField(blank=True)
    tags = models.TextField(blank=True)
    body = models.TextField(blank=True)
    # Filled on PostgreSQL only (see search.index); NULL on SQLite. The GIN index is
    # created by the migration on PostgreSQL only.
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name_plural = "search entries"

    def __str__(self):
        return self.title
