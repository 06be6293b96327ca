"""Images: what uploads are accepted, how they are cleaned and stored, and how they are shown."""

import random
import re
import struct
import zlib
from io import BytesIO
from pathlib import Path

import markdownx
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, PngImagePlugin
from PIL import Image as Pillow

from books.models import Book
from core.markdown import markdown_html, render_markdown, sanitize_html
from images.checks import images_missing_alt
from images.forms import UploadForm
from images.models import Image

from .factories import BookFactory, EssayFactory, book_form

pytestmark = pytest.mark.django_db

UPLOAD_URL = "markdownx_upload"
AJAX = {"x-requested-with": "XMLHttpRequest"}
FORMAT_MESSAGE = "Only JPEG, PNG, GIF and WebP images can be uploaded."
MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
EXT = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture(autouse=True)
def responsive_markdown(settings):
    settings.MARKDOWN_POSTPROCESSORS = ["images.postprocess.responsive_images"]


# Making images in memory ------------------------------------------------------------------


def image_bytes(fmt="PNG", size=(64, 48), color="teal", mode="RGB", **options):
    out = BytesIO()
    Pillow.new(mode, size, color).save(out, fmt, **options)
    return out.getvalue()


def upload(data, name="picture.png", content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type)


def png_declaring(width, height):
    """A 1x1 PNG whose header claims ``width`` x ``height``: a decompression bomb's shape."""
    data = bytearray(image_bytes("PNG", size=(1, 1)))
    data[16:24] = struct.pack(">II", width, height)  # IHDR's first 8 data bytes
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))  # its CRC, made right
    return bytes(data)


def photo_with_metadata(fmt):
    """300x200, red left half and blue right, EXIF "turn 90° clockwise", GPS and tell-tales."""
    image = Pillow.new("RGB", (300, 200), "red")
    image.paste((0, 0, 255), (150, 0, 300, 200))
    exif = Pillow.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "SecretCam"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 30.0, 12.0)
    options = {"exif": exif}
    if fmt == "JPEG":
        options |= {"comment": b"SecretComment", "xmp": b"<x:xmpmeta>SecretXMP</x:xmpmeta>"}
    if fmt == "WEBP":
        options |= {"xmp": b"<x:xmpmeta>SecretXMP</x:xmpmeta>", "lossless": True}
    if fmt == "PNG":
        text = PngImagePlugin.PngInfo()
        text.add_text("Comment", "SecretComment")
        options["pnginfo"] = text
    out = BytesIO()
    image.save(out, fmt, **options)
    data = out.getvalue()
    assert b"SecretCam" in data  # the metadata really is in the input
    assert Pillow.open(BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    return data


def post_upload(client, file, **data):
    return client.post(reverse(UPLOAD_URL), {"image": file, **data}, headers=AJAX)


def stored_files(image):
    """Every file kept for an image: its original and each rendition."""
    return {image.file.name, *(r["name"] for r in image.renditions)}


def read(name):
    with default_storage.open(name) as f:
        return f.read()


# What is accepted -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "WEBP"])
def test_each_raster_format_is_accepted(staff_client, fmt):
    data = image_bytes(fmt, size=(64, 48))
    response = post_upload(staff_client, upload(data, f"My Photo.{EXT[fmt]}", MIME[fmt]))
    assert response.status_code == 200
    image = Image.objects.get()
    assert response.json() == {"image_code": f"![]({image.file.url})"}
    assert (image.format, image.width, image.height) == (fmt.lower(), 64, 48)
    assert image.file.name.endswith(f"/my-photo.{EXT[fmt]}")
    assert Pillow.open(BytesIO(read(image.file.name))).format == fmt


def test_the_extension_follows_the_content_not_the_name(staff_client):
    response = post_upload(staff_client, upload(image_bytes("PNG"), "cover.jpg", "image/jpeg"))
    assert response.status_code == 200
    assert Image.objects.get().file.name.endswith("/cover.png")


def test_a_phone_multi_picture_jpeg_is_kept_as_its_first_picture(staff_client):
    out = BytesIO()
    photo, depth_map = Pillow.new("RGB", (64, 48), "red"), Pillow.new("RGB", (64, 48), "blue")
    photo.save(out, "MPO", save_all=True, append_images=[depth_map])
    response = post_upload(staff_client, upload(out.getvalue(), "phone.jpg", "image/jpeg"))
    assert response.status_code == 200
    stored = Pillow.open(BytesIO(read(Image.objects.get().file.name)))
    assert stored.format == "JPEG" and getattr(stored, "n_frames", 1) == 1
    assert stored.getpixel((10, 10))[0] > 200  # the red photo, not the blue second picture


# What is refused, and what the author is told -----------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (SVG, "drawing.svg", "image/svg+xml"),
        (SVG, "drawing.png", "image/png"),
        (b"Just some words, not a picture.\n" * 20, "notes.jpg", "image/jpeg"),
        (image_bytes("BMP"), "bitmap.png", "image/png"),
        (image_bytes("TIFF"), "scan.jpg", "image/jpeg"),
    ],
    ids=["svg", "svg-named-png", "text-named-jpg", "bmp", "tiff"],
)
def test_anything_but_jpeg_png_gif_webp_is_refused(staff_client, data, name, content_type):
    response = post_upload(staff_client, upload(data, name, content_type))
    assert response.status_code == 400
    assert response.json() == {
        "image": [FORMAT_MESSAGE],
        # What markdownx's script puts in the editor, where the image would have gone.
        "image_code": f"[Not uploaded: {name}. {FORMAT_MESSAGE}]",
    }
    assert not Image.objects.exists()


