"""The site settings' admin form: the author can fill in what the podcast feed needs."""

import xml.etree.ElementTree as ET
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as Pillow

from core.models import SiteSettings
from essays.feeds import ITUNES_NS

pytestmark = pytest.mark.django_db

URL = reverse("admin:core_sitesettings_change", args=[1])


def itunes(name):
    return f"{{{ITUNES_NS}}}{name}"


def artwork(fmt="PNG", name="artwork.png"):
    out = BytesIO()
    Pillow.new("RGB", (1400, 1400), "teal").save(out, fmt)
    return SimpleUploadedFile(name, out.getvalue(), f"image/{fmt.lower()}")


def form(**data):
    """The change form filled in as the author would; ``data`` adds or overrides fields."""
    return {
        "author_name": "Ada Author",
        "podcast_title": "Ada Speaks",
        "podcast_category": "Technology",
        "featured_count": "3",
        "books_count": "5",
        "recent_count": "3",
        "related_count": "3",
        **data,
    }


def test_the_podcast_fields_are_on_the_change_form(staff_client):
    SiteSettings.objects.create()
    html = staff_client.get(URL).content.decode()
    assert 'name="podcast_artwork"' in html
    assert 'name="podcast_owner_email"' in html


def test_the_author_sets_the_podcast_artwork_and_owner_email_for_the_feed(staff_client):
    SiteSettings.objects.create()
    data = form(podcast_artwork=artwork(), podcast_owner_email="ada@example.com")
    response = staff_client.post(URL, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    site = SiteSettings.load()
    assert site.podcast_owner_email == "ada@example.com"
    assert site.podcast_artwork.name.startswith("podcast/")
    channel = ET.fromstring(staff_client.get("/podcast/index.xml").content).find("channel")
    image = channel.find(itunes("image")).get("href")
    assert image == f"http://testserver{site.podcast_artwork.url}"
    assert channel.find(itunes("owner")).findtext(itunes("email")) == "ada@example.com"


def test_podcast_artwork_must_be_a_real_image(staff_client):
    SiteSettings.objects.create()
    fake = SimpleUploadedFile("artwork.png", b"not an image", "image/png")
    response = staff_client.post(URL, form(podcast_artwork=fake))
    assert response.status_code == 200
    assert "podcast_artwork" in response.context["adminform"].form.errors
    assert not SiteSettings.load().podcast_artwork


def test_podcast_artwork_is_stored_without_its_metadata(staff_client):
    SiteSettings.objects.create()
    exif = Pillow.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x010E] = "Taken at home, 12 Example Street"  # ImageDescription
    out = BytesIO()
    Pillow.new("RGB", (1400, 1400), "teal").save(out, "JPEG", exif=exif)
    upload = SimpleUploadedFile("artwork.jpg", out.getvalue(), "image/jpeg")
    assert Pillow.open(BytesIO(out.getvalue())).getexif()

    assert staff_client.post(URL, form(podcast_artwork=upload)).status_code == 302
    with SiteSettings.load().podcast_artwork.open() as stored:
        image = Pillow.open(stored)
        assert image.size == (1400, 1400)
        assert not image.getexif()


def test_staff_without_the_permission_neither_add_nor_see_the_settings(client, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="pw", is_staff=True)
    client.force_login(user)
    assert client.get("/admin/core/sitesettings/").status_code == 403
    assert client.get("/admin/core/sitesettings/add/").status_code == 403
    assert not SiteSettings.objects.exists()
