"""Uploads that must be refused: each is a clear error on the form (400 JSON for the editor's
endpoint), never a 500, and leaves nothing behind: no row, no stored file, no rendition.

Every hostile file is made here, with Pillow. Then: what large uploads cost is bounded
(JPEG draft mode, the original's size cap, the frame cap; timings in bench/upload_bench.py),
and a body larger than the limit is refused with 413 before it is read.
"""

import socket
import struct
import time
import zlib
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.db.models import Model
from django.urls import reverse
from PIL import ExifTags
from PIL import Image as Pillow

from books.models import Book
from images.models import Image

from .factories import book_form

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
AJAX = {"x-requested-with": "XMLHttpRequest"}
FORMAT = "Only JPEG, PNG, GIF and WebP images can be uploaded."
UNREADABLE = "This image could not be read: the file may be damaged or incomplete."


# Making hostile files ---------------------------------------------------------------------------


def encoded(image, fmt, **options):
    out = BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def noise(size):
    """Pixels JPEG cannot squeeze to nothing: its data runs to the end of the file."""
    return Pillow.effect_noise(size, 60).convert("RGB")


def truncated_jpeg(size=(400, 300)):
    data = encoded(noise(size), "JPEG", quality=90)
    cut = data[: len(data) * 6 // 10]
    with Pillow.open(BytesIO(cut)) as image:  # the header reads well...
        assert image.size == size
        with pytest.raises(OSError, match="truncated"):  # ...the pixels do not
            image.load()
    return cut


def too_tall_png():
    return encoded(Pillow.new("L", (10, 20_000), 200), "PNG")


def bomb_png(side=30_000):
    """A 1x1 PNG whose header claims ``side`` x ``side``: a decompression bomb's shape."""
    data = bytearray(encoded(Pillow.new("RGB", (1, 1)), "PNG"))
    data[16:24] = struct.pack(">II", side, side)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def many_frames_gif(frames=2_000):
    images = []
    for index in range(frames):
        frame = Pillow.new("RGB", (4, 4), "white")
        frame.putpixel((index % 4, index // 4 % 4), (0, 0, 0))
        images.append(frame)
    data = encoded(images[0], "GIF", save_all=True, append_images=images[1:])
    assert Pillow.open(BytesIO(data)).n_frames == frames
    return data


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML_AS_JPEG = b"<!doctype html><script>alert(document.cookie)</script>" * 20

# name, bytes, what the author reads on the form.
HOSTILE = {
    "truncated-jpeg": ("cut.jpg", truncated_jpeg, UNREADABLE),
    "10x20000-png": (
        "tall.png",
        too_tall_png,
        "This image is 10 × 20000 pixels: no side may be longer than 16,383.",
    ),
    "decompression-bomb": ("bomb.png", bomb_png, "This image has more than 40 million pixels."),
    "2000-frame-gif": ("many.gif", many_frames_gif, "This animation has more than 300 frames."),
    "html-named-jpg": ("photo.jpg", lambda: HTML_AS_JPEG, FORMAT),
    "zero-bytes": ("empty.png", lambda: b"", "The submitted file is empty."),
    "svg": ("drawing.svg", lambda: SVG, FORMAT),
}
CASES = pytest.mark.parametrize("case", sorted(HOSTILE))


@pytest.fixture(scope="module")
def hostile():
    """{case: (name, bytes, message)}: each file made once."""
    return {case: (name, build(), message) for case, (name, build, message) in HOSTILE.items()}


def upload(name, data):
    return SimpleUploadedFile(name, data, "application/octet-stream")


def stored_files(folder=""):
    """Every file in storage (the test profile's is in memory, shared by the session)."""
    folders, files = default_storage.listdir(folder)
    found = {f"{folder}{name}" for name in files}
    for sub in folders:
        found |= stored_files(f"{folder}{sub}/")
    return found


@pytest.fixture
def nothing_left_behind():
    """Fails the test if it leaves a row or a file: what it refused must not be half-saved."""
    before = stored_files()
    yield
    assert not Image.objects.exists()
    assert not Book.objects.exists()
    assert stored_files() == before


# Refused on every surface, with the reason ------------------------------------------------------


@CASES
def test_the_library_form_refuses_it(staff_client, hostile, nothing_left_behind, case):
    name, data, message = hostile[case]
    response = staff_client.post(
        reverse("admin:images_image_add"), {"file": upload(name, data), "alt": "An image"}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["file"] == [message]


@CASES
def test_the_editor_endpoint_refuses_it_with_400(staff_client, hostile, nothing_left_behind, case):
    name, data, message = hostile[case]
    response = staff_client.post(
        reverse("markdownx_upload"), {"image": upload(name, data)}, headers=AJAX
    )
    assert response.status_code == 400
    assert response.json() == {
        "image": [message],
        "image_code": f"[Not uploaded: {name}. {message}]",
    }


@CASES
def test_the_book_cover_form_refuses_it(staff_client, hostile, nothing_left_behind, case):
    name, data, message = hostile[case]
    response = staff_client.post(
        reverse("admin:books_book_add"), book_form(cover=upload(name, data), cover_alt="A cover")
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["cover"] == [message]


@CASES
def test_the_orm_refuses_it_too(hostile, nothing_left_behind, case):
    name, data, message = hostile[case]
    if case == "zero-bytes":
        message = "This file is empty."  # the model's own words; the form's are Django's
    with pytest.raises(ValidationError) as image_error:
        Image(file=upload(name, data), alt="An image").save()
    with pytest.raises(ValidationError) as book_error:
        Book(title="A Book", slug="a-book", cover=upload(name, data), cover_alt="A").save()
    assert image_error.value.messages == book_error.value.messages == [message]


def test_a_truncated_jpeg_is_refused_when_decoded_scaled_down_too(staff_client, settings):
    """A JPEG past the original's size cap is decoded at 1/2 (draft): still every byte read."""
    settings.IMAGE_ORIGINAL_MAX_SIDE = 150
    response = staff_client.post(
        reverse("markdownx_upload"), {"image": upload("cut.jpg", truncated_jpeg())}, headers=AJAX
    )
    assert response.json()["image"] == [UNREADABLE]
    assert not Image.objects.exists()


def test_a_png_named_jpg_is_stored_as_the_png_it_is(staff_client):
    png = encoded(Pillow.new("RGB", (64, 48), "teal"), "PNG")
    response = staff_client.post(
        reverse("markdownx_upload"), {"image": upload("photo.jpg", png)}, headers=AJAX
    )
    assert response.status_code == 200
    image = Image.objects.get()
    assert (image.format, image.file.name.rsplit("/", 1)[-1]) == ("png", "photo.png")


def test_a_row_that_cannot_be_saved_takes_its_files_with_it(monkeypatch):
    before = stored_files()

    def fail(*args, **kwargs):
        raise IntegrityError("the database said no")

    monkeypatch.setattr(Model, "save_base", fail)
    data = encoded(Pillow.new("RGB", (600, 300), "teal"), "JPEG")
    with pytest.raises(IntegrityError):
        Image(file=upload("a.jpg", data), alt="A").save()
    with pytest.raises(IntegrityError):
        Book(title="B", slug="b", cover=upload("c.jpg", data), cover_alt="C").save()
    assert stored_files() == before


# What accepted uploads cost: decoded once, bounded ---------------------------------------------


def test_the_form_decodes_the_upload_once_and_the_save_only_stores(staff_client, monkeypatch):
    from images import processing

    calls = []
    real = processing.decoded
    monkeypatch.setattr(processing, "decoded", lambda source: calls.append(1) or real(source))
    data = encoded(Pillow.new("RGB", (900, 600), "teal"), "JPEG")
    response = staff_client.post(
        reverse("markdownx_upload"), {"image": upload("a.jpg", data)}, headers=AJAX
    )
    assert response.status_code == 200
    assert len(calls) == 1


def test_a_large_original_is_stored_scaled_to_the_cap_and_upright(settings):
    settings.IMAGE_ORIGINAL_MAX_SIDE = 1000
    photo = Pillow.new("RGB", (2400, 1600), "red")
    photo.paste((0, 0, 255), (1200, 0, 2400, 1600))
    exif = Pillow.Exif()
    exif[ExifTags.Base.Orientation] = 6  # turn 90° clockwise
    image = Image(file=upload("big.jpg", encoded(photo, "JPEG", exif=exif)), alt="A")
    image.save()
    assert (image.width, image.height) == (667, 1000)  # turned, then scaled to fit 1000
    with default_storage.open(image.file.name) as stored:
        original = Pillow.open(BytesIO(stored.read()))
        assert original.size == (667, 1000) and not original.getexif()
        top, bottom = original.getpixel((333, 100)), original.getpixel((333, 900))
        assert top[0] > 200 and bottom[2] > 200  # red on top: turned as the EXIF said
    assert [r["width"] for r in image.renditions] == [480, 480, 667, 667]


def test_the_cap_can_be_lifted(settings):
    settings.IMAGE_ORIGINAL_MAX_SIDE = None
    data = encoded(Pillow.new("RGB", (3200, 200), "teal"), "PNG")
    image = Image(file=upload("wide.png", data), alt="A")
    image.save()
    assert (image.width, image.height) == (3200, 200)


def test_the_frame_cap_is_a_setting(staff_client, settings):
    settings.IMAGE_UPLOAD_MAX_FRAMES = 10
    frames = [Pillow.new("RGB", (8, 8), (index * 20, 0, 0)) for index in range(11)]
    data = encoded(frames[0], "GIF", save_all=True, append_images=frames[1:])
    response = staff_client.post(
        reverse("markdownx_upload"), {"image": upload("a.gif", data)}, headers=AJAX
    )
    assert response.json()["image"] == ["This animation has more than 10 frames."]


# A body over the limit: 413 before it is read ---------------------------------------------------


class Unread:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def announcing(client, path, length, **extra):
    return client.generic(
        "POST",
        path,
        b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": Unread()},
        **extra,
    )


def test_an_upload_over_the_limit_is_refused_before_it_is_read(staff_client):
    response = announcing(staff_client, reverse("markdownx_upload"), 100 * MB, headers=AJAX)
    assert response.status_code == 413
    message = "This request is larger than 12 MB, the most this address accepts."
    # What markdownx's script puts in the editor, where the image would have gone.
    assert response.json() == {"image": [message], "image_code": f"[{message}]"}
    admin = announcing(staff_client, reverse("admin:images_image_add"), 12 * MB + 1)
    assert admin.status_code == 413
    assert admin.content.decode() == message


def test_the_public_site_takes_far_less(client, settings):
    response = announcing(client, reverse("search:results"), MB + 1)
    assert response.status_code == 413
    assert "larger than 1 MB" in response.content.decode()
    settings.REQUEST_MAX_BYTES = 2 * MB
    assert announcing(client, reverse("search:results"), MB + 1).status_code != 413


def test_an_upload_within_the_limit_goes_through(staff_client):
    data = encoded(noise((1400, 1000)), "PNG")
    assert len(data) > 3 * MB  # over the public limit, under the upload one
    response = staff_client.post(
        reverse("markdownx_upload"), {"image": upload("n.png", data)}, headers=AJAX
    )
    assert response.status_code == 200


def test_a_chunked_body_without_length_is_refused(staff_client):
    response = staff_client.generic(
        "POST",
        reverse("markdownx_upload"),
        b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": Unread()},
    )
    assert response.status_code == 411


def test_gunicorn_answers_413_without_waiting_for_the_body(production_site):
    """Headers announce 100 MB, a few KB follow, and the client waits: gunicorn answers now."""
    host, port = production_site.base_url().removeprefix("http://").split(":")
    head = (
        "POST /markdownx/upload/ HTTP/1.1\r\n"
        f"Host: {host}\r\n"
        "X-Forwarded-Proto: https\r\n"
        "X-Requested-With: XMLHttpRequest\r\n"
        "Content-Type: multipart/form-data; boundary=xyz\r\n"
        f"Content-Length: {100 * MB}\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        start = time.monotonic()
        sock.sendall(head.encode() + b"--xyz\r\n" + b"x" * 4096)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
        elapsed = time.monotonic() - start
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert elapsed < 2, elapsed
