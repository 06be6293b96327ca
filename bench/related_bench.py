"""Benchmark of the related-content engine on a generated corpus (not a test).

    .venv/bin/python bench/related_bench.py [--posts 10000] [--runs 3] [--db PATH]

Builds (once; later runs reuse it) a scratch SQLite database of generated posts, never
the site's own, then measures:

- a full rebuild (``manage.py rebuild_related`` in a child process): median wall time
  and peak RSS over ``--runs`` runs;
- the refresh after saving one post, as the save's task runs it: the first in a fresh
  process (the index is read from the database) and the median of the next ones;
- the queries of the related sidebar and of a post page.

``DATABASE_URL`` may point at PostgreSQL instead (the corpus is generated into it if
it holds no posts yet): ``DATABASE_URL=postgres://... bench/related_bench.py``.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
# The shared corpora sit beside the repository: ../shared/corpora.
CORPUS = ROOT.parent / "shared" / "corpora" / "go-blog"


def setup(database_url):
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    # The test profile: DEBUG off (no query log growing with every save), plain static files.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_cms.settings.test")
    import django

    django.setup()


def word_pool(rng):
    """Real English words with their frequencies when the Go blog corpus is at hand."""
    import re
    from collections import Counter

    counts = Counter()
    for path in sorted(CORPUS.rglob("*.md")) if CORPUS.exists() else []:
        counts.update(re.findall(r"[a-z]{2,}", path.read_text(encoding="utf-8").lower()))
    if len(counts) < 1000:
        letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
        words = {"".join(rng.choice(letters, rng.integers(3, 10))) for _ in range(20000)}
        counts = Counter({word: 1 for word in words})
    words = [word for word, _n in counts.most_common()]
    frequency = 1 / np.arange(1, len(words) + 1)  # Zipf
    return np.array(words), frequency / frequency.sum()


def generate(count, rng):
    """Posts of 200 to 2,000 words mixing everyday words with two of 300 topics."""
    words, frequency = word_pool(rng)
    topics = [rng.choice(words[200:], 120, replace=False) for _ in range(300)]
    start = datetime(2015, 1, 1, tzinfo=UTC)
    for n in range(count):
        own = rng.choice(len(topics), 2, replace=False)
        length = int(np.clip(rng.lognormal(6.5, 0.5), 200, 2000))
        general = rng.choice(words, int(length * 0.7), p=frequency)
        topical = rng.choice(np.concatenate([topics[t] for t in own]), length - len(general))
        body = rng.permutation(np.concatenate([general, topical]))
        paragraphs = [" ".join(body[i : i + 80]) for i in range(0, len(body), 80)]
        state = rng.random()
        yield {
            "title": " ".join(rng.choice(topics[own[0]], 6)).capitalize(),
            "description": " ".join(rng.choice(np.concatenate([topics[t] for t in own]), 20)),
            "body": "\n\n".join(paragraphs),
            "tags": [f"topic-{t}" for t in own[: rng.integers(0, 3)]],
            "publish_at": start + timedelta(hours=int(n * 8)),
            "draft": state < 0.03,
            "scheduled": 0.03 <= state < 0.05,
        }


def load(count, seed):
    """Generate the corpus into the scratch database, with the engine's signals off."""
    from django.db import transaction
    from django.utils import timezone

    from core.publishing import Status
    from essays.models import Essay, Tag, Writing
    from related import signals

    existing = Writing.objects.count()
    if existing:
        print(f"Reusing the {existing} posts in the database.", flush=True)
        return
    rng = np.random.default_rng(seed)
    tags = {}
    started = time.monotonic()
    schedule, signals.schedule = signals.schedule, lambda *args, **kwargs: None
    with transaction.atomic():
        for n, data in enumerate(generate(count, rng)):
            status = Status.DRAFT if data["draft"] else Status.PUBLISHED
            publish_at = None if data["draft"] else data["publish_at"]
            if data["scheduled"]:
                publish_at = timezone.now() + timedelta(days=30)
            essay = Essay.objects.create(
                title=data["title"],
                slug=f"bench-{n}",
                description=data["description"],
                body=data["body"],
                status=status,
                publish_at=publish_at,
            )
            for name in data["tags"]:
                if name not in tags:
                    tags[name], _created = Tag.objects.get_or_create(name=name, slug=name)
            essay.tags.add(*(tags[name] for name in data["tags"]))
            if n % 1000 == 999:
                print(f"  {n + 1} posts generated ({time.monotonic() - started:.0f} s)", flush=True)
    signals.schedule = schedule  # the rebuilds below compute every list
    print(f"Generated {count} posts in {time.monotonic() - started:.0f} s.", flush=True)


