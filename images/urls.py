"""markdownx's endpoints, for staff only: uploads into the image library, and the live
preview through the site's own sanitiser."""

from django.urls import path

from . import views

urlpatterns = [
    # Into the image library: checked, cleaned, with renditions. Staff only (the view says so).
    path("upload/", views.upload, name="markdownx_upload"),
    path("markdownify/", views.markdown_preview, name="markdownx_markdownify"),
]
