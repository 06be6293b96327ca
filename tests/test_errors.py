"""Error pages: friendly, in the site's design, and never a 500 for bad input."""

import html5lib
import pytest
from django.test import RequestFactory
from django.views.defaults import server_error


def test_the_500_page_is_friendly_and_needs_no_database():
    # No django_db mark: pytest-django makes any database access here an error.
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    html5lib.HTMLParser(strict=True).parse(html)
    assert "Something went wrong" in html and "Skip to main content" in html
    assert "/static/css/site.css" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/tags/%00/",
        "/%E2%82%AC/",
        "/books/no-such-book/",
        "/essays/page/0/",
        "/tags/no-such-tag/index.xml",
        "/search/?page=zz&q=x",
        "/a..b/",
    ],
)
def test_malformed_or_unknown_addresses_are_friendly_404s(client, url):
    response = client.get(url)
    assert response.status_code == 404
