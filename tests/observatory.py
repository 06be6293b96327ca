"""The Mozilla HTTP Observatory's scoring, written from its published rules
(https://developer.mozilla.org/en-US/observatory/docs/tests_and_scoring).

Every response starts at 100. Each test gives a modifier: penalties always count, bonuses
only when the score without them is 90 or more. 100 and up is an A+.

What a local run cannot know is left out and said so: ``hsts-preloaded`` (+5) needs the
host on Chromium's preload list, so a local site never gets it; and the CORS test's
``crossdomain.xml`` files are fetched by the caller, not here.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

GRADES = [
    (100, "A+"),
    (90, "A"),
    (85, "A-"),
    (80, "B+"),
    (70, "B"),
    (65, "B-"),
    (60, "C+"),
    (50, "C"),
    (45, "C-"),
    (40, "D+"),
    (30, "D"),
    (25, "D-"),
    (0, "F"),
]
SIX_MONTHS = 15_768_000
PRIVATE_REFERRERS = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}
UNSAFE_REFERRERS = {"origin", "origin-when-cross-origin", "unsafe-url"}
ACTIVE = ("script-src", "style-src", "object-src", "connect-src", "frame-src", "child-src")
PASSIVE = ("img-src", "media-src", "font-src")


@dataclass
class Scan:
    """What the scorer looks at: one response (lower-cased header names, every Set-Cookie
    line), and the answer to the same URL over plain http."""

    url: str
    headers: dict
    cookies: list = field(default_factory=list)
    body: str = ""
    http_status: int | None = None
    http_location: str = ""
    cors_origin_sent: str = "https://evil.example"


@dataclass
class Result:
    modifiers: dict

    @property
    def score(self):
        penalties = sum(value for value in self.modifiers.values() if value < 0)
        bonuses = sum(value for value in self.modifiers.values() if value > 0)
        base = 100 + penalties
        return max(0, base + bonuses if base >= 90 else base)

    @property
    def grade(self):
        return next(grade for floor, grade in GRADES if self.score >= floor)

    def __str__(self):
        tests = ", ".join(f"{name} {value:+d}" for name, value in self.modifiers.items() if value)
        return f"{self.score} ({self.grade}){': ' + tests if tests else ''}"


def score(scan):
    tests = {
        "content-security-policy": csp,
        "cookies": cookies,
        "cross-origin-resource-sharing": cors,
        "redirection": redirection,
        "referrer-policy": referrer_policy,
        "strict-transport-security": hsts,
        "subresource-integrity": sri,
        "x-content-type-options": nosniff,
        "x-frame-options": frame_options,
        "cross-origin-resource-policy": corp,
    }
    results = {name: test(scan) for name, test in tests.items()}
    return Result({f"{name}: {outcome}": value for name, (outcome, value) in results.items()})


def parse_csp(header):
    """{directive: [sources]}, or None when the header cannot be read (empty, a directive
    named twice or with characters no directive name has)."""
    policy = {}
    for part in header.split(";"):
        tokens = part.strip().split()
        if not tokens:
            continue
        name = tokens[0].lower()
        if not re.fullmatch(r"[a-z][a-z-]*", name) or name in policy:
            return None
        policy[name] = [token.lower() if token.startswith("'") else token for token in tokens[1:]]
    return policy or None


def _sources(policy, directive):
    return policy.get(directive, policy.get("default-src"))


def _allows_any_script(sources):
    """Unrestricted, or 'unsafe-inline' not cancelled by a nonce or hash, data:, or any
    host at all: script of an attacker's choosing can run."""
    if sources is None:
        return True
    cancelled = any(source.startswith(("'nonce-", "'sha")) for source in sources) or (
        "'strict-dynamic'" in sources
    )
    return (
        ("'unsafe-inline'" in sources and not cancelled)
        or "data:" in sources
        or any(source in {"*", "http:", "https:"} for source in sources)
    )


def _insecure(sources):
    return any(source == "http:" or source.startswith("http://") for source in sources or ())


