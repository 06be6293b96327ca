"""Slow and stalled clients cannot starve readers: the repository's nginx configuration
(deploy/nginx.conf.template), in front of the production gunicorn (one sync worker),
reads every request whole before gunicorn sees it.

Twenty connections trickle their headers or their body a few bytes at a time for the
whole test (a "slowloris"); meanwhile readers fetch pages through nginx, and their
slowest answers stay well under a second. Straight to gunicorn, two such connections
would hold its one worker until its 30 s timeout.
"""

import importlib.util
import os
import shutil
import socket
import statistics
import subprocess
import threading
import time

import pytest

from .test_deploy import DEADLINE, HTTPS, ROOT, _free_port, _get

SLOW_CLIENTS = 20
READERS = 30

pytestmark = [
    pytest.mark.gunicorn,
    pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed"),
]


def _render():
    spec = importlib.util.spec_from_file_location("render_nginx", ROOT / "deploy/render_nginx.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.render


@pytest.fixture
def proxy(production_site, tmp_path):
    upstream = production_site.base_url().removeprefix("http://")
    prefix = tmp_path / "nginx"
    for folder in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / folder).mkdir(parents=True)
    port = _free_port()
    config = prefix / "nginx.conf"
    config.write_text(_render()(prefix, f"127.0.0.1:{port}", upstream, tmp_path, "https"))
    # As root, nginx's workers would run as "nobody", who may not enter the test's folder.
    extra = " user root;" if os.geteuid() == 0 else ""
    server = subprocess.Popen(
        ["nginx", "-p", str(prefix), "-c", str(config), "-g", f"daemon off;{extra}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + DEADLINE
    while True:
        assert server.poll() is None, server.stderr.read().decode()
        try:
            if _get(url + "/", timeout=5).status == 200:
                break
        except OSError:
            pass
        assert time.monotonic() < deadline
        time.sleep(0.1)
    try:
        yield port, url
    finally:
        server.terminate()
        server.wait(timeout=10)


class Slowloris:
    """Connections that never finish their request: headers a line at a time, or a body
    a byte at a time, until stopped."""

    def __init__(self, port, count):
        self.sockets, self.stopped = [], threading.Event()
        for n in range(count):
            sock = socket.create_connection(("127.0.0.1", port))
            if n % 2:
                sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            else:
                sock.sendall(
                    b"POST /search/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b"Content-Type: application/x-www-form-urlencoded\r\n"
                    b"Content-Length: 1000\r\n\r\nq=slow"
                )
            self.sockets.append((n % 2, sock))
        self.thread = threading.Thread(target=self._trickle, daemon=True)
        self.thread.start()

    def _trickle(self):
        while not self.stopped.wait(0.5):
            for in_headers, sock in self.sockets:
                try:
                    sock.sendall(b"X-Slow: 1\r\n" if in_headers else b"w")
                except OSError:
                    pass  # nginx gave up on it: that is its job

    def stop(self):
        self.stopped.set()
        self.thread.join()
        for _kind, sock in self.sockets:
            sock.close()


def test_slow_clients_do_not_starve_readers(proxy):
    port, url = proxy
    slow = Slowloris(port, SLOW_CLIENTS)
    try:
        time.sleep(1)  # every slow connection is in, and has trickled
        seconds = []
        for n in range(READERS):
            path = ("/", "/blog/", "/about/")[n % 3]
            started = time.perf_counter()
            response = _get(url + path, timeout=10, **HTTPS)
            seconds.append(time.perf_counter() - started)
            assert response.status == 200, path
    finally:
        slow.stop()
    p95 = statistics.quantiles(seconds, n=20)[-1]
    print(
        f"\nreaders through nginx beside {SLOW_CLIENTS} slow clients: "
        f"median {statistics.median(seconds) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"
    )
    assert p95 < 1.0, seconds
