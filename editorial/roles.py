"""The three roles, as groups of permissions. ``sync_roles`` makes the groups match;
it runs after every ``migrate`` (post_migrate, connected in editorial/apps.py).

- Author: everything.
- Editor: edits, publishes and schedules everything; manages tags, books and pages;
  moderates received Webmentions (approves, rejects, deletes them); sees the go-live
  records of every post.
- Contributor: writes and edits their own drafts; cannot publish, schedule, or edit a
  published post (the admin enforces "their own" and "drafts"; see editorial/admin/).
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS, router

WRITING_TYPES = ["essay", "articleanalysis", "devreflection"]
ALL = ["add", "change", "delete", "view"]


def _perms(app_label, models, actions):
    return [(app_label, f"{action}_{model}") for model in models for action in actions]


EDITOR = [
    *_perms("essays", [*WRITING_TYPES, "writing", "tag"], ALL),
    ("essays", "publish_writing"),
    *_perms("books", ["book"], ALL),
    *_perms("pages", ["page", "project"], ALL),
    *_perms("core", ["redirect"], ALL),
    ("core", "view_sitesettings"),
    *_perms("editorial", ["previewlink"], ALL),
    ("editorial", "view_revision"),
    *_perms("editorial", ["editornote"], ["add", "view"]),
    *_perms("images", ["image"], ALL),
    *_perms("related", ["relatedchoice"], ALL),
    *_perms("related", ["post"], ["view", "change"]),
    # Received Webmentions: read, approved or rejected (a change), deleted; never added
    # (they come through the endpoint; indieweb/admin.py refuses an add to anyone).
    *_perms("indieweb", ["mention"], ["view", "change", "delete"]),
    # The go-live records (read only for everyone): an editor who schedules a post sees,
    # on the desk and under Go-live, when its side effects failed or are late.
    ("golive", "view_golive"),
]
CONTRIBUTOR = [
    *_perms("essays", WRITING_TYPES, ["add", "change", "view"]),
    ("essays", "view_writing"),
    ("essays", "view_tag"),
    ("editorial", "view_revision"),
    # Notes on their own posts: read, and answered (the admin shows only their own posts).
    *_perms("editorial", ["editornote"], ["add", "view"]),
    *_perms("images", ["image"], ["add", "view"]),
]
ROLES = {"Editor": EDITOR, "Contributor": CONTRIBUTOR}


def sync_roles(apps=global_apps, using=DEFAULT_DB_ALIAS):
    """Create the groups and give each exactly its permissions; idempotent.

    Run after every ``migrate`` (see ``EditorialConfig.ready``), so the groups follow
    this file: a permission added here, or removed from a group by hand, is put right
    on the next run. ``apps`` may be the migration state's registry (what post_migrate
    passes) or the live one.
    """
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:  # auth is not migrated (yet) in this state
        return
    if not router.allow_migrate_model(using, Group):
        return

    # The permissions of every app, whatever the order post_migrate reaches them in.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using, apps=apps)

    permissions = Permission.objects.using(using)
    by_code = {
        (app_label, codename): pk
        for pk, app_label, codename in permissions.values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    wanted = {"Author": list(by_code.values())}
    for name, codes in ROLES.items():
        wanted[name] = [by_code[code] for code in codes if code in by_code]

    groups = Group.objects.using(using)
    for name, permission_ids in wanted.items():
        group, _created = groups.get_or_create(name=name)
        group.permissions.set(permission_ids)


def sync_roles_after_migrate(sender, *, apps=global_apps, using=DEFAULT_DB_ALIAS, **kwargs):
    """The post_migrate receiver (connected once, for the editorial app)."""
    sync_roles(apps=apps, using=using)