def rebuild_runs(runs, env):
    """Median seconds and peak RSS (MB) of ``rebuild_related`` run in a child process."""
    seconds = []
    for _ in range(runs):
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "manage.py", "rebuild_related", "--no-progress"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        seconds.append(time.monotonic() - started)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, peak


def refresh_runs(runs):
    """Seconds for the task a save runs: the first (cold index) and the others."""
    from essays.models import Essay
    from related import signals, store

    timings, schedule = [], signals.schedule
    signals.schedule = lambda *args, **kwargs: None  # time the refresh alone
    try:
        for post in Essay.objects.order_by("?")[: runs + 1]:
            post.body += "\n\nAn added sentence about concurrency and garbage collection."
            post.save()
            started = time.monotonic()
            store.refresh([post.pk])
            timings.append(time.monotonic() - started)
    finally:
        signals.schedule = schedule
    return timings


def save_runs(runs):
    """Seconds for a whole save: rendering, the search index and the related task."""
    from essays.models import Essay
    from related.models import IndexEntry

    timings = []
    for post in Essay.objects.order_by("?")[:runs]:
        digest = IndexEntry.objects.get(pk=post.pk).digest
        post.body += "\n\nOne more sentence about sourdough starters."
        started = time.monotonic()
        post.save()
        timings.append(time.monotonic() - started)
        assert IndexEntry.objects.get(pk=post.pk).digest != digest, "the task did not run"
    return timings


def query_counts():
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from essays.models import Writing
    from tests.sidebars import page_request, render_related, section_links

    post = Writing.objects.published().filter(related_links__isnull=False).first()
    request = page_request()
    with CaptureQueriesContext(connection) as sidebar:
        related = section_links(render_related(post, request), "related")
    client = Client()
    client.get(post.get_absolute_url())  # warm caches
    with CaptureQueriesContext(connection) as page:
        response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    return len(sidebar), len(related), len(page)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument(
        "--db",
        default=os.path.join(tempfile.gettempdir(), "related_bench.sqlite3"),
        help="The scratch SQLite file (when DATABASE_URL is not set).",
    )
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{args.db}"
    setup(database_url)
    warnings.filterwarnings("ignore", message="No directory at")  # static files: not collected

    from django.core.management import call_command
    from django.db import connection

    print(f"Database: {connection.vendor} ({database_url})", flush=True)
    call_command("migrate", verbosity=0)
    load(args.posts, args.seed)
    env = {**os.environ, "DATABASE_URL": database_url}

    seconds, peak = rebuild_runs(args.runs, env)
    print(
        f"Full rebuild: median {statistics.median(seconds):.1f} s "
        f"(runs: {', '.join(f'{s:.1f}' for s in seconds)}), peak RSS {peak:.0f} MB"
    )
    refreshes = refresh_runs(max(args.runs, 5))
    print(
        f"Refresh after saving one post: first (index read from the database) "
        f"{refreshes[0]:.2f} s, then median {statistics.median(refreshes[1:]):.2f} s"
    )
    saves = save_runs(max(args.runs, 5))
    print(f"A whole save (render, search, related task): {statistics.median(saves):.2f} s median")
    sidebar, shown, page = query_counts()
    print(f"Sidebar: {sidebar} query for {shown} posts; a post page: {page} queries")
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Peak RSS of this process (generation, refreshes, pages): {peak_self:.0f} MB")


if __name__ == "__main__":
    main()
