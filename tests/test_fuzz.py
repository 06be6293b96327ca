"""Malformed requests over raw sockets: a real gunicorn with the production settings, and
`make run`'s development server (DEBUG on), must answer every one with a complete HTTP
response, and none with a 5xx.

The requests are drawn with a fixed seed: broken paths (NUL bytes, bad and overlong
percent-encoding, Unicode, dot segments, absolute- and asterisk-form targets, overlong
lines), malformed query strings, odd methods, bad and missing Host headers, broken
header lines, contradictory lengths, huge and garbled cookies, and bodies of the wrong
type. A 400 from gunicorn itself is a fine answer.
"""

import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.test_deploy import ROOT, _free_port

SEED = 20261202
GUNICORN_REQUESTS = 5000
DEV_SERVER_REQUESTS = 400

PATHS = [
    "/",
    "/blog/",
    "/blog/page/2/",
    "/writing/",
    "/essays/",
    "/tags/",
    "/books/",
    "/podcast/",
    "/search/?q=busy",
    "/busy-is-not-a-state/",
    "/busy-is-not-a-state",
    "/index.xml",
    "/essays/index.xml",
    "/sitemap.xml",
    "/robots.txt",
    "/admin/",
    "/admin/login/",
    "/preview/x/",
    "/markdownx/markdownify/",
    "/markdownx/upload/",
    "/static/css/site.css",
    "/media/x.jpg",
]
NASTY = [
    "%00",
    "\x00",
    "%",
    "%zz",
    "%c0%ae%c0%ae/",
    "%e0%80%af",
    "%ff%fe",
    "%u002e",
    "../",
    "..%2f",
    "%2e%2e/",
    "..\\",
    "//",
    "///evil.example/",
    "\\\\evil.example",
    "é",
    "\u202e",
    "😀",
    "\ufeff",
    ";param",
    "#fragment",
    "\t",
    " ",
    "%0d%0aSet-Cookie:%20x=1",
    "<script>",
    "'\"",
    "${jndi:ldap://x}",
    "{{7*7}}",
    "A" * 300,
    "%25",
    "~",
    ".xml",
    "/index.xml",
    "/page/0/",
    "/page/-1/",
    "/page/99999999999999999999/",
]
QUERIES = [
    "",
    "?",
    "?&&&",
    "?=",
    "?==&=",
    "?q",
    "?q=%",
    "?q=%zz",
    "?q=%00",
    "?q=%c0%80",
    "?q=" + "x" * 2000,
    "?q[]=1",
    "?q=1&q=2&q=3",
    "?page=-1",
    "?page=abc",
    "?page=1e9",
    "?page=99999999999999999999",
    "?p=1",
    "?p=%00",
    "?page_id=abc",
    "?p=" + "9" * 40,
    "?" + "&".join(f"k{i}=v" for i in range(1200)),
    "?next=//evil.example/",
    "?q=%F0%9F%98%80",
    "?%ff=%fe",
    "?a=1;b=2",
]
METHODS = ["GET"] * 8 + ["HEAD", "POST", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"]
ODD_METHODS = ["CONNECT", "PROPFIND", "get", "FOOBAR", "G T", "M" * 100, "GET\x00"]
HOSTS = [
    "evil.example",
    "",
    "127.0.0.1:abc",
    "[::1",
    "a b",
    "localhost:99999",
    "ünïcode.example",
    "127.0.0.1\x00.evil",
    "x" * 300,
    "127.0.0.1, evil.example",
    "localhost.",
    "-",
]
HEADER_LINES = [
    "X-Forwarded-Proto: https",
    "X-Forwarded-Proto: gopher",
    "X-Forwarded-Host: evil.example",
    "X-Forwarded-For: 1.2.3.4, ::1, garbage",
    "No-Colon-Here",
    " folded: continuation",
    "Bad Name: x",
    "X-Nul: a\x00b",
    "Range: bytes=garbage",
    "Range: bytes=5-1,0-0,-0",
    'If-None-Match: *, W/"',
    "If-Modified-Since: yesterday",
    "Accept-Encoding: gzip;q=nan, *;q=-1",
    "Accept: */*;q=2",
    "Accept-Language: " + "x-" * 200,
    "Authorization: Basic !!!",
    "Authorization: Bearer " + "a" * 500,
    "Cookie: sessionid=" + "a" * 40,
    "Cookie: sessionid=../../etc/passwd; csrftoken=%00",
    "Cookie: messages=garbage; sessionid=",
    "Cookie: " + "; ".join(f"c{i}=" + "v" * 60 for i in range(100)),
    "Cookie: x=" + "y" * 7000,
    "Cookie: " + "=;" * 500,
    'Cookie: a="unterminated',
    "Content-Type: multipart/form-data",
    "Content-Type: multipart/form-data; boundary=",
    "Content-Type: application/x-www-form-urlencoded; charset=nonsense",
    "Content-Type: application/json",
    "Expect: 100-continue",
    "Connection: keep-alive, Upgrade",
    "Upgrade: websocket",
    "Transfer-Encoding: gzip",
    "X-" + "h" * 9000 + ": long name",
    "X-Long: " + "v" * 9000,
]
BODIES = [
    b"",
    b"a=%&b=%zz&c",
    b"csrfmiddlewaretoken=x&username=admin&password=x",
    b'--x\r\nContent-Disposition: form-data; name="image"; filename="a.jpg"\r\n\r\nGIF89a\r\n',
    b"\x00\xff\xfe" * 50,
    b'{"json": ',
]


def _request(rng, host, https):
    """One malformed request, as bytes: a well-formed one with one to three faults."""
    method = rng.choice(ODD_METHODS) if rng.random() < 0.08 else rng.choice(METHODS)
    path = rng.choice(PATHS).split("?")[0]
    for _ in range(rng.randint(1, 3)):
        spot = rng.randint(0, len(path))
        path = path[:spot] + rng.choice(NASTY) + path[spot:]
    if not path.startswith("/") and rng.random() < 0.7:
        path = "/" + path
    if rng.random() < 0.03:
        path = "/" + "a/" * rng.choice([2100, 5000])
    target = path + rng.choice(QUERIES)
    form = rng.random()
    if form < 0.05:
        target = f"http://{host}{target}"
    elif form < 0.07:
        target = f"https://evil.example{target}"
    elif form < 0.08:
        target = "*"
    elif form < 0.09:
        target = f"{host}:80"
    version = rng.choice(["HTTP/1.1"] * 12 + ["HTTP/1.0", "HTTP/2.0", "HTTP/1.7", "HTTP/1", ""])
    request_line = f"{method} {target} {version}".rstrip()
    headers = []
    choice = rng.random()
    if choice < 0.12:
        headers.append(f"Host: {rng.choice(HOSTS)}")
    elif choice < 0.15:
        headers += [f"Host: {host}", "Host: evil.example"]
    elif choice > 0.17:
        headers.append(f"Host: {host}")
    if https and rng.random() < 0.85:
        headers.append("X-Forwarded-Proto: https")
    headers += rng.sample(HEADER_LINES, rng.choice([0, 1, 1, 2, 3]))
    body = rng.choice(BODIES) if method not in {"GET", "HEAD"} or rng.random() < 0.05 else b""
    length = rng.random()
    if length < 0.06:
        headers.append(f"Content-Length: {rng.choice(['-1', 'abc', '1e3', '99999999999999', ''])}")
    elif length < 0.09:
        headers += [f"Content-Length: {len(body)}", f"Content-Length: {len(body) + 5}"]
    elif length < 0.12:
        headers += ["Transfer-Encoding: chunked", f"Content-Length: {len(body)}"]
        body = rng.choice([b"zz\r\nabc\r\n0\r\n\r\n", b"3\r\nabc\r\n0\r\n\r\n", b"-1\r\n\r\n"])
    elif body:
        headers.append(f"Content-Length: {len(body)}")
    headers.append("Connection: close")
    head = "\r\n".join([request_line, *headers]) + "\r\n\r\n"
    return head.encode("utf-8", "surrogateescape") + body


def requests(count, host, https, seed=SEED):
    rng = random.Random(seed)
    return [_request(rng, host, https) for _ in range(count)]


def _read_all(sock):
    chunks = []
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _complete(data, method):
    """The status of a complete HTTP response in ``data``, or None if it is cut short."""
    head, separator, body = data.partition(b"\r\n\r\n")
    # An interim "100 Continue" (the request said Expect: 100-continue) comes first.
    while head.startswith(b"HTTP/1.1 100 ") and separator:
        head, separator, body = body.partition(b"\r\n\r\n")
    if not separator or not head.startswith(b"HTTP/1."):
        return None
    lines = head.split(b"\r\n")
    try:
        status = int(lines[0].split()[1])
    except (IndexError, ValueError):
        return None
    fields = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        fields[name.strip().lower()] = value.strip()
    if method == b"HEAD" or status in {204, 304} or 100 <= status < 200:
        return status
    if fields.get(b"transfer-encoding", b"").lower() == b"chunked":
        return status if body.endswith(b"0\r\n\r\n") else None
    if b"content-length" in fields:
        return status if len(body) >= int(fields[b"content-length"]) else None
    return status  # read to the end: the connection closed, as HTTP/1.0 allows


def send(address, raw):
    """The status of the answer to ``raw``, or "dropped" when none came whole."""
    host, port = address
    try:
        with socket.create_connection((host, port), timeout=15) as sock:
            sock.sendall(raw)
            try:
                sock.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            data = _read_all(sock)
    except OSError as error:
        return f"dropped ({type(error).__name__})"
    status = _complete(data, raw.split(b" ", 1)[0])
    return status if status is not None else "dropped"


def parsed_by_http_server(raw):
    """Whether Python's http.server (under runserver) hands the request to Django: a
    request line of three words ending in HTTP/1.0 or 1.1. It answers the others itself,
    HTTP/0.9-style (a bare body) when there is no version, 505 for HTTP/2.0."""
    parts = raw.split(b"\r\n", 1)[0].split(b" ")
    return len(parts) == 3 and parts[2] in {b"HTTP/1.0", b"HTTP/1.1"}


def fuzz(base, count, https, threads=4, only=None):
    address = urlsplit(base)
    host = f"{address.hostname}:{address.port}"
    batch = requests(count * (4 if only else 1), host, https)
    if only:
        batch = [raw for raw in batch if only(raw)][:count]
    with ThreadPoolExecutor(threads) as pool:
        outcomes = list(pool.map(lambda raw: send((address.hostname, address.port), raw), batch))
    failures = [
        (outcome, raw[:200])
        for outcome, raw in zip(outcomes, batch, strict=True)
        if not isinstance(outcome, int) or outcome >= 500
    ]
    statuses = {}
    for outcome in outcomes:
        statuses[outcome] = statuses.get(outcome, 0) + 1
    return outcomes, failures, statuses


def _summary(name, outcomes, failures, statuses, seconds):
    server_errors = sum(1 for o in outcomes if isinstance(o, int) and o >= 500)
    dropped = sum(1 for o in outcomes if not isinstance(o, int))
    counts = ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items(), key=str))
    return (
        f"{name}: {len(outcomes)} requests in {seconds:.1f} s, {server_errors} 5xx, "
        f"{dropped} dropped ({counts})"
    )


