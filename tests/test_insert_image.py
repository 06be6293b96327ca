"""The editor's "Insert image" (static/editorial/images.js) and its server side: the
upload stores the library record with the alt text the author gave (or decorative) and
answers the Markdown to write, ``![](url)``, whose empty alt readers get from the
library; the admin's chrome loads it with the live preview, names the site and links the
favicon."""

import json

import pytest
from django.contrib.auth.models import Group
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as Pillow

from core.models import SiteSettings
from images.models import Image

from .test_images import image_bytes

pytestmark = pytest.mark.django_db

AJAX = {"x-requested-with": "XMLHttpRequest"}


def png(name="gulls.png"):
    return SimpleUploadedFile(name, image_bytes(), "image/png")


def test_an_upload_with_alt_text_keeps_it_in_the_library_and_leaves_the_markdowns_empty(
    admin_client,
):
    answer = admin_client.post(
        reverse("markdownx_upload"),
        {"image": png(), "alt": "Gulls over [the] harbour"},
        headers=AJAX,
    )
    assert answer.status_code == 200
    image = Image.objects.get()
    assert (image.alt, image.decorative) == ("Gulls over [the] harbour", False)
    assert json.loads(answer.content) == {"image_code": f"![]({image.file.url})"}


def test_a_decorative_upload_has_empty_alt_in_both(admin_client):
    answer = admin_client.post(
        reverse("markdownx_upload"), {"image": png(), "decorative": "on"}, headers=AJAX
    )
    image = Image.objects.get()
    assert image.decorative and image.alt == ""
    assert json.loads(answer.content)["image_code"] == f"![]({image.file.url})"


def test_a_refused_upload_answers_the_reason_for_the_dialog(admin_client):
    answer = admin_client.post(
        reverse("markdownx_upload"),
        {"image": SimpleUploadedFile("notes.png", b"not an image", "image/png"), "alt": "x"},
        headers=AJAX,
    )
    assert answer.status_code == 400
    assert "Only JPEG, PNG, GIF and WebP" in " ".join(json.loads(answer.content)["image"])
    assert not Image.objects.exists()


def test_the_admin_loads_the_preview_and_insert_image_and_names_the_site(client, django_user_model):
    SiteSettings.objects.create(author_name="Ada Writer")
    editor = django_user_model.objects.create_user("ed", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    client.force_login(editor)
    html = client.get(reverse("admin:essays_essay_add")).content.decode()
    for asset in ("preview.js", "preview.css", "images.js", "images.css", "chrome.css"):
        assert f"/static/editorial/{asset}" in html
        assert finders.find(f"editorial/{asset}")
    assert 'data-site-css="/static/css/site.css"' in html
    assert 'data-markdownx-upload-urls-path="/markdownx/upload/"' in html
    assert 'rel="icon" href="/static/favicon.svg"' in html
    assert ">Ada Writer</a></div>" in html  # the header
    assert "<title>Add essay | Ada Writer</title>" in html


def test_the_login_and_logout_pages_name_the_site_too(client, django_user_model):
    """Django's login and logout views give their templates a "site" of their own."""
    SiteSettings.objects.create(author_name="Ada Writer")
    login = client.get(reverse("admin:login")).content.decode()
    assert "<title>Log in | Ada Writer</title>" in login
    assert ">Ada Writer</a></div>" in login
    client.force_login(django_user_model.objects.create_user("ed", password="pw", is_staff=True))
    logout = client.post(reverse("admin:logout")).content.decode()
    assert "| Ada Writer</title>" in logout and "site_cms" not in logout


def test_the_public_pages_link_the_favicon(client):
    html = client.get(reverse("home")).content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    assert finders.find("favicon.svg")
    assert '<link rel="apple-touch-icon" href="/static/apple-touch-icon.png">' in html


@pytest.mark.parametrize("name", ["favicon.ico", "apple-touch-icon.png"])
def test_icons_asked_for_at_the_root_are_one_permanent_redirect_to_real_images(client, name):
    answer = client.get(f"/{name}")
    assert answer.status_code == 301
    assert answer["Location"] == f"/static/{name}"
    with Pillow.open(finders.find(name)) as icon:
        assert icon.format == ("ICO" if name.endswith(".ico") else "PNG")
        assert icon.size[0] == icon.size[1] >= 48


def test_the_preview_renders_through_the_sites_sanitiser(admin_client):
    answer = admin_client.post(
        reverse("markdownx_markdownify"), {"content": "# Tides\n\n*calm*\n\n<script>x</script>"}
    )
    html = answer.content.decode()
    assert '<h2 id="tides">' in html and "<em>calm</em>" in html and "<script>" not in html
