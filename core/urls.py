"""markdownx's endpoints, for staff only and through the site's own sanitiser."""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_POST

from images.views import upload as image_upload

from .markdown import render_markdown


@staff_member_required
@require_POST
def markdown_preview(request):
    return HttpResponse(render_markdown(request.POST.get("content", "")))


urlpatterns = [
    # Into the image library: checked, cleaned, with renditions. Staff only (the view says so).
    path("upload/", image_upload, name="markdownx_upload"),
    path("markdownify/", markdown_preview, name="markdownx_markdownify"),
]
