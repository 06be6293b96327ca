from django.urls import path, register_converter

from core.validators import SLUG_PATTERN

from . import views


class PathSlugConverter:
    regex = SLUG_PATTERN

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(PathSlugConverter, "pathslug")

app_name = "essays"
urlpatterns = [
    # Every post lives at the site root, as on the author's Hugo site. Keep this last.
    path("<pathslug:slug>/", views.WritingDetailView.as_view(), name="detail"),
]
