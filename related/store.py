"""Keeping the stored suggestions in step with the posts.

``rebuild()`` redoes every post (the ``rebuild_related`` command). ``refresh(ids)``
follows saves, deletions and tag changes (the task): it re-vectorises those posts,
scores them against the rest, and rewrites only the lists they change: their own, the
lists that held them, the lists they now enter, and those of posts whose vectors they
moved (a word they made shared). Scores are symmetric, so a post's own row says where
it enters: wherever it beats that list's ``floor``.

The engine's index is cached per process and brought up to date from ``IndexEntry``
rows by comparing digests (one query), so any process can refresh a post at the cost
of scoring one row, not of re-reading every post.
"""

import hashlib
import json
import math
import threading
from itertools import batched

from django.db import connection, transaction

from core.page_cache import invalidate
from essays.models import Writing

from .conf import weights
from .documents import from_writing
from .models import IndexEntry, RelatedChoice, RelatedLink
from .records import Vectors

BATCH = 500
ENTRY_FIELDS = ["counts", "tags", "sources", "day", "keywords", "digest"]
LINK_FIELDS = [
    "source",
    "target",
    "rank",
    "score",
    "pinned",
    "text_score",
    "tags_score",
    "source_score",
    "recency_score",
]

_lock = threading.Lock()
_cache = {}
# Refreshes in every process and on every server take turns (``_exclusive``): two at once
# would each replace the same lists (the second insert of a rank fails) and update the
# entries in different orders (deadlocks).
_ADVISORY_LOCK = 0x7E1A7ED


def engine():
    """The engine (NumPy, SciPy, scikit-learn: about a second to import), loaded by the
    first refresh rather than by whatever imports this module: a worker that starts, or
    the signal handlers that import this, never pay for it (tests/test_startup.py)."""
    from . import engine

    return engine


def posts():
    return Writing.objects.with_specific().prefetch_related("tags").order_by("pk")


def rebuild(progress=None):
    """Every post's entry and list, from scratch. Returns the number of posts.

    ``progress``, if given, is called as progress(description, total) and returns
    something with ``update(n)`` and ``close()`` (a tqdm bar does).
    """
    index, names = engine().Index(weights()), {}
    bar = _bar(progress, "Reading posts", Writing.objects.count())
    for batch in batched(posts().iterator(chunk_size=BATCH), BATCH):
        index.put(engine().vectorize([from_writing(post) for post in batch], names))
        bar.update(len(batch))
    bar.close()
    with _lock, transaction.atomic():
        _exclusive()
        _cache.clear()
        for keys in batched(index.keys, BATCH):
            _save_entries(index, keys, names)
        RelatedLink.objects.all().delete()
        _write_lists(index, index.keys, _bar(progress, "Ranking", len(index)))
        _cache["index"] = index
    return len(index)


def refresh(writing_ids):
    """Bring these posts' entries, and every list they touch, up to date."""
    ids = set(writing_ids)
    with _lock, transaction.atomic():
        _exclusive()
        index = _synced_index()
        # Posts the index has never seen (say, saved before the app was installed).
        ids |= set(Writing.objects.filter(related_entry__isnull=True).values_list("pk", flat=True))
        found = list(posts().filter(pk__in=ids))
        gone = ids - {post.pk for post in found}
        index.drop(gone)
        index.weigh()
        names = {}
        reweighed = index.put(engine().vectorize([from_writing(post) for post in found], names))
        keys = [post.pk for post in found]
        _save_entries(index, keys, names)
        affected = set(keys) | reweighed
        affected |= set(RelatedLink.objects.filter(target__in=ids).values_list("source", flat=True))
        affected |= index.entrants(keys, _cache["floors"])
        _write_lists(index, sorted(affected & index.rows.keys()))
    return len(affected)