def test_the_editor_shows_the_refusal_instead_of_invalid_response():
    """markdownx's script inserts ``image_code`` whatever the status, else "Invalid response"."""
    script = (Path(markdownx.__file__).parent / "static/markdownx/js/markdownx.js").read_text()
    # onload hands every answer, 400 included, to the success handler...
    assert re.search(r"onload = function \(event\) \{.*?SUCCESS\(data\);", script, re.S)
    # ...which inserts image_code when there is one.
    assert "if (response.image_code) {\n                insertImage(response.image_code);" in script


def test_too_many_bytes_is_refused(staff_client, settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 1024 * 1024
    noise = Pillow.frombytes("RGB", (700, 700), random.Random(1).randbytes(700 * 700 * 3))
    out = BytesIO()
    noise.save(out, "PNG")
    assert out.tell() > 1024 * 1024
    response = post_upload(staff_client, upload(out.getvalue(), "big.png"))
    assert response.status_code == 400
    assert response.json()["image"] == ["This image is larger than 1 MB."]


def test_the_default_byte_limit_is_10_mb():
    over = SimpleUploadedFile("huge.jpg", b"\0" * (10 * 1024 * 1024 + 1), "image/jpeg")
    form = UploadForm(files={"image": over})
    assert form.errors == {"image": ["This image is larger than 10 MB."]}
    under = image_bytes("JPEG")
    assert UploadForm(files={"image": upload(under, "small.jpg", "image/jpeg")}).is_valid()


def test_more_than_40_million_pixels_is_refused(staff_client):
    # 8000 x 5001 one-bit pixels: a small file, 40,008,000 pixels.
    data = image_bytes("PNG", size=(8000, 5001), color=0, mode="1")
    assert len(data) < 100_000
    response = post_upload(staff_client, upload(data, "wide.png"))
    assert response.status_code == 400
    assert response.json()["image"] == ["This image has more than 40 million pixels."]


@pytest.mark.parametrize("side", [10_000, 30_000])  # past Pillow's warning, past its error
def test_a_decompression_bomb_is_refused_not_a_server_error(staff_client, side):
    response = post_upload(staff_client, upload(png_declaring(side, side), "bomb.png"))
    assert response.status_code == 400
    assert response.json()["image"] == ["This image has more than 40 million pixels."]


def test_the_pixel_limit_is_a_setting(staff_client, settings):
    settings.IMAGE_UPLOAD_MAX_PIXELS = 2_500_000
    response = post_upload(staff_client, upload(image_bytes("PNG", size=(2000, 1251))))
    assert response.json()["image"] == ["This image has more than 2.5 million pixels."]


def test_a_damaged_image_is_refused_with_a_message(staff_client):
    data = image_bytes("JPEG", size=(400, 300), color="orange")
    response = post_upload(staff_client, upload(data[: len(data) // 2], "cut.jpg", "image/jpeg"))
    assert response.status_code == 400
    assert response.json()["image"] == [
        "This image could not be read: the file may be damaged or incomplete."
    ]
    assert not Image.objects.exists()


# Who may upload ------------------------------------------------------------------------------


def test_uploads_are_for_staff_only(client, django_user_model):
    data = image_bytes()
    anonymous = post_upload(client, upload(data))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("admin:login"))
    client.force_login(django_user_model.objects.create_user("reader", password="pw"))
    reader = post_upload(client, upload(data))
    assert reader.status_code == 302
    assert not Image.objects.exists()


def test_uploads_are_posted(staff_client):
    # What the editor would send, by GET: refused, and nothing stored.
    refused = staff_client.get(reverse(UPLOAD_URL), {"alt": "A teal square"}, headers=AJAX)
    assert refused.status_code == 405
    assert not Image.objects.exists()
    # The same by POST, with the file: stored.
    response = post_upload(staff_client, upload(image_bytes()), alt="A teal square")
    assert response.status_code == 200
    image = Image.objects.get()
    assert response.json() == {"image_code": f"![]({image.file.url})"}
    assert (image.width, image.height) == (64, 48)
    assert Pillow.open(BytesIO(read(image.file.name))).size == (64, 48)


def test_the_upload_carries_the_alt_text_it_is_given(staff_client):
    response = post_upload(staff_client, upload(image_bytes()), alt="A [teal] square")
    image = Image.objects.get()
    assert image.alt == "A [teal] square"
    assert response.json() == {"image_code": f"![]({image.file.url})"}


def test_a_decorative_upload_needs_no_alt_text(staff_client):
    post_upload(staff_client, upload(image_bytes()), decorative="on")
    assert Image.objects.get().decorative


# Cleaning: EXIF, GPS and every other piece of metadata ----------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_metadata_is_gone_from_every_stored_file_and_the_photo_is_upright(staff_client, fmt):
    data = photo_with_metadata(fmt)
    assert post_upload(staff_client, upload(data, f"p.{EXT[fmt]}", MIME[fmt])).status_code == 200
    image = Image.objects.get()
    assert (image.width, image.height) == (200, 300)  # turned as the EXIF said
    names = stored_files(image)
    # The original (which is also the 200px rendition in its format), and a WebP unless it is one.
    assert len(names) == (1 if fmt == "WEBP" else 2)
    for name in names:
        content = read(name)
        for secret in (b"SecretCam", b"SecretComment", b"SecretXMP", b"Exif"):
            assert secret not in content, (name, secret)
        stored = Pillow.open(BytesIO(content))
        assert not stored.getexif()
        assert stored.size == (200, 300)
        # Red was on the left; turned a quarter clockwise, it is on top.
        pixels = stored.convert("RGB")
        top, bottom = pixels.getpixel((100, 50)), pixels.getpixel((100, 250))
        assert top[0] > 200 and top[2] < 60, name
        assert bottom[2] > 200 and bottom[0] < 60, name


def test_book_covers_are_cleaned_too():
    book = BookFactory(
        cover=upload(photo_with_metadata("JPEG"), "cover.jpg", "image/jpeg"), cover_alt="A cover"
    )
    names = {book.cover.name, *(r["name"] for r in book.cover_renditions)}
    assert len(names) == 2
    for name in names:
        assert b"SecretCam" not in read(name)
        assert not Pillow.open(BytesIO(read(name))).getexif()


# Renditions -----------------------------------------------------------------------------------


def test_renditions_at_each_width_in_the_original_format_and_webp(staff_client):
    post_upload(staff_client, upload(image_bytes("JPEG", size=(2000, 1000)), "w.jpg", "image/jpeg"))
    image = Image.objects.get()
    assert (image.width, image.height) == (2000, 1000)
    made = [(r["width"], r["height"], r["format"]) for r in image.renditions]
    assert made == [
        (480, 240, "jpeg"),
        (480, 240, "webp"),
        (960, 480, "jpeg"),
        (960, 480, "webp"),
        (1600, 800, "jpeg"),
        (1600, 800, "webp"),
    ]
    for rendition in image.renditions:
        stored = Pillow.open(BytesIO(read(rendition["name"])))
        assert stored.size == (rendition["width"], rendition["height"])
        assert stored.format == rendition["format"].upper()
    assert image.file.name not in {r["name"] for r in image.renditions}  # 2000px is too big


def test_renditions_are_never_upscaled(staff_client):
    post_upload(staff_client, upload(image_bytes("PNG", size=(700, 350))))
    image = Image.objects.get()
    made = [(r["width"], r["format"]) for r in image.renditions]
    assert made == [(480, "png"), (480, "webp"), (700, "png"), (700, "webp")]
    # The original stands for its own width rather than a copy of it.
    assert image.renditions[2]["name"] == image.file.name


def test_still_gifs_get_png_renditions(staff_client):
    post_upload(staff_client, upload(image_bytes("GIF", size=(600, 300)), "g.gif", "image/gif"))
    image = Image.objects.get()
    assert image.format == "gif"
    assert {r["format"] for r in image.renditions} == {"png", "webp"}


def test_animated_gifs_stay_animated_without_renditions(staff_client):
    frames = [Pillow.new("RGB", (80, 60), color) for color in ("red", "lime", "blue")]
    out = BytesIO()
    frames[0].save(
        out,
        "GIF",
        save_all=True,
        append_images=frames[1:],
        duration=[100, 200, 300],
        loop=0,
        comment=b"SecretComment",
    )
    response = post_upload(staff_client, upload(out.getvalue(), "anim.gif", "image/gif"))
    assert response.status_code == 200
    image = Image.objects.get()
    assert image.renditions == []
    content = read(image.file.name)
    assert b"SecretComment" not in content
    stored = Pillow.open(BytesIO(content))
    assert stored.n_frames == 3
    durations = []
    for index in range(3):
        stored.seek(index)
        durations.append(stored.info["duration"])
    assert durations == [100, 200, 300]
    html = render_markdown(f"![Dancing]({image.file.url})")
    assert "<picture>" not in html
    assert f'<img src="{image.file.url}" width="80" height="60" alt="Dancing"' in html


def test_an_animation_is_counted_by_all_its_frames(staff_client, settings):
    settings.IMAGE_UPLOAD_MAX_PIXELS = 10_000
    frames = [Pillow.new("RGB", (80, 60), color) for color in ("red", "lime", "blue")]
    out = BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    response = post_upload(staff_client, upload(out.getvalue(), "anim.gif", "image/gif"))
    assert response.json()["image"] == [
        "This animation has more than 0.01 million pixels across its frames."
    ]


# Markup in rendered posts -----------------------------------------------------------------------


@pytest.fixture
def wide_image(request):
    """A library image with alt text, 1000 px wide: renditions at 480, 960 and 1000 px.
    A test that needs every width asks for 2000 px (parametrize with indirect=True): an
    image that size takes three times as long to make."""
    width = getattr(request, "param", 1000)
    data = image_bytes("JPEG", size=(width, width // 2))
    image = Image(file=upload(data, "wide.jpg", "image/jpeg"))
    image.alt = "A wide view"
    image.save()
    return image


def url_of(image, width, fmt):
    (name,) = [r["name"] for r in image.renditions if (r["width"], r["format"]) == (width, fmt)]
    return default_storage.url(name)


def test_the_site_runs_the_image_postprocessor():
    from site_cms.settings import base

    assert "images.postprocess.responsive_images" in getattr(base, "MARKDOWN_POSTPROCESSORS", []), (
        "add MARKDOWN_POSTPROCESSORS to site_cms/settings/base.py, or posts get no srcset"
    )


@pytest.mark.parametrize("wide_image", [2000], indirect=True)
def test_a_saved_post_serves_its_images_with_srcset(client, wide_image):
    essay = EssayFactory(body=f"Look.\n\n![A cat on a wall]({wide_image.file.url})\n\nNice.")
    webp = ", ".join(f"{url_of(wide_image, w, 'webp')} {w}w" for w in (480, 960, 1600))
    jpeg = ", ".join(f"{url_of(wide_image, w, 'jpeg')} {w}w" for w in (480, 960, 1600))
    sizes = "(min-width: 42rem) 39.5rem, calc(100vw - 2.5rem)"
    expected = (
        f'<p><picture><source type="image/webp" srcset="{webp}" sizes="{sizes}">'
        f'<img src="{url_of(wide_image, 1600, "jpeg")}" srcset="{jpeg}" sizes="{sizes}" '
        'width="1600" height="800" alt="A cat on a wall" loading="lazy" decoding="async">'
        "</picture></p>"
    )
    assert expected in essay.body_html
    assert expected in client.get(essay.get_absolute_url()).content.decode()


def test_images_are_looked_up_in_one_query_per_render(wide_image, django_assert_num_queries):
    others = [Image(file=upload(image_bytes(), f"o{n}.png")) for n in range(2)]
    for image in others:
        image.decorative = True
        image.save()
    text = (
        "\n\n".join(f"![]({image.file.url})" for image in [wide_image, *others])
        + "\n\n![Elsewhere](https://example.com/x.png)"
    )
    with django_assert_num_queries(1):
        html = render_markdown(text)
    assert html.count("<picture>") == 3
    with django_assert_num_queries(0):
        render_markdown("No pictures here.")


def test_alt_text_comes_from_markdown_then_library_and_decorative_is_empty(wide_image):
    ornament = Image(file=upload(image_bytes(), "ornament.png"), decorative=True)
    ornament.save()
    html = render_markdown(
        f"![]({wide_image.file.url})\n\n![Says more]({wide_image.file.url})\n\n"
        f"![]({ornament.file.url})\n\n![](https://example.com/x.png)"
    )
    alts = re.findall(r'<img [^>]*?alt="([^"]*)"', html)
    assert alts == ["A wide view", "Says more", "", ""]
    assert '<img src="https://example.com/x.png" alt="">' in html  # not ours: untouched


def test_alt_text_is_escaped_in_the_markup(wide_image):
    html = render_markdown(f'<img src="{wide_image.file.url}" alt="&quot;&gt; onerror=alert(1)">')
    assert "onerror=alert(1)" in html
    assert '" onerror' not in html and 'alt="&quot;&gt; onerror=alert(1)"' in html


def test_the_sanitiser_keeps_the_responsive_markup(wide_image):
    html = render_markdown(f"![A view]({wide_image.file.url})")
    assert sanitize_html(html) == html


# Alt text: the library, book covers, and the publish gate's check ------------------------------


def test_the_library_requires_alt_text_unless_decorative(staff_client):
    add = reverse("admin:images_image_add")
    missing = staff_client.post(add, {"file": upload(image_bytes()), "alt": ""})
    assert missing.status_code == 200
    assert missing.context["adminform"].form.errors["alt"] == [
        "Describe the image for readers who cannot see it, or mark it as decorative."
    ]
    decorative = staff_client.post(add, {"file": upload(image_bytes()), "decorative": "on"})
    assert decorative.status_code == 302
    described = staff_client.post(add, {"file": upload(image_bytes()), "alt": "A square"})
    assert described.status_code == 302
    assert Image.objects.count() == 2
    changelist = staff_client.get(reverse("admin:images_image_changelist"))
    assert changelist.status_code == 200
    image = Image.objects.get(alt="A square")
    change = staff_client.get(reverse("admin:images_image_change", args=[image.pk]))
    assert f"![]({image.file.url})" in change.content.decode()


def test_the_library_refuses_an_svg_with_the_message(staff_client):
    response = staff_client.post(
        reverse("admin:images_image_add"), {"file": upload(SVG, "x.png"), "alt": "X"}
    )
    assert response.context["adminform"].form.errors["file"] == [FORMAT_MESSAGE]


def test_a_book_cover_needs_alt_text_unless_decorative(staff_client):
    add = reverse("admin:books_book_add")
    cover = image_bytes("JPEG", size=(600, 900))
    response = staff_client.post(add, book_form(cover=upload(cover, "c.jpg", "image/jpeg")))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["cover_alt"] == [
        "Describe the cover for readers who cannot see it, or tick “the cover is decorative”."
    ]
    assert not Book.objects.exists()
    response = staff_client.post(
        add, book_form(cover=upload(cover, "c.jpg", "image/jpeg"), cover_decorative="on")
    )
    assert response.status_code == 302
    book = Book.objects.get()
    assert [r["width"] for r in book.cover_renditions] == [480, 480, 600, 600]
    assert 'alt=""' in staff_client.get(book.get_absolute_url()).content.decode()
    change = staff_client.get(reverse("admin:books_book_change", args=[book.pk]))
    assert change.status_code == 200 and book.cover.name in change.content.decode()


def test_a_book_without_a_cover_needs_no_alt_text(staff_client):
    response = staff_client.post(reverse("admin:books_book_add"), book_form())
    assert response.status_code == 302


def test_a_book_cover_must_be_a_real_image(staff_client):
    response = staff_client.post(
        reverse("admin:books_book_add"),
        book_form(cover=upload(SVG, "cover.png"), cover_alt="The cover"),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["cover"] == [FORMAT_MESSAGE]


def test_the_book_page_and_the_landing_hero_serve_the_cover_renditions(client):
    book = BookFactory(
        cover=upload(image_bytes("JPEG", size=(1200, 1800)), "cover.jpg", "image/jpeg"),
        cover_alt="A red cover",
        home_hero=True,
    )
    webp = ", ".join(
        f"{default_storage.url(r['name'])} {r['width']}w"
        for r in book.cover_renditions
        if r["format"] == "webp"
    )
    assert [r["width"] for r in book.cover_renditions if r["format"] == "webp"] == [480, 960, 1200]
    for url in (book.get_absolute_url(), reverse("home")):
        html = client.get(url).content.decode()
        assert f'<source type="image/webp" srcset="{webp}" sizes="14rem">' in html, url
        assert 'width="1200" height="1800" alt="A red cover" class="cover" loading="eager"' in html


def test_images_missing_alt_lists_what_readers_would_get_without_alt(wide_image):
    ornament = Image(file=upload(image_bytes(), "ornament.png"), decorative=True)
    ornament.save()
    bare = Image(file=upload(image_bytes(), "bare.png"))
    bare.save()
    text = "\n\n".join(
        [
            "![](https://example.com/no-alt.png)",
            "![Described](https://example.com/alt.png)",
            f"![]({wide_image.file.url})",  # the library has its alt text
            f"![]({ornament.file.url})",  # decorative
            f"![  ]({bare.file.url})",  # neither
            f"![]({bare.file.url})",  # listed once
            '<img src="https://example.com/raw.png">',
            '<img src="https://example.com/raw-alt.png" alt="Fine">',
            "    ![](https://example.com/in-a-code-sample.png)",
            "`![](https://example.com/inline-code.png)`",
        ]
    )
    # The check reads rendered HTML before the post-processors: what the author wrote.
    assert images_missing_alt(markdown_html(text)) == [
        "https://example.com/no-alt.png",
        bare.file.url,
        "https://example.com/raw.png",
    ]
    assert images_missing_alt("") == []


@pytest.mark.django_db
def test_uploading_needs_the_right_to_add_images(client, django_user_model):
    from django.urls import reverse

    clerk = django_user_model.objects.create_user("clerk", password="pw", is_staff=True)
    client.force_login(clerk)
    response = client.post(reverse("markdownx_upload"), {})
    assert response.status_code == 403
    assert response.json()["image"] == ["You may not upload images."]