def csp(scan):
    header = scan.headers.get("content-security-policy")
    if header is None:
        return "csp-not-implemented", -25
    policy = parse_csp(header)
    if policy is None:
        return "csp-header-invalid", -25
    script = _sources(policy, "script-src")
    if _allows_any_script(script) or _allows_any_script(_sources(policy, "object-src")):
        return "csp-implemented-with-unsafe-inline", -20
    if any(_insecure(_sources(policy, directive)) for directive in ACTIVE):
        return "csp-implemented-with-insecure-scheme", -20
    if "'unsafe-eval'" in script:
        return "csp-implemented-with-unsafe-eval", -10
    if any(_insecure(_sources(policy, directive)) for directive in PASSIVE):
        return "csp-implemented-with-insecure-scheme-in-passive-content-only", -10
    if "'unsafe-inline'" in (_sources(policy, "style-src") or ["'unsafe-inline'"]):
        return "csp-implemented-with-unsafe-inline-in-style-src-only", 0
    if policy.get("default-src") == ["'none'"]:
        return "csp-implemented-with-no-unsafe-default-src-none", 10
    return "csp-implemented-with-no-unsafe", 5


def parse_cookie(line):
    """(name, {attribute: value}) of one Set-Cookie line; flags map to True."""
    first, *rest = line.split(";")
    name = first.split("=", 1)[0].strip()
    attributes = {}
    for attribute in rest:
        key, _, value = attribute.strip().partition("=")
        attributes[key.lower()] = value.strip() or True
    return name, attributes


def cookies(scan):
    if not scan.cookies:
        return "cookies-not-found", 0
    has_hsts = hsts(scan)[1] >= 0
    found = []
    for line in scan.cookies:
        name, attributes = parse_cookie(line)
        session = "session" in name.lower() or name.lower() in {"sid", "phpsessid", "jsessionid"}
        samesite = attributes.get("samesite")
        if samesite is not None and str(samesite).lower() not in {"lax", "strict", "none"}:
            found.append(("cookies-samesite-flag-invalid", -20))
        if "secure" not in attributes:
            if session:
                found.append(
                    ("cookies-session-without-secure-flag-but-protected-by-hsts", -10)
                    if has_hsts
                    else ("cookies-session-without-secure-flag", -40)
                )
            else:
                found.append(
                    ("cookies-without-secure-flag-but-protected-by-hsts", -5)
                    if has_hsts
                    else ("cookies-without-secure-flag", -20)
                )
        if session and "httponly" not in attributes:
            found.append(("cookies-session-without-httponly-flag", -30))
        if "csrf" in name.lower() and samesite is None:
            found.append(("cookies-anticsrf-without-samesite-flag", -20))
        if samesite is None:
            found.append(("cookies-secure-with-httponly-sessions", 0))
    if found:
        return min(found, key=lambda outcome: outcome[1])
    return "cookies-secure-with-httponly-sessions-and-samesite", 5


def cors(scan):
    origin = scan.headers.get("access-control-allow-origin")
    if origin is None:
        return "cross-origin-resource-sharing-not-implemented", 0
    credentials = scan.headers.get("access-control-allow-credentials", "").lower() == "true"
    if origin.strip() == scan.cors_origin_sent and credentials:
        return "cross-origin-resource-sharing-implemented-with-universal-access", -50
    if origin.strip() == "*":
        return "cross-origin-resource-sharing-implemented-with-public-access", 0
    return "cross-origin-resource-sharing-implemented-with-restricted-access", 0


def redirection(scan):
    if scan.http_status is None:
        return "redirection-not-needed-no-http", 0
    if scan.http_status not in {301, 302, 303, 307, 308}:
        return "redirection-missing", -20
    target = urlsplit(scan.http_location)
    if target.scheme != "https":
        return "redirection-not-to-https", -20
    if target.hostname != urlsplit(scan.url).hostname:
        return "redirection-off-host-from-http", -5
    return "redirection-to-https", 0


