"""What a move-in keeps: import a Hugo site into a scratch database and try every old URL.

    .venv/bin/python bench/move_report.py FOLDER [--old "/blog/{stem}"]

Not a test: run it by hand (tests/test_import_urls.py holds the assertions). It migrates
a scratch SQLite database in a temporary folder, imports FOLDER with ``import_markdown``'s
importer, then asks the site, through Django's test client, for every old address of
every Markdown file it did not skip: the URL Hugo gave it (as ``transfer/hugo_urls.py``
reads the site's rules) or, with ``--old``, the address the pattern makes (``{stem}``:
the file name without ``.md``; the Go blog's ``/blog/{stem}``), and each of its
``aliases``.
An address is kept when it answers 200, or one 301 to a page that answers 200. It prints
files imported of total, URLs and aliases kept of total, links rewritten, shortcodes
converted and kept, and the import's time.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(folder):
    os.environ["DJANGO_SETTINGS_MODULE"] = "site_cms.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'move.sqlite3'}"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)


def lands(client, path):
    """Whether ``path`` answers 200, or one 301 to a page that answers 200."""
    response = client.get(path)
    if response.status_code == 200:
        return True
    if response.status_code != 301:
        return False
    return client.get(response["Location"]).status_code == 200


def old_addresses(site, pattern):
    """{report path: [old paths]} for every Markdown file the importer did not skip as no
    post, and {report path: [aliases]}."""
    from transfer import frontmatter, hugo_urls, sources
    from transfer.values import as_list

    top, site_roots = sources.site_layout(Path(site))
    found = sources.find(top, shown_from=site)
    config = hugo_urls.load_config(site_roots[0])
    urls, aliases = {}, {}
    for source in found:
        if source.skip:
            continue
        try:
            front, _body = frontmatter.split(source.path.read_text(encoding="utf-8-sig"))
        except Exception:  # noqa: BLE001  (reported by the import; no address to try)
            continue
        if pattern:
            paths = [pattern.format(stem=source.path.stem)]
        else:
            paths = hugo_urls.addresses(config, hugo_urls.Page.of(source.path, top, front))
        urls[source.rel] = sorted(set(paths))
        aliases[source.rel] = [a for a in as_list(front.get("aliases")) if isinstance(a, str)]
    return urls, aliases


def _shortcodes(text):
    """How many Hugo shortcodes open in ``text`` (``{{< x >}}``, ``{{% x %}}``; not closers)."""
    from transfer.markup import DIRECTIVE, pieces

    return sum(
        kind == DIRECTIVE
        and chunk.startswith(("{{<", "{{%"))
        and not chunk[3:].lstrip(" \t-").startswith("/")
        for kind, chunk in pieces(text)
    )


def shortcode_counts(site):
    """(shortcodes in the sources, shortcodes still in the posts' Markdown: kept)."""
    from django.db import models

    from essays.models import Writing
    from transfer import sources

    top, _roots = sources.site_layout(Path(site))
    total = 0
    for source in sources.find(top, shown_from=site):
        if not source.skip:
            try:
                total += _shortcodes(source.path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                continue
    kept = 0
    for writing in Writing.objects.with_specific():
        post = writing.specific
        for field in post._meta.concrete_fields:
            if isinstance(field, models.TextField) and not field.name.endswith("_html"):
                kept += _shortcodes(getattr(post, field.name) or "")
    return total, kept


def _not_public(report):
    """The report paths of imported posts readers cannot see yet (drafts, scheduled,
    expired): Hugo published no page for them either."""
    from core.publishing import State
    from transfer.models import ImportRecord

    records = ImportRecord.objects.filter(source__in=report.created).select_related("post")
    return {
        record.source
        for record in records
        if record.post is not None and record.post.state != State.PUBLISHED
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=lambda value: Path(value).resolve())
    parser.add_argument("--old", default="", help='One more old address per file: "/blog/{stem}".')
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        setup(Path(scratch))
        from django.test import Client
        from django.test.utils import override_settings

        from transfer.importer import Importer

        with override_settings(
            STORAGES={
                "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            }
        ):
            started = time.perf_counter()
            report = Importer(args.folder).run()
            seconds = time.perf_counter() - started
            client = Client()
            urls, aliases = old_addresses(args.folder, args.old)
            skipped = {path for path, _reason, _detail in report.skipped}
            hidden = _not_public(report)
            files = [rel for rel in urls if rel not in skipped and rel not in hidden]
            tried = [(rel, path) for rel in files for path in urls[rel]]
            kept = sum(lands(client, path) for _rel, path in tried)
            alias_tried = [(rel, path) for rel in files for path in aliases[rel]]
            alias_kept = sum(lands(client, path) for _rel, path in alias_tried)
            shortcodes, unconverted = shortcode_counts(args.folder)
        posts = len(report.created) + len(report.updated) + len(report.unchanged)
        lost = [path for rel, path in tried if not lands(client, path)]
        print(f"Folder: {args.folder}")
        print(
            f"Files: {report.files} Markdown files; {posts} posts imported ({len(hidden)} "
            f"drafts or scheduled), {len(report.skipped)} skipped with their reasons; "
            f"{len(report.redirects)} redirects from redirect pages and sections"
        )
        print(f"Old URLs of public posts kept: {kept} of {len(tried)}")
        print(f"Aliases kept: {alias_kept} of {len(alias_tried)}")
        print(f"Links between posts rewritten: {report.links_rewritten}")
        print(
            f"Shortcodes: {shortcodes} in the sources, {shortcodes - unconverted} converted, "
            f"{unconverted} kept (hidden from readers)"
        )
        print(f"Import: {seconds:.1f} s, {seconds / max(posts, 1) * 1000:.1f} s per 1,000 posts")
        for path in lost[:20]:
            print(f"  not kept: {path}")


if __name__ == "__main__":
    main()
