from django.urls import path

from . import (
    converters,  # noqa: F401  (registers <section:...>)
    views,
)

app_name = "essays"
urlpatterns = [
    path("blog/", views.BlogView.as_view(), name="blog"),
    path("blog/page/<int:page>/", views.BlogView.as_view(), name="blog-page"),
    path("tags/", views.TagIndexView.as_view(), name="tags"),
    path("tags/<slug:tag>/", views.TagView.as_view(), name="tag"),
    path("tags/<slug:tag>/page/<int:page>/", views.TagView.as_view(), name="tag-page"),
    path("<section:section>/", views.SectionView.as_view(), name="section"),
    path("<section:section>/page/<int:page>/", views.SectionView.as_view(), name="section-page"),
]
