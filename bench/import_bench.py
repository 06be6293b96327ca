"""How long importing 1,000 generated posts takes. Not a test: run it by hand.

    .venv/bin/python bench/import_bench.py [--posts 1000] [--runs 3]

It writes a Hugo site of generated posts (essays, article analyses and dev reflections;
drafts, scheduled posts, tags, aliases, page bundles with an image) to a temporary
folder, then imports it into an empty database ``--runs`` times and prints each time and
the median. The database is a new SQLite file, or, when DATABASE_URL names PostgreSQL,
a database of its own created beside it (and dropped). The target: 20 s for 1,000 posts.
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = (
    "work judgment tools attention craft meaning machines people habit slow careful team "
    "question answer practice model writing reading system change honest value build"
).split()
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415478"
    "9c63f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)


def paragraph(rng, words=80):
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text.capitalize() + "."


def post(rng, n):
    kind = rng.choices(["essays", "article-analysis", "dev-reflections"], [70, 15, 15])[0]
    slug = f"generated-post-{n}"
    day = f"20{rng.randint(15, 25)}-{rng.randint(1, 12):02}-{rng.randint(1, 28):02}"
    front = [f"title: Generated post number {n}", f"date: {day}T09:00:00Z"]
    front.append(f"description: {paragraph(rng, 20)}")
    front.append(f"tags: [{', '.join(rng.sample(TAGS, rng.randint(0, 4)))}]")
    if rng.random() < 0.1:
        front.append("draft: true")
    if rng.random() < 0.03:
        front[1] = "date: 2099-01-01T09:00:00Z"
    if rng.random() < 0.2:
        front.append(f"aliases: [/{day[:4]}/{slug}/]")
    if kind == "dev-reflections":
        front += ["audio: https://cdn.example.com/ep.mp3", "duration: '14:05'", "size: 13520000"]
    if kind == "article-analysis":
        front += ["source_title: A source", "source_url: https://example.com/a", "quote: Q."]
    body = []
    for section in range(rng.randint(3, 6)):
        body.append(f"## Section {section}")
        body += [paragraph(rng, rng.randint(60, 140)) for _ in range(rng.randint(2, 4))]
    if kind == "article-analysis":
        body = ["## Summary", paragraph(rng), "## Analysis", *body]
    bundle = rng.random() < 0.05
    if bundle:
        body.append("![A picture](picture.png)")
    return kind, slug, "---\n" + "\n".join(front) + "\n---\n\n" + "\n\n".join(body) + "\n", bundle


TAGS = [f"topic-{n}" for n in range(60)]


def write_site(folder, count, seed=1):
    rng = random.Random(seed)
    for n in range(count):
        kind, slug, text, bundle = post(rng, n)
        section = folder / "content" / kind
        if bundle:
            (section / slug).mkdir(parents=True, exist_ok=True)
            (section / slug / "index.md").write_text(text)
            (section / slug / "picture.png").write_bytes(PNG)
        else:
            section.mkdir(parents=True, exist_ok=True)
            (section / f"{slug}.md").write_text(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="import-bench-"))
    postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    if not postgres:
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "site_cms.settings.test"
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from core.models import Redirect
    from essays.models import Tag, Writing
    from transfer.models import ImportRecord

    if postgres:
        # A name of its own: never the test database a test run may be using.
        connection.settings_dict["TEST"]["NAME"] = f"import_bench_{os.getpid()}"
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
    else:
        call_command("migrate", verbosity=0)
    site = scratch / "site"
    write_site(site, args.posts)
    print(f"{args.posts} posts; database: {connection.vendor}")

    times = []
    try:
        for run in range(args.runs):
            Writing.objects.all().delete()
            Tag.objects.all().delete()
            Redirect.objects.all().delete()
            # Else the posts just deleted count as deleted here, and stay deleted.
            ImportRecord.objects.all().delete()
            start = time.perf_counter()
            call_command("import_markdown", str(site), "--no-progress", stdout=StringIO())
            times.append(time.perf_counter() - start)
            print(f"run {run + 1}: {times[-1]:.1f} s, {Writing.objects.count()} posts")
        start = time.perf_counter()
        call_command("import_markdown", str(site), "--no-progress", stdout=StringIO())
        print(f"again, nothing changed: {time.perf_counter() - start:.1f} s")
    finally:
        if postgres:
            connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
        shutil.rmtree(scratch)
    print(f"median of {len(times)} runs: {statistics.median(times):.1f} s (target: 20 s)")


if __name__ == "__main__":
    main()
