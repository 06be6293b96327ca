from django.urls import register_converter

from .validators import SLUG_PATTERN


class PathSlugConverter:
    """A post's path at the site root: parts of letters, digits, hyphens, underscores and dots."""

    regex = SLUG_PATTERN

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


# Registered once, here: Django refuses a second registration of the same name.
register_converter(PathSlugConverter, "pathslug")
