"""The Content Security Policy, Permissions-Policy and Cross-Origin-Resource-Policy of each
kind of response, and the page cache's pages keeping a policy that fits their body.

tests/test_observatory.py scores the same headers as a real gunicorn sends them.
"""

import re
from html.parser import HTMLParser

import pytest
from django.core.cache import caches
from django.test import override_settings

from core import page_cache, security_headers
from tests.observatory import parse_csp

from .factories import ArticleAnalysisFactory, BookFactory, EssayFactory, TagFactory

pytestmark = pytest.mark.django_db


class _Inline(HTMLParser):
    """Every <script> and <style> element, and every style or on* attribute."""

    def __init__(self):
        super().__init__()
        self.scripts, self.styles, self.attributes = [], [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            self.scripts.append(attributes)
        if tag == "style":
            self.styles.append(attributes)
        self.attributes += [name for name in attributes if name == "style" or name.startswith("on")]


def _inline(html):
    parser = _Inline()
    parser.feed(html)
    return parser


@pytest.fixture
def public_urls():
    essay = EssayFactory(title="An essay", tags=[TagFactory(name="security")])
    analysis = ArticleAnalysisFactory()
    book = BookFactory()
    return [
        "/",
        "/writing/",
        "/blog/",
        "/tags/",
        "/tags/security/",
        "/books/",
        book.get_absolute_url(),
        essay.get_absolute_url(),
        analysis.get_absolute_url(),
        "/search/?q=essay",
        "/podcast/",
        "/no-such-page/",
    ]


def test_readers_pages_run_no_script_and_need_no_exception(client, public_urls):
    for url in public_urls:
        response = client.get(url)
        policy = parse_csp(response["Content-Security-Policy"])
        assert policy["default-src"] == ["'none'"], url
        assert "script-src" not in policy, url  # default-src 'none': no script at all
        assert policy["style-src"] == ["'self'"], url
        assert policy["frame-ancestors"] == ["'none'"] and policy["base-uri"] == ["'none'"]
        assert "unsafe" not in response["Content-Security-Policy"], url
        assert "nonce-" not in response["Content-Security-Policy"], url
        found = _inline(response.text)
        # JSON-LD is a data block, which browsers never run; nothing else is inline.
        assert all(script.get("type") == "application/ld+json" for script in found.scripts), url
        assert not any(script.get("src") for script in found.scripts), url
        assert not found.styles and not found.attributes, (url, found.attributes)
        assert "nonce" not in response.text, url


def test_structured_data_is_there_under_the_policy(client):
    post = EssayFactory(title="Structured")
    html = client.get(post.get_absolute_url()).text
    assert re.search(r'<script type="application/ld\+json">\{.*"BlogPosting"', html)


def test_feeds_and_the_sitemap_get_the_policy_too(client):
    EssayFactory()
    for url in ["/index.xml", "/sitemap.xml", "/robots.txt"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert parse_csp(response["Content-Security-Policy"])["default-src"] == ["'none'"]
        assert response["Cross-Origin-Resource-Policy"] == "same-origin"


def test_the_admin_runs_its_own_scripts_only(admin_client):
    for url in ["/admin/", "/admin/essays/essay/add/", "/admin/essays/writing/calendar/"]:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        policy = parse_csp(response["Content-Security-Policy"])
        assert policy["default-src"] == ["'none'"], url
        assert policy["script-src"][0] == "'self'", url
        assert all(
            source == "'self'" or source.startswith(("'nonce-", "'sha256-"))
            for source in policy["script-src"] + policy["style-src"]
        ), (url, policy)
        assert policy["connect-src"] == ["'self'"], url  # the editor's preview and uploads
        found = _inline(response.text)
        # Django's admin has no inline script; any there is would need the nonce.
        assert all(s.get("src") or s.get("nonce") for s in found.scripts), (url, found.scripts)


def test_the_admin_templates_styles_are_allowed_by_their_hashes(admin_client):
    hashes = security_headers.admin_style_hashes()
    login = admin_client.get("/admin/")
    header = login["Content-Security-Policy"]
    assert all(digest in header for digest in hashes)
    # Each hash is that of a <style> block of templates/admin/ as written.
    assert len(hashes) == sum(
        len(re.findall(r"<style>", path.read_text()))
        for path in (security_headers.settings.BASE_DIR / "templates" / "admin").rglob("*.html")
    )


def test_permissions_policy_denies_what_a_blog_never_uses(client):
    header = client.get("/")["Permissions-Policy"]
    for feature in ["camera", "microphone", "geolocation", "payment", "usb"]:
        assert f"{feature}=()" in header


def test_uploaded_files_may_be_shown_by_other_sites_and_nothing_else(client):
    assert client.get("/")["Cross-Origin-Resource-Policy"] == "same-origin"
    assert client.get("/admin/login/")["Cross-Origin-Resource-Policy"] == "same-origin"
    # Feed readers and podcast apps show a post's images and play its audio elsewhere.
    assert security_headers.corp_value("/media/images/a.jpg") == "cross-origin"
    assert security_headers.corp_value("/mediasomething/") == "same-origin"


@override_settings(PAGE_CACHE_ENABLED=True)
def test_a_cached_page_has_the_same_policy_as_when_it_was_made(client):
    caches[page_cache.ALIAS].clear()
    page_cache._Outage.until = 0.0
    post = EssayFactory(title="Cached")
    first = client.get(post.get_absolute_url())
    again = client.get(post.get_absolute_url())
    assert (first["X-Cache"], again["X-Cache"]) == ("miss", "hit")
    assert again.content == first.content
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert "nonce" not in again["Content-Security-Policy"] and b"nonce" not in again.content


def test_a_host_that_is_not_ours_is_a_400_not_a_500(client):
    """The 400 page used to read the host again (its canonical link) and fail with a 500."""
    response = client.get("/", HTTP_HOST="a b")
    assert response.status_code == 400
    assert "Bad request" in response.text


def test_a_post_without_its_slash_keeps_its_method(client, settings):
    settings.DEBUG = True  # make run: Django raised a RuntimeError here, a 500
    response = client.post("/search?q=x", {"a": "b"})
    assert response.status_code == 308
    assert response["Location"] == "/search/?q=x"
    assert client.get("/search").status_code == 301  # a GET is redirected as before
