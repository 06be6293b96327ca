from django.urls import register_converter

from .models import SECTIONS


class SectionConverter:
    """One of the writing types' list paths: essays, article-analyses, dev-reflections."""

    regex = "|".join(SECTIONS)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


# Registered once, here: Django refuses a second registration of the same name.
register_converter(SectionConverter, "section")
