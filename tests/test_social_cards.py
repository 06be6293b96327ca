"""Social cards: every page has an og:image with its size and alt text; a post's card is its
own image, or one drawn once (Pillow), named after what it shows, and drawn again when that
changes."""

import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from core import cards
from core.models import SiteSettings
from essays.meta import card_key

from .factories import ArticleAnalysisFactory, DevReflectionFactory, EssayFactory
from .public import html_urls

pytestmark = pytest.mark.django_db


def og(html, name):
    found = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)"', html)
    return found and found[1]


def card_names(post):
    _dirs, files = default_storage.listdir(cards.FOLDER)
    return sorted(name for name in files if name.startswith(f"{card_key(post)}-"))


def test_every_public_page_has_a_large_card_with_its_size_and_alt(client):
    SiteSettings.objects.create(author_name="Ada Author", credential="")
    EssayFactory()
    ArticleAnalysisFactory()
    DevReflectionFactory(audio_url="https://cdn.example.com/a.mp3")
    for url in html_urls():
        html = client.get(url).content.decode()
        image = og(html, "og:image")
        assert image and image.startswith("http://testserver/"), url
        assert og(html, "og:image:width") and og(html, "og:image:height"), url
        assert og(html, "og:image:alt"), url
        assert og(html, "twitter:card") == "summary_large_image", url


def test_a_posts_card_is_drawn_once_with_its_title_and_is_a_1200_by_630_png(client):
    SiteSettings.objects.create(author_name="Ada Author", credential="")
    post = DevReflectionFactory(title="Shipping on Fridays")
    html = client.get(post.get_absolute_url()).content.decode()
    url = og(html, "og:image")
    assert (og(html, "og:image:width"), og(html, "og:image:height")) == ("1200", "630")
    alt = og(html, "og:image:alt")
    assert alt.startswith("Dev reflection · ") and alt.endswith(": Shipping on Fridays")
    [name] = card_names(post)
    assert url == f"http://testserver/media/{cards.FOLDER}/{name}"
    with default_storage.open(f"{cards.FOLDER}/{name}") as stored, Image.open(stored) as image:
        assert (image.format, image.size) == ("PNG", (1200, 630))

    client.get(post.get_absolute_url())
    assert card_names(post) == [name], "drawn once"


def test_a_new_title_draws_a_new_card_and_removes_the_old(client):
    post = EssayFactory(title="First title")
    first = og(client.get(post.get_absolute_url()).content.decode(), "og:image")
    post.title = "Second title"
    post.save()
    second = og(client.get(post.get_absolute_url()).content.decode(), "og:image")
    assert first != second
    assert len(card_names(post)) == 1 and second.endswith(card_names(post)[0])


def test_the_card_costs_no_query(client):
    post = EssayFactory()
    client.get(post.get_absolute_url())  # drawn
    with CaptureQueriesContext(connection) as with_card:
        client.get(post.get_absolute_url())
    cards._known.clear()  # a new process: one storage check, still no query
    with CaptureQueriesContext(connection) as fresh:
        client.get(post.get_absolute_url())
    assert len(fresh) == len(with_card)


def test_a_posts_own_card_image_comes_first(client):
    out = io.BytesIO()
    Image.new("RGB", (1200, 600), "red").save(out, "PNG")
    post = EssayFactory(title="Pictured")
    post.card_image = SimpleUploadedFile("own.png", out.getvalue())
    post.card_image_alt = "A red field"
    post.save()
    html = client.get(post.get_absolute_url()).content.decode()
    assert og(html, "og:image") == f"http://testserver{post.card_image.url}"
    assert (og(html, "og:image:width"), og(html, "og:image:height")) == ("1200", "600")
    assert og(html, "og:image:alt") == "A red field"
    assert '"image": "http://testserver' in html  # the JSON-LD too


def test_pages_without_a_picture_share_the_sites_card(client):
    SiteSettings.objects.create(author_name="Ada Author", credential="", tagline="Notes")
    home = client.get("/").content.decode()
    blog = client.get("/blog/").content.decode()
    assert og(home, "og:image") == og(blog, "og:image")
    assert og(home, "og:image:alt") == "Ada Author"


def test_a_title_with_markup_is_drawn_as_text():
    png = cards.draw('<script>alert("x")</script> & a very long title ' * 8, "Essay", "Site")
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (cards.WIDTH, cards.HEIGHT)


def test_a_card_that_cannot_be_stored_never_fails_the_page(client, monkeypatch):
    post = EssayFactory(title="Unlucky")

    def full_disk(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(default_storage, "save", full_disk)
    monkeypatch.setattr(cards, "_known", set())
    assert client.get(post.get_absolute_url()).status_code == 200
    assert client.get("/").status_code == 200


def test_an_old_card_goes_but_a_copy_being_stored_meanwhile_stays(monkeypatch):
    names = ["cards/post-7-0123456789abcdef.png", "cards/post-7-fedcba9876543210_x7Yz9Ab.png"]
    deleted = []
    monkeypatch.setattr(default_storage, "listdir", lambda folder: ([], [n[6:] for n in names]))
    monkeypatch.setattr(default_storage, "delete", deleted.append)
    cards._remove_old("post-7", keep="cards/post-7-aaaaaaaaaaaaaaaa.png")
    assert deleted == ["cards/post-7-0123456789abcdef.png"]
