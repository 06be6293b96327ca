from django.apps import AppConfig


class EditorialConfig(AppConfig):
    """The editorial workflow: roles, revisions, previews, the calendar."""

    name = "editorial"

    def ready(self):
        from . import signals  # noqa: F401
