"""Render the stored HTML of every post, page and book again from its Markdown.

Markdown becomes HTML once, on save. After the renderer or the sanitiser changes (a
new release), ``python manage.py render_markdown`` brings the stored HTML in step
without touching anything the author wrote: only rows whose HTML comes out different
are written, and their posts are announced as changed so the search index and related
lists follow.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from books.models import Book
from core.markdown import render_markdown
from core.page_cache import invalidate
from essays.models import Writing
from essays.signals import SAVED, post_changed
from pages.models import Page

# Besides each type's HTML fields, what a post's render() derives from its Markdown.
DERIVED = ("excerpt", "word_count")


class Command(BaseCommand):
    help = "Render the stored HTML of every post, page and book again from its Markdown."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would change; write nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        with transaction.atomic():
            posts = self.posts(dry_run)
            others = self.simple(Page, "body", "body_html", dry_run)
            others += self.simple(Book, "pitch", "pitch_html", dry_run)
            if (posts or others) and not dry_run:
                # Written with update(), which no signal reports.
                invalidate()
        verb = "would change" if dry_run else "changed"
        self.stdout.write(f"HTML {verb}: {posts} posts, {others} pages and books.")

    def posts(self, dry_run):
        changed = []
        for post in Writing.objects.with_specific().iterator(chunk_size=200):
            post = post.specific
            fields = [target for _source, target in post.markdown_fields()] + list(DERIVED)
            before = {name: getattr(post, name) for name in fields}
            post.render()
            after = {name: getattr(post, name) for name in fields}
            if after != before:
                changed.append(post.pk)
                if not dry_run:
                    # update(), not save(): no new "updated" time, no slug or redirect work.
                    type(post).objects.filter(pk=post.pk).update(**after)
        if changed and not dry_run:
            post_changed.send(
                sender=Writing,
                change=SAVED,
                pks=changed,
                using="default",
                instance=None,
                created=False,
            )
        return len(changed)

    def simple(self, model, source, target, dry_run):
        count = 0
        for row in model.objects.only("pk", source, target).iterator(chunk_size=200):
            html = render_markdown(getattr(row, source))
            if html != getattr(row, target):
                count += 1
                if not dry_run:
                    model.objects.filter(pk=row.pk).update(**{target: html})
        return count
