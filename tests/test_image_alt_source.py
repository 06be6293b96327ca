"""One source of truth for an inserted image's alt text: the library. "Insert image"
writes ``![](url)``, so the page, the live preview, the publish gate and the library's
"Used in" all read the library's alt text (or its decorative mark), and correcting it in
the library corrects every post that shows the image. A post whose Markdown gives its
own alt text keeps it."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from images.models import Image
from images.usage import needing_alt

from .factories import EssayFactory
from .test_images import image_bytes

pytestmark = pytest.mark.django_db

AJAX = {"x-requested-with": "XMLHttpRequest"}


@pytest.fixture(autouse=True)
def responsive_markdown(settings):
    settings.MARKDOWN_POSTPROCESSORS = ["images.postprocess.responsive_images"]


def inserted(client, **data):
    """Upload as the "Insert image" dialog does; the library record and the Markdown."""
    picture = SimpleUploadedFile("square.png", image_bytes(), "image/png")
    answer = client.post(reverse("markdownx_upload"), {"image": picture, **data}, headers=AJAX)
    assert answer.status_code == 200
    return Image.objects.get(), answer.json()["image_code"]


def alts(html):
    return re.findall(r'<img [^>]*?alt="([^"]*)"', html)


def correct_in_the_library(client, image, **fields):
    """Change the image's alt text in the library's admin form, and commit."""
    change = reverse("admin:images_image_change", args=[image.pk])
    with TestCase.captureOnCommitCallbacks(execute=True):
        answer = client.post(change, {"alt": "", **fields, "_continue": "1"})
    assert answer.status_code == 302


def test_insert_writes_empty_alt_in_the_markdown_and_the_text_in_the_library(admin_client):
    image, code = inserted(admin_client, alt="A red [square]")
    assert code == f"![]({image.file.url})"
    assert (image.alt, image.decorative) == ("A red [square]", False)
    assert image.markdown() == code  # the library's Markdown, to copy into a post


def test_readers_get_the_library_text_and_a_correction_reaches_the_page(admin_client, client):
    image, code = inserted(admin_client, alt="A red square")
    post = EssayFactory(status="published", body=f"Before.\n\n{code}")
    assert alts(client.get(post.get_absolute_url()).content.decode()) == ["A red square"]

    correct_in_the_library(admin_client, image, alt="A crimson square")
    assert alts(client.get(post.get_absolute_url()).content.decode()) == ["A crimson square"]

    correct_in_the_library(admin_client, image, decorative="on")
    assert alts(client.get(post.get_absolute_url()).content.decode()) == [""]


def test_a_posts_own_alt_text_still_wins_in_that_post(admin_client, client):
    image, code = inserted(admin_client, alt="A red square")
    own = EssayFactory(status="published", body=f"![Said here]({image.file.url})")
    library = EssayFactory(status="published", body=code)
    correct_in_the_library(admin_client, image, alt="A crimson square")
    assert alts(client.get(own.get_absolute_url()).content.decode()) == ["Said here"]
    assert alts(client.get(library.get_absolute_url()).content.decode()) == ["A crimson square"]


def test_the_preview_shows_the_library_text(admin_client):
    image, code = inserted(admin_client, alt="A red square")
    preview = admin_client.post(reverse("markdownx_markdownify"), {"content": code})
    assert alts(preview.content.decode()) == ["A red square"]


@pytest.mark.parametrize(
    ("fields", "refused"),
    [({"alt": "A red square"}, False), ({"decorative": True}, False), ({}, True)],
)
def test_the_publish_gate_reads_the_library_for_empty_alt(fields, refused):
    image = Image(file=SimpleUploadedFile("square.png", image_bytes(), "image/png"), **fields)
    image.save()
    post = EssayFactory(draft=True, body=f"Words.\n\n![]({image.file.url})")
    problems = [str(problem) for problem in post.publish_problems()]
    assert bool(problems) == refused, problems
    assert needing_alt([image]) == ([image] if refused else [])


def test_used_in_lists_the_post_as_taking_the_library_text(admin_client):
    image, code = inserted(admin_client, alt="A red square")
    EssayFactory(title="Squares", body=code)
    html = admin_client.get(reverse("admin:images_image_change", args=[image.pk])).content
    used_in = re.search(r'<ul class="image-uses">(.*?)</ul>', html.decode(), re.S).group(1)
    assert "Squares" in used_in and "“A red square”" in used_in
    listing = admin_client.get(reverse("admin:images_image_changelist")).content.decode()
    assert "A red square" in listing and "missing" not in listing
