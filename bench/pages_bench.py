"""What the public pages cost with a little content and with the author's whole archive.

    .venv/bin/python bench/pages_bench.py [--small 5] [--large 10000] [--repeat 25]
                                          [--fragments | --no-fragments] [--profile analysis]

Not a test: run it by hand. It migrates a scratch SQLite database in a temporary folder,
adds ``--small`` posts, times every kind of public page (median of ``--repeat`` requests
through Django's test client, in this process, the page cache off), adds posts up to
``--large`` (in bulk: tests/bulk.py), and times them again. It prints, per page: queries,
median milliseconds, bytes, for both sizes, and the ratio of the medians (the machine is
shared and noisy: compare ratios). The shared sidebars come from the fragment cache
unless ``--no-fragments``; the query counts are those of a page whose fragments are
cached (the first request of each page, the warm-up, fills them).

``--profile PAGE`` prints the functions that cost that page most, at ``--large`` posts.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(folder, fragments):
    os.environ["DJANGO_SETTINGS_MODULE"] = "site_cms.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    import django
    from django.conf import settings

    django.setup()
    settings.FRAGMENT_CACHE_ENABLED = fragments
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)


def add_posts(count, start):
    if start:
        from tests.bulk import add_posts

        add_posts(count, prefix="large")
        return
    from tests.factories import (
        ArticleAnalysisFactory,
        BookFactory,
        DevReflectionFactory,
        EssayFactory,
        TagFactory,
    )

    tags = [TagFactory(name=name) for name in ("ai", "work", "writing", "development")]
    kinds = (EssayFactory, ArticleAnalysisFactory, DevReflectionFactory)
    words = "Words about work and machines. " * 120
    for n in range(start, start + count):
        factory = kinds[n % 3]
        text = (
            {"summary": words, "analysis": words}
            if factory is ArticleAnalysisFactory
            else {"body": words}
        )
        factory(
            tags=tags[: 1 + n % 3],
            featured=n < 3,
            audio_url="https://cdn.example.com/a.mp3" if n % 3 == 2 else "",
            **text,
        )
    if start == 0:
        BookFactory.create_batch(2)


def pages():
    from essays.models import ArticleAnalysis, DevReflection, Essay

    return {
        "home": "/",
        "writing hub": "/writing/",
        "blog": "/blog/",
        "tag": "/tags/ai/",
        "essays": "/essays/",
        "essay": Essay.objects.published().first().get_absolute_url(),
        "analysis": ArticleAnalysis.objects.published().first().get_absolute_url(),
        "reflection": DevReflection.objects.published().first().get_absolute_url(),
        "books": "/books/",
        "podcast": "/podcast/",
        "search": "/search/?q=machines",
        "feed": "/index.xml",
        "sitemap": "/sitemap.xml",
    }


def measure(repeat):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    results = {}
    for name, url in pages().items():
        client.get(url)  # warm up
        times = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        results[name] = (len(queries), statistics.median(times), len(response.content))
    return results


def profile(name, repeat):
    import cProfile
    import pstats

    from django.test import Client

    client, url = Client(), pages()[name]
    client.get(url)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        client.get(url)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=5)
    parser.add_argument("--large", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--fragments", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--profile", metavar="PAGE")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup(Path(folder), fragments=args.fragments)
        add_posts(args.small, 0)
        small = measure(args.repeat)
        add_posts(args.large - args.small, args.small)
        large = measure(args.repeat)
        if args.profile:
            profile(args.profile, args.repeat)
    small_ms, large_ms, large_kb = (
        f"{unit} @{n}" for unit, n in (("ms", args.small), ("ms", args.large), ("KB", args.large))
    )
    print(f"{'page':<12} {'queries':>9} {small_ms:>9} {large_ms:>9} {'ratio':>6} {large_kb:>9}")
    for name in small:
        (q1, t1, _b1), (q2, t2, b2) = small[name], large[name]
        print(f"{name:<12} {q1:>4} {q2:>4} {t1:>9.1f} {t2:>9.1f} {t2 / t1:>6.2f} {b2 / 1024:>9.1f}")


if __name__ == "__main__":
    main()
