"""What the importer last wrote to each post, so that running it again can tell the
author's edits (and deletions) from its own work.

A record is kept per slug and outlives its post (``on_delete=SET_NULL``): a post deleted
in the admin is known as deleted, not as never imported. It holds a short digest of each
value the import wrote, read back from the post as saved; the post's current values,
digested the same way, differ from them exactly when someone changed the post since.
"""

import hashlib
import json
from datetime import UTC, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from essays.models import Writing

# The slug prefix of a page's record: pages have no post, and no slug has a colon.
PAGE_RECORD = "page:"


class ImportRecord(models.Model):
    slug = models.CharField(max_length=200, unique=True)
    post = models.ForeignKey(
        Writing, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=1000, help_text="The file, relative to the folder.")
    values = models.JSONField(default=dict, help_text="Field name: digest of the value imported.")
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return f"/{self.slug}/ from {self.source}"

    @property
    def deleted_here(self):
        return self.post_id is None and not self.slug.startswith(PAGE_RECORD)

    def edited(self, post, tag_slugs):
        """The names of the values that differ from what was imported, sorted."""
        now = fingerprint(post, [name for name in self.values if name != "tags"], tag_slugs)
        return sorted(name for name, digest in self.values.items() if now.get(name) != digest)


def fingerprint(post, names, tag_slugs):
    """{name: digest} of the post's values (and its tags' slugs, as ``tags``)."""
    values = {name: _digest(post._meta.get_field(name).value_from_object(post)) for name in names}
    values["tags"] = _digest(sorted(tag_slugs))
    return values


def _digest(value):
    # What a form round trip may change without anyone editing: line endings, the
    # whitespace around a text, a time zone, the microseconds of a time.
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").strip()
    elif isinstance(value, datetime):
        value = value.astimezone(UTC).replace(microsecond=0)
    text = json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class ImportRunQuerySet(models.QuerySet):
    def newest(self):
        """The last real import, or None: what the admin desk reports on."""
        return self.order_by("-started", "-pk").first()


class ImportRun(models.Model):
    """One real (not ``--dry-run``) run of ``import_markdown`` or ``import_wordpress``:
    when, from where, its counts, and what it warned about, kept for the admin desk
    (the command prints the same report and keeps nothing else). ``warnings`` is a list
    of ``{"file": ..., "message": ...}``; ``seen_at`` is set when the author dismisses
    them on the desk."""

    command = models.CharField(max_length=40)
    source = models.CharField(max_length=1000, help_text="The folder or export imported.")
    started = models.DateTimeField()
    finished = models.DateTimeField()
    counts = models.JSONField(default=dict, help_text="What happened: created, updated…")
    warnings = models.JSONField(default=list, help_text="[{file, message}], in report order.")
    seen_at = models.DateTimeField(null=True, blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started", "-pk"]
        get_latest_by = "started"

    def __str__(self):
        return f"{self.command} {self.source} at {self.started:%Y-%m-%d %H:%M}"

    @classmethod
    def record(cls, command, source, started, report):
        """Keep a finished run: ``report`` gives ``counts()`` and ``problems()`` (the
        (file, message) pairs an author should look at)."""
        return cls.objects.create(
            command=command,
            source=str(source),
            started=started,
            finished=timezone.now(),
            counts=report.counts(),
            warnings=[{"file": str(f), "message": str(m)} for f, m in report.problems()],
        )
