"""The book pages' head: their <title> and description come from the view's ``meta``
(``includes/head_meta.html``), the only place the head is printed."""

import html5lib
import pytest
from django.urls import reverse

from .factories import BookFactory

pytestmark = pytest.mark.django_db


def head(response):
    """The page's <title> and meta description."""
    assert response.status_code == 200
    document = html5lib.parse(response.content, namespaceHTMLElements=False)
    title = document.find("head/title").text
    (description,) = [
        meta.get("content")
        for meta in document.iterfind("head/meta")
        if meta.get("name") == "description"
    ]
    return title, description


def test_a_book_page_is_titled_and_described_by_its_book(client):
    book = BookFactory(title="The Work of Being", description="Judgment at work.")
    assert head(client.get(book.get_absolute_url())) == (
        "The Work of Being | Paul Welty, PhD",
        "Judgment at work.",
    )


def test_a_book_without_a_description_is_described_by_its_subtitle(client):
    book = BookFactory(title="Unfinished", subtitle="Notes on craft", description="")
    assert head(client.get(book.get_absolute_url())) == (
        "Unfinished | Paul Welty, PhD",
        "Notes on craft",
    )


def test_the_books_page_is_titled_books(client):
    BookFactory(description="Not the page's description.")
    assert head(client.get(reverse("books:list"))) == (
        "Books | Paul Welty, PhD",
        "Books by Paul Welty.",
    )
