"""Renditions of large images off the request path (images/tasks.py): with a worker's
queue, the upload stores the original and returns; the worker makes the renditions and
renders again the posts that show the image. With the immediate backend (the test
profile) they are made in the upload, as before."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from PIL import Image as Pillow

from essays.models import Essay
from images.models import Image
from pages.models import Page

from .factories import EssayFactory
from .test_tasks_queue import DATABASE_TASKS, run_worker_here

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def responsive_markdown(settings):
    settings.MARKDOWN_POSTPROCESSORS = ["images.postprocess.responsive_images"]
    settings.IMAGE_RENDITIONS_INLINE_MAX_PIXELS = 500_000


def jpeg(size):
    out = BytesIO()
    Pillow.new("RGB", size, "teal").save(out, "JPEG")
    return SimpleUploadedFile("large.jpg", out.getvalue(), "image/jpeg")


def upload(staff_client, size):
    response = staff_client.post(
        reverse("markdownx_upload"),
        {"image": jpeg(size), "alt": "A teal field"},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code == 200, response.content
    return response.json()["image_code"]


@override_settings(TASKS=DATABASE_TASKS)
def test_a_large_upload_returns_before_its_renditions(
    staff_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        code = upload(staff_client, (1200, 800))
    image = Image.objects.get()
    assert (image.width, image.renditions) == (1200, [])
    [queued] = DBTaskResult.objects.filter(task_path="images.tasks.make_renditions")
    assert queued.status == "READY"
    post = EssayFactory(body=f"Look.\n\n{code}", status="published")
    page = Page.objects.create(title="Pictures", slug="pictures", body=code, status="published")
    # Until the worker runs, pages show the original.
    assert "srcset" not in post.body_html and image.file.url in post.body_html
    run_worker_here()
    image.refresh_from_db()
    assert [r["width"] for r in image.renditions] == [480, 480, 960, 960, 1200, 1200]
    for name in {r["name"] for r in image.renditions}:
        assert image.file.storage.exists(name)
    post = Essay.objects.get(pk=post.pk)
    assert "srcset" in post.body_html and "<picture" in post.body_html
    page.refresh_from_db()
    assert "srcset" in page.body_html


@override_settings(TASKS=DATABASE_TASKS)
def test_a_small_upload_gets_its_renditions_at_once(
    staff_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(staff_client, (600, 400))
    assert len(Image.objects.get().renditions) == 4
    assert not DBTaskResult.objects.exists()


def test_without_a_worker_renditions_are_made_in_the_upload(staff_client):
    upload(staff_client, (1200, 800))
    assert len(Image.objects.get().renditions) == 6
