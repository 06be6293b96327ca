"""The three roles, as groups of permissions. ``sync_roles`` makes the groups match.

- Author: everything.
- Editor: edits, publishes and schedules everything; manages tags, books and pages.
- Contributor: writes and edits their own drafts; cannot publish, schedule, or edit a
  published post (the admin enforces "their own" and "drafts"; see essays/admin.py).
"""

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
    *_perms("images", ["image"], ALL),
    *_perms("related", ["relatedchoice"], ALL),
    *_perms("related", ["post"], ["view", "change"]),
]
CONTRIBUTOR = [
    *_perms("essays", WRITING_TYPES, ["add", "change", "view"]),
    ("essays", "view_writing"),
    ("essays", "view_tag"),
    ("editorial", "view_revision"),
    *_perms("images", ["image"], ["add", "view"]),
]
ROLES = {"Editor": EDITOR, "Contributor": CONTRIBUTOR}


def sync_roles(apps):
    """Create the groups and give each exactly its permissions (those that exist yet)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    author, _created = Group.objects.get_or_create(name="Author")
    author.permissions.set(Permission.objects.all())
    for name, wanted in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        permissions = [
            permission
            for app_label, codename in wanted
            for permission in Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            )
        ]
        group.permissions.set(permissions)
