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


def test_a_new_title_draws_a_new_card_and_keeps_the_old(client):
    post = EssayFactory(title="First title")
    first = og(client.get(post.get_absolute_url()).content.decode(), "og:image")
    post.title = "Second title"
    post.save()
    second = og(client.get(post.get_absolute_url()).content.decode(), "og:image")
    assert first != second
    # The old one stays, for whoever shared or cached the page with it.
    names = card_names(post)
    assert len(names) == 2
    assert {url.rsplit("/", 1)[1] for url in (first, second)} == set(names)


def test_a_title_changed_back_in_another_process_names_a_card_that_exists(client):
    """Two processes (each its own memory of cards): one draws the first title's card, the
    other the second's, then the title is the first again."""
    post = EssayFactory(title="First title")
    first = og(client.get(post.get_absolute_url()).content.decode(), "og:image")
    remembered = set(cards._known)  # the first process's memory
    cards._known.clear()  # the second process
    post.title = "Second title"
    post.save()
    client.get(post.get_absolute_url())
    cards._known.clear()
    cards._known.update(remembered)  # the first process again
    post.title = "First title"
    post.save()
    again = og(client.get(post.get_absolute_url()).content.decode(), "og:image")
    assert again == first
    assert any(again.endswith(name) for name in card_names(post))


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


def test_every_line_of_a_title_fits_the_card_even_one_long_word():
    font = cards._font(72, bold=True)
    width = cards.WIDTH - 2 * cards.MARGIN
    lines = cards._wrap("Notes on " + "supercalifragilistic" * 6 + " and more", font, width)
    assert len(lines) > 2
    assert all(font.getlength(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == ("Noteson" + "supercalifragilistic" * 6 + "andmore")


def test_a_card_that_cannot_be_stored_never_fails_the_page(client, monkeypatch):
    post = EssayFactory(title="Unlucky")

    def full_disk(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(default_storage, "save", full_disk)
    monkeypatch.setattr(cards, "_known", set())
    assert client.get(post.get_absolute_url()).status_code == 200
    assert client.get("/").status_code == 200
