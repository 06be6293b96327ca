"""The security headers of a real gunicorn with the production settings, scored by the
Mozilla HTTP Observatory's rules (tests/observatory.py): `/`, a post, a feed and the admin
login, each A+ (100 or more). The scores are printed (`pytest -s`) and in any failure.
"""

import http.client
from urllib.parse import urlsplit

import pytest

from tests import observatory
from tests.observatory import Scan, score

PAGES = {
    "home": "/",
    "post": "/busy-is-not-a-state/",
    "feed": "/index.xml",
    "admin login": "/admin/login/",
}


def fetch(base, path, headers=None):
    """(status, headers with lower-cased names, every Set-Cookie line, body)."""
    address = urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        names = {name.lower(): value for name, value in response.getheaders()}
        cookies = [value for name, value in response.getheaders() if name.lower() == "set-cookie"]
        return response.status, names, cookies, body
    finally:
        connection.close()


def scan(base, path):
    origin = "https://evil.example"
    status, headers, cookies, body = fetch(
        base, path, {"X-Forwarded-Proto": "https", "Origin": origin}
    )
    assert status == 200, (path, status)
    plain_status, plain_headers, _, _ = fetch(base, path)
    return Scan(
        url=f"https://{urlsplit(base).hostname}{path}",
        headers=headers,
        cookies=cookies,
        body=body,
        http_status=plain_status,
        http_location=plain_headers.get("location", ""),
        cors_origin_sent=origin,
    )


def test_every_page_scores_an_a_plus(production_site):
    base = production_site.base_url()
    results = {name: score(scan(base, path)) for name, path in PAGES.items()}
    report = "\n".join(f"  {name} ({PAGES[name]}): {result}" for name, result in results.items())
    print(f"\nHTTP Observatory scores:\n{report}")
    assert all(result.score >= 100 for result in results.values()), report
    # What each page has: a strict CSP with default-src 'none', a private referrer
    # policy, framing refused by CSP, and (on the login form) cookies with every flag.
    assert all(
        result.modifiers["content-security-policy: csp-implemented-with-no-unsafe-default-src-none"]
        == 10
        for result in results.values()
    ), report
    assert "cookies: cookies-secure-with-httponly-sessions-and-samesite" in (
        results["admin login"].modifiers
    ), report


# The scorer itself, on headers that should lose points: a scorer that cannot fail a
# page would prove nothing.

HEADERS = {
    "content-security-policy": "default-src 'none'; style-src 'self'; frame-ancestors 'none'",
    "strict-transport-security": "max-age=31536000; includeSubDomains",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "content-type": "text/html; charset=utf-8",
}


def _scan(cookies=(), body="", **changes):
    headers = {**HEADERS, **{name.replace("_", "-"): value for name, value in changes.items()}}
    headers = {name: value for name, value in headers.items() if value is not None}
    return Scan(
        url="https://example.com/",
        headers=headers,
        cookies=list(cookies),
        body=body,
        http_status=301,
        http_location="https://example.com/",
    )


def test_the_scorer_rewards_a_strict_site():
    result = score(_scan())
    assert (result.score, result.grade) == (120, "A+"), result


@pytest.mark.parametrize(
    "changes, modifier, value",
    [
        ({"content_security_policy": None}, "csp-not-implemented", -25),
        ({"content_security_policy": "script-src 'self' 'unsafe-inline'"}, "unsafe-inline", -20),
        ({"content_security_policy": "default-src 'self' 'unsafe-eval'"}, "unsafe-eval", -10),
        ({"content_security_policy": "default-src 'self'; script-src https:"}, "unsafe-in", -20),
        ({"content_security_policy": "default-src 'self'; img-src http:"}, "passive", -10),
        ({"content_security_policy": "frame-ancestors 'none'"}, "unsafe-inline", -20),
        ({"content_security_policy": "default-src 'self'; default-src *"}, "invalid", -25),
        ({"strict_transport_security": None}, "hsts-not-implemented", -20),
        ({"strict_transport_security": "max-age=3600"}, "less-than-six-months", -10),
        ({"x_content_type_options": None}, "x-content-type-options-not-implemented", -5),
        ({"referrer_policy": "unsafe-url"}, "referrer-policy-unsafe", -5),
        ({"cross_origin_resource_policy": "everyone"}, "header-invalid", -5),
        ({"access_control_allow_origin": "https://evil.example",
          "access_control_allow_credentials": "true"}, "universal-access", -50),
    ],
)  # fmt: skip
def test_the_scorer_takes_points_away(changes, modifier, value):
    result = score(_scan(**changes))
    assert any(modifier in name and got == value for name, got in result.modifiers.items()), result


def test_the_scorer_reads_frames_cookies_scripts_and_redirects():
    no_framing = _scan(content_security_policy="default-src 'none'", x_frame_options=None)
    assert score(no_framing).modifiers["x-frame-options: x-frame-options-not-implemented"] == -20

    bare_session = ["sessionid=abc; Path=/; HttpOnly; SameSite=Lax"]
    found = score(_scan(cookies=bare_session)).modifiers
    assert found["cookies: cookies-session-without-secure-flag-but-protected-by-hsts"] == -10

    no_httponly = ["sessionid=abc; Path=/; Secure; SameSite=Lax"]
    found = score(_scan(cookies=no_httponly)).modifiers
    assert found["cookies: cookies-session-without-httponly-flag"] == -30

    foreign = '<script src="http://cdn.example/x.js"></script>'
    found = score(_scan(body=foreign)).modifiers
    key = "subresource-integrity: sri-not-implemented-and-external-scripts-not-loaded-securely"
    assert found[key] == -50

    plain = _scan()
    plain.http_status = 200
    assert score(plain).modifiers["redirection: redirection-missing"] == -20


def test_bonuses_count_only_from_an_a():
    # -20 (no HSTS) leaves 80: the +10, +5 and +5 are not given.
    result = score(_scan(strict_transport_security=None))
    assert result.score == 80 and result.grade == "B+", result
    assert observatory.GRADES[0] == (100, "A+")
