from django.apps import AppConfig
from django.db.models.signals import post_migrate


class EditorialConfig(AppConfig):
    """The editorial workflow: roles, revisions, previews, the calendar."""

    name = "editorial"

    def ready(self):
        from . import signals  # noqa: F401
        from .roles import sync_roles_after_migrate

        # The roles (groups Author, Editor, Contributor) follow editorial/roles.py after
        # every migrate run; sender=self: once per run, not once per app.
        post_migrate.connect(
            sync_roles_after_migrate, sender=self, dispatch_uid="editorial.sync_roles"
        )
