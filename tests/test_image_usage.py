"""The image library says where each image is used, and its "alt text missing" warning
agrees with the Markdown: the library's alt is the default, a post's own alt wins for
that use (images/usage.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from images.models import Image
from images.usage import alt_missing, images_in, needing_alt, uses_of

from .factories import ArticleAnalysisFactory, EssayFactory
from .test_images import image_bytes

pytestmark = pytest.mark.django_db


def library_image(name="harbour.png", **fields):
    image = Image(file=SimpleUploadedFile(name, image_bytes(), "image/png"), **fields)
    image.save()
    return image


def test_images_in_reads_inline_reference_and_html_images():
    text = (
        '![A \\[bracketed\\] gull](/media/a.png "title") and ![](</media/b.png>)\n\n'
        "`code` ![ref alt][pic] and ![pic][]\n\n"
        '<img src="/media/c.png" alt="From HTML">\n\n'
        "[pic]: /media/d.png\n"
    )
    assert images_in(text) == [
        ("/media/a.png", "A [bracketed] gull"),
        ("/media/b.png", ""),
        ("/media/d.png", "ref alt"),
        ("/media/d.png", "pic"),
        ("/media/c.png", "From HTML"),
    ]


def test_uses_of_lists_each_post_and_field_with_its_alt(django_assert_max_num_queries):
    used = library_image()
    unused = library_image("other.png", alt="Something")
    url = used.file.url
    essay = EssayFactory(title="Tides", body=f"Intro.\n\n![Gulls over the harbour]({url})")
    analysis = ArticleAnalysisFactory(summary=f"![]({url})", analysis="No image here.")
    EssayFactory(title="Elsewhere", body="![Another](https://example.com/harbour.png)")
    with django_assert_max_num_queries(6):  # one per model with Markdown fields
        uses = uses_of([used, unused])
    assert uses[unused.pk] == []
    assert [(u.post.pk, u.field, u.alt) for u in uses[used.pk]] == [
        (essay.pk, "body", "Gulls over the harbour"),
        (analysis.pk, "summary", ""),
    ]


def test_missing_means_some_reader_would_get_no_alt():
    image = library_image()
    url = image.file.url
    # Unused, with no alt in the library: missing.
    assert alt_missing(image, uses_of([image])[image.pk])
    # Every use describes it in its Markdown: not missing.
    EssayFactory(body=f"![Gulls]({url})")
    assert not alt_missing(image, uses_of([image])[image.pk])
    # One use leaves it empty, and the library has none to give: missing.
    EssayFactory(body=f"![]({url})")
    assert alt_missing(image, uses_of([image])[image.pk])
    # The library's alt fills that use: not missing; decorative neither.
    image.alt = "Gulls over the harbour"
    assert not alt_missing(image, uses_of([image])[image.pk])
    image.alt, image.decorative = "", True
    assert not alt_missing(image, uses_of([image])[image.pk])


def test_the_library_list_and_page_show_where_each_image_is_used(admin_client):
    described = library_image("described.png")
    bare = library_image("bare.png")
    essay = EssayFactory(title="Tides", body=f"![Gulls]({described.file.url})")
    EssayFactory(title="Other", body=f"![]({bare.file.url})")

    listing = admin_client.get(reverse("admin:images_image_changelist")).content.decode()
    assert listing.count("<strong>missing</strong>") == 1  # bare only
    assert "(given in each post&#x27;s Markdown)" in listing
    change = reverse("admin:essays_essay_change", args=[essay.pk])
    assert f'<a href="{change}">Tides</a>' in listing
    assert "Not used in any post." not in listing

    page = admin_client.get(reverse("admin:images_image_change", args=[described.pk]))
    html = page.content.decode()
    assert f'<a href="{change}">Tides</a>' in html and "“Gulls”" in html

    unused = library_image("unused.png", alt="A ship")
    page = admin_client.get(reverse("admin:images_image_change", args=[unused.pk]))
    assert "Not used in any post." in page.content.decode()


def test_the_library_list_costs_the_same_whatever_the_number_of_images(
    admin_client, django_assert_max_num_queries
):
    url = reverse("admin:images_image_changelist")
    image = library_image("first.png")
    EssayFactory(body=f"![One]({image.file.url})")
    admin_client.get(url)  # warm: content types, sessions
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)
    for n in range(4):
        more = library_image(f"more-{n}.png")
        EssayFactory(body=f"![Also]({more.file.url})")
    with django_assert_max_num_queries(len(few)):
        admin_client.get(url)


def test_needing_alt_lists_only_images_some_reader_would_get_without_alt():
    described = library_image("described.png")
    bare = library_image("bare.png")
    labelled = library_image("labelled.png", alt="A ship")
    EssayFactory(body=f"![Gulls]({described.file.url}) ![]({bare.file.url})")
    assert needing_alt(Image.objects.order_by("pk")) == [bare]
    assert labelled not in needing_alt([labelled])
