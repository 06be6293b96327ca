"""Revisions: a snapshot of a post at every save, diffs between two, and restore.

A snapshot holds the fields a writer edits (not the HTML derived from them) and the
tag names, so that restoring one and saving renders everything again.
"""

import difflib
import json

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import OuterRef, Subquery

from .models import Revision

# Derived on save, or bookkeeping: never part of a snapshot.
SKIPPED = {"id", "writing_ptr", "created", "updated", "kind", "excerpt", "word_count"}


def tracked_fields(model):
    return [
        field
        for field in model._meta.concrete_fields
        if field.name not in SKIPPED and not field.name.endswith("_html") and not field.auto_created
    ]


def snapshot(obj):
    data = {}
    for field in tracked_fields(type(obj)):
        value = field.value_from_object(obj)
        # A file (a card image) is kept by its stored name, which restoring sets back.
        data[field.name] = value.name or "" if isinstance(field, models.FileField) else value
    if hasattr(obj, "tags"):
        data["tags"] = sorted(tag.name for tag in obj.tags.all())
    # Through JSON, so that dates and the like compare the way they are stored.
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def for_object(obj):
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return Revision.objects.filter(content_type=content_type, object_id=obj.pk)


def record(obj, user=None, note=""):
    """Store the object's state if it differs from its last revision; return the revision."""
    revision = _revision(obj, snapshot(obj), for_object(obj).first(), user, note)
    if revision is not None:
        revision.save()
    return revision


def record_many(objs_with_users):
    """``record`` for many (object, user) pairs, in two queries: an import's batch."""
    pairs = [(obj, user, ContentType.objects.get_for_model(obj)) for obj, user in objs_with_users]
    if not pairs:
        return []
    newest = Revision.objects.filter(
        content_type=OuterRef("content_type"), object_id=OuterRef("object_id")
    ).order_by("-created", "-pk")
    last = Revision.objects.filter(
        object_id__in={obj.pk for obj, _user, _type in pairs}, pk=Subquery(newest.values("pk")[:1])
    )
    previous = {(revision.content_type_id, revision.object_id): revision for revision in last}
    revisions = [
        _revision(obj, snapshot(obj), previous.get((content_type.pk, obj.pk)), user, "")
        for obj, user, content_type in pairs
    ]
    return Revision.objects.bulk_create([revision for revision in revisions if revision])


def _revision(obj, data, previous, user, note):
    """The unsaved revision of ``data``, or None when it is the same as ``previous``."""
    if previous is not None and previous.data == data:
        return None
    changed = sorted(
        name
        for name in data.keys() | (previous.data.keys() if previous else set())
        if previous is None or previous.data.get(name) != data.get(name)
    )
    return Revision(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=obj.pk,
        user=user if user is not None and user.is_authenticated else None,
        data=data,
        changed=changed if previous is not None else ["created"],
        note=note,
    )


def diff(older, newer):
    """Per changed field: (name, old text, new text, unified diff lines)."""
    rows = []
    for name in sorted(older.data.keys() | newer.data.keys()):
        before, after = older.data.get(name), newer.data.get(name)
        if before == after:
            continue
        before_text = _text(before)
        after_text = _text(after)
        lines = list(
            difflib.unified_diff(
                before_text.splitlines(), after_text.splitlines(), lineterm="", n=2
            )
        )[2:]
        rows.append({"field": name, "before": before_text, "after": after_text, "lines": lines})
    return rows


def _text(value):
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return "" if value is None else str(value)


def restore(revision, obj, keep=()):
    """Put a revision's values back on ``obj`` (unsaved); ``keep`` names fields left as they are.

    Returns the tag names to set after saving, or None when the revision has none.
    """
    model = type(obj)
    for field in tracked_fields(model):
        if field.name in keep or field.name not in revision.data:
            continue
        value = revision.data[field.name]
        field_name = field.attname
        if value is not None and field.get_internal_type() == "DateTimeField":
            value = field.to_python(value)
        setattr(obj, field_name, value)
    return None if "tags" in keep else revision.data.get("tags")