def _exclusive():
    """Wait, inside the transaction, until no other process is refreshing: PostgreSQL's
    transaction-scoped advisory lock; on SQLite, the database's own write lock, taken now
    rather than at the first write (when two readers could no longer both upgrade)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK])
        elif connection.vendor == "sqlite":
            table = connection.ops.quote_name(IndexEntry._meta.db_table)
            cursor.execute(f"UPDATE {table} SET floor = floor WHERE 0 = 1")  # noqa: S608


def _synced_index():
    """The cached index, after taking in what other processes changed (or built anew)."""
    stored = {
        pk: (digest, floor)
        for pk, digest, floor in IndexEntry.objects.values_list("pk", "digest", "floor")
    }
    if "index" not in _cache or _cache["index"].weights != weights():
        _cache.update(index=engine().Index(weights()), digests={})
    index, digests = _cache["index"], _cache["digests"]
    index.drop(digests.keys() - stored.keys())
    stale = [pk for pk, (digest, _floor) in stored.items() if digests.get(pk) != digest]
    fields = ["pk", "counts", "tags", "sources", "day"]
    # A cold process reads every entry in one query; a warm one, what changed.
    everything = len(stale) > len(stored) / 2
    batches = [None] if everything else batched(stale, BATCH)
    for batch in batches:
        entries = (
            IndexEntry.objects.all() if batch is None else IndexEntry.objects.filter(pk__in=batch)
        )
        rows = entries.values_list(*fields)
        index.put(
            Vectors(
                key=pk,
                views=engine().unpack(counts),
                tags=tuple(tags),
                sources=tuple(sources),
                day=math.nan if day is None else day,
            )
            for pk, counts, tags, sources, day in rows
        )
    _cache["digests"] = {pk: digest for pk, (digest, _floor) in stored.items()}
    _cache["floors"] = {pk: floor for pk, (_digest, floor) in stored.items()}
    return index


def _digest(item):
    labels = json.dumps([item.tags, item.sources, None if math.isnan(item.day) else item.day])
    packed = engine().pack(item.views)
    return hashlib.md5(packed + labels.encode(), usedforsecurity=False).hexdigest()


def _save_entries(index, keys, names):
    entries = []
    for key in keys:
        item = index.vectors[index.rows[key]]
        entries.append(
            IndexEntry(
                writing_id=key,
                counts=engine().pack(item.views),
                tags=list(item.tags),
                sources=list(item.sources),
                day=None if math.isnan(item.day) else item.day,
                keywords=index.keywords(key, names),
                digest=_digest(item),
            )
        )
        _cache.setdefault("digests", {})[key] = entries[-1].digest
    IndexEntry.objects.bulk_create(
        entries, update_conflicts=True, unique_fields=["writing"], update_fields=ENTRY_FIELDS
    )


def _write_lists(index, keys, bar=None):
    """Rank these posts and replace their stored lists and floors, a chunk at a time."""
    count = index.weights.count
    floors = _cache.setdefault("floors", {})
    for chunk in batched(keys, engine().CHUNK):
        exclude, pins = _choices(chunk)
        links = []
        for key, candidates in index.rank(chunk, exclude=exclude, pins=pins):
            links += [
                (key, c.key, rank, c.score, c.pinned, c.text, c.tags, c.source, c.recency)
                for rank, c in enumerate(candidates)
            ]
            ranked = [candidate.score for candidate in candidates if not candidate.pinned]
            floors[key] = ranked[-1] if len(ranked) >= count else None
        RelatedLink.objects.filter(source__in=chunk).delete()
        _executemany(RelatedLink, "INSERT", LINK_FIELDS, links)
        _executemany(IndexEntry, "UPDATE", ["floor", "writing"], [(floors[k], k) for k in chunk])
        if bar:
            bar.update(len(chunk))
    if bar:
        bar.close()
    # Raw SQL, which no signal reports: the pages that show these lists are stale.
    invalidate()


def _executemany(model, statement, fields, rows):
    """INSERT rows, or UPDATE the first fields by the last one, with executemany.

    For the 200,000 links of a rebuild this takes a quarter of bulk_create's time,
    which builds a model instance and compiles SQL for every row.
    """
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [quote(model._meta.get_field(name).column) for name in fields]
    if statement == "INSERT":
        values = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({values})"
    else:
        assignments = ", ".join(f"{column} = %s" for column in columns[:-1])
        sql = f"UPDATE {table} SET {assignments} WHERE {columns[-1]} = %s"
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def _choices(keys):
    """The author's exclusions and pins (in order) for these posts."""
    exclude, pins = {}, {}
    rows = RelatedChoice.objects.filter(source__in=keys).order_by("position", "pk")
    for source, target, action in rows.values_list("source", "target", "action"):
        chosen = pins if action == RelatedChoice.Action.PIN else exclude
        chosen.setdefault(source, []).append(target)
    return exclude, pins


class _NoBar:
    def update(self, n):
        pass

    def close(self):
        pass


def _bar(progress, description, total):
    return progress(description, total) if progress else _NoBar()