def test_the_request_maker_is_fixed_and_malformed():
    first, again = requests(200, "h:1", True), requests(200, "h:1", True)
    assert first == again
    assert any(b"\x00" in raw.split(b"\r\n")[0] for raw in first)
    assert any(b"Host: evil.example" in raw for raw in first)
    assert sum(1 for raw in first if raw.startswith(b"GET /") and b" HTTP/1.1\r\n" in raw) < 190


def test_the_completeness_check_catches_a_cut_response():
    assert _complete(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabcde", b"GET") == 200
    assert _complete(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", b"GET") is None
    assert _complete(b"", b"GET") is None
    assert _complete(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", b"HEAD") == 200


def test_gunicorn_answers_every_malformed_request(production_site):
    base = production_site.base_url()
    started = time.monotonic()
    outcomes, failures, statuses = fuzz(base, GUNICORN_REQUESTS, https=True)
    summary = _summary("gunicorn", outcomes, failures, statuses, time.monotonic() - started)
    print("\n" + summary)
    assert not failures, f"{summary}\n" + "\n".join(map(repr, failures[:20]))
    # The faults reached the site itself, not only gunicorn's parser.
    assert statuses.get(200, 0) + statuses.get(404, 0) > GUNICORN_REQUESTS // 10, summary


@pytest.fixture(scope="module")
def dev_server():
    """`manage.py runserver` with the dev settings (DEBUG on), on a fresh SQLite database."""
    folder = Path(tempfile.mkdtemp(prefix="site_cms-dev-"))
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "PYTEST"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="site_cms.settings.dev",
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        MEDIA_ROOT=str(folder / "media"),
    )
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--no-input"], cwd=ROOT, env=env, check=True,
                   capture_output=True)  # fmt: skip
    port = _free_port()
    log = (folder / "runserver.log").open("w")
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while send(("127.0.0.1", port), b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n") != 200:
        assert server.poll() is None and time.monotonic() < deadline, (
            folder / "runserver.log"
        ).read_text()
        time.sleep(0.2)
    yield f"http://127.0.0.1:{port}", folder / "runserver.log"
    server.terminate()
    server.wait(timeout=10)
    log.close()
    shutil.rmtree(folder, ignore_errors=True)


def test_the_development_server_answers_every_malformed_request(dev_server):
    base, _ = dev_server
    started = time.monotonic()
    # The requests Django sees: the ones whose request line http.server cannot read it
    # answers itself (make run's server is for one developer; gunicorn serves readers).
    outcomes, failures, statuses = fuzz(
        base, DEV_SERVER_REQUESTS, https=False, threads=2, only=parsed_by_http_server
    )
    summary = _summary("runserver", outcomes, failures, statuses, time.monotonic() - started)
    print("\n" + summary)
    assert not failures, f"{summary}\n" + "\n".join(map(repr, failures[:20]))


def test_the_development_server_keeps_a_post_without_its_slash(dev_server):
    """DEBUG's APPEND_SLASH RuntimeError was a 500: a 308 keeps the method and the form."""
    base, _ = dev_server
    address = urlsplit(base)
    raw = (
        b"POST /search?q=x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
        b"application/x-www-form-urlencoded\r\nContent-Length: 3\r\nConnection: close\r\n\r\na=b"
    )
    with socket.create_connection((address.hostname, address.port), timeout=15) as sock:
        sock.sendall(raw)
        data = _read_all(sock)
    assert data.startswith(b"HTTP/1.1 308"), data[:300]
    assert b"\r\nLocation: /search/?q=x\r\n" in data, data[:300]