def referrer_policy(scan):
    header = scan.headers.get("referrer-policy")
    if header is None:
        return "referrer-policy-not-implemented", 0
    known = PRIVATE_REFERRERS | UNSAFE_REFERRERS | {"no-referrer-when-downgrade"}
    # Browsers take the last value they know.
    values = [value.strip().lower() for value in header.split(",")]
    usable = [value for value in values if value in known]
    if not usable:
        return "referrer-policy-header-invalid", -5
    if usable[-1] in PRIVATE_REFERRERS:
        return "referrer-policy-private", 5
    if usable[-1] == "no-referrer-when-downgrade":
        return "referrer-policy-no-referrer-when-downgrade", 0
    return "referrer-policy-unsafe", -5


def hsts(scan):
    header = scan.headers.get("strict-transport-security")
    if header is None:
        return "hsts-not-implemented", -20
    match = re.search(r"(?i)(?:^|;)\s*max-age\s*=\s*\"?(\d+)\"?\s*(?:;|$)", header)
    if match is None:
        return "hsts-header-invalid", -20
    if int(match.group(1)) < SIX_MONTHS:
        return "hsts-implemented-max-age-less-than-six-months", -10
    return "hsts-implemented-max-age-at-least-six-months", 0


class _Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts = []

    def handle_starttag(self, tag, attrs):
        if tag == "script" and dict(attrs).get("src"):
            self.scripts.append(dict(attrs))


def sri(scan):
    if "html" not in scan.headers.get("content-type", ""):
        return "sri-not-implemented-response-not-html", 0
    parser = _Scripts()
    parser.feed(scan.body)
    if not parser.scripts:
        return "sri-not-implemented-but-no-scripts-loaded", 0
    host = urlsplit(scan.url).hostname
    external = [s for s in parser.scripts if urlsplit(s["src"]).hostname not in {None, host}]
    if not external:
        if all(script.get("integrity") for script in parser.scripts):
            return "sri-implemented-and-all-scripts-loaded-securely", 5
        return "sri-not-implemented-but-all-scripts-loaded-from-secure-origin", 0
    secure = all(urlsplit(s["src"]).scheme in {"https", ""} for s in external)
    if all(script.get("integrity") for script in external):
        return (
            ("sri-implemented-and-external-scripts-loaded-securely", 5)
            if secure
            else ("sri-implemented-but-external-scripts-not-loaded-securely", -20)
        )
    return (
        ("sri-not-implemented-but-external-scripts-loaded-securely", -5)
        if secure
        else ("sri-not-implemented-and-external-scripts-not-loaded-securely", -50)
    )


def nosniff(scan):
    header = scan.headers.get("x-content-type-options")
    if header is None:
        return "x-content-type-options-not-implemented", -5
    if header.strip().lower() != "nosniff":
        return "x-content-type-options-header-invalid", -5
    return "x-content-type-options-nosniff", 0


def frame_options(scan):
    policy = parse_csp(scan.headers.get("content-security-policy", "")) or {}
    if "frame-ancestors" in policy:
        return "x-frame-options-implemented-via-csp", 5
    header = scan.headers.get("x-frame-options")
    if header is None:
        return "x-frame-options-not-implemented", -20
    value = header.strip().upper()
    if value in {"DENY", "SAMEORIGIN"}:
        return "x-frame-options-sameorigin-or-deny", 0
    if value.startswith("ALLOW-FROM "):
        return "x-frame-options-allow-from-origin", 0
    return "x-frame-options-header-invalid", -20


def corp(scan):
    header = scan.headers.get("cross-origin-resource-policy")
    if header is None:
        return "cross-origin-resource-policy-not-implemented", 0
    value = header.strip().lower()
    if value not in {"same-site", "same-origin", "cross-origin"}:
        return "cross-origin-resource-policy-header-invalid", -5
    return f"cross-origin-resource-policy-implemented-with-{value}", 0
