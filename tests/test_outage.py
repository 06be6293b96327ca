"""Faults survived: the database unreachable or read-only gives a 503 page with Retry-After,
made without the database, and the site recovers by itself.

End to end, a real gunicorn (production settings) talks to a PostgreSQL database of the
test's own through a TCP relay that the test cuts and restores: the shared server is never
stopped. Read-only is PostgreSQL's own (``default_transaction_read_only``), as on a
standby after a failover.
"""

import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from unittest import mock

import pytest
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError

from core.outage import DOWN, READ_ONLY, database_fault

from .test_deploy import DEADLINE, HTTPS, ROOT, _free_port, _get, production_env

POSTGRES = ("127.0.0.1", 5432)
PASSWORD = "outage-test-" + uuid.uuid4().hex


class ReadOnly(Exception):
    sqlstate = "25006"


def test_the_database_faults_are_told_apart():
    assert database_fault(OperationalError("connection refused")) == DOWN
    assert database_fault(InterfaceError("connection already closed")) == DOWN
    read_only = DatabaseError("cannot execute INSERT in a read-only transaction")
    read_only.__cause__ = ReadOnly()
    assert database_fault(read_only) == READ_ONLY
    assert database_fault(OperationalError("attempt to write a readonly database")) == READ_ONLY
    assert database_fault(IntegrityError("duplicate key")) is None
    assert database_fault(ValueError("no")) is None


@pytest.mark.django_db
def test_a_database_fault_is_a_503_made_without_the_database(client, django_assert_num_queries):
    client.raise_request_exception = False
    with mock.patch("website.views.HomeView.get_context_data", side_effect=OperationalError):
        with django_assert_num_queries(0):
            response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Back in a moment" in response.content.decode()
    with mock.patch("website.views.HomeView.get_context_data", side_effect=ValueError):
        response = client.get("/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


class Relay:
    """A TCP relay to PostgreSQL that can be cut (connections dropped, new ones refused)
    and restored, on the same port."""

    def __init__(self):
        self.port = _free_port()
        self.links = []
        self.server = None

    def up(self):
        self.server = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        threading.Thread(target=self._accept, args=(self.server,), daemon=True).start()

    def down(self):
        try:
            self.server.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        except OSError:
            pass
        self.server.close()
        for link in self.links:
            try:
                link.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            link.close()
        self.links.clear()

    def _accept(self, server):
        while True:
            try:
                client, _address = server.accept()
            except OSError:
                return
            upstream = socket.create_connection(POSTGRES)
            self.links += [client, upstream]
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(source, target), daemon=True).start()


def _pump(source, target):
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        for end in (source, target):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def _postgres_is_up():
    try:
        socket.create_connection(POSTGRES, timeout=0.5).close()
    except OSError:
        return False
    return True


def _psql(sql, database="postgres"):
    subprocess.run(
        ["psql", "-h", POSTGRES[0], "-U", "postgres", "-d", database, "-qc", sql],
        check=True,
        capture_output=True,
    )


@pytest.fixture
def postgres_site(tmp_path):
    if not _postgres_is_up():
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    name = f"site_cms_outage_{uuid.uuid4().hex[:12]}"
    _psql(f"CREATE DATABASE {name}")
    relay = Relay()
    relay.up()
    url = f"http://127.0.0.1:{_free_port()}"
    env = production_env(
        tmp_path,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{relay.port}/{name}",
        PAGE_CACHE="false",  # every request asks the database
    )
    env["DJANGO_SUPERUSER_PASSWORD"] = PASSWORD
    server = None
    try:
        for step in (
            ["migrate", "--no-input"],
            ["seed_demo"],
            ["collectstatic", "--no-input"],
            ["createsuperuser", "--no-input", "--username", "admin", "--email", "a@example.com"],
        ):
            subprocess.run(
                [sys.executable, "manage.py", *step],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
        server = subprocess.Popen(
            [
                *[sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
                *["--bind", url.removeprefix("http://"), "--workers", "1"],
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for(lambda: _status(url + "/") == 200)
        yield url, relay, name
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        relay.down()
        _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _status(url):
    try:
        return _get(url, timeout=5, **HTTPS).status
    except OSError:
        return None


def _wait_for(condition, seconds=DEADLINE):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.2)


def _log_in(url):
    """POST the admin login form (a write: a session, the last login); the response. The
    site thinks it is behind TLS (X-Forwarded-Proto), so the secure CSRF cookie and an
    https Referer are given by hand."""
    login = url + "/admin/login/"
    form = _get(login, **HTTPS)
    cookie = re.search(r"csrftoken=([^;]+)", form.headers["Set-Cookie"]).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    data = urllib.parse.urlencode(
        {"username": "admin", "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    headers = {
        **HTTPS,
        "Cookie": f"csrftoken={cookie}",
        "Referer": login.replace("http://", "https://"),
    }
    request = urllib.request.Request(login, data=data, headers=headers)
    try:
        response = urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        return response.status, response.headers, response.read().decode()


@pytest.mark.gunicorn
def test_an_outage_is_a_503_and_the_site_comes_back_by_itself(postgres_site):
    url, relay, name = postgres_site
    assert _status(url + "/blog/") == 200
    relay.down()
    for path in ("/", "/blog/", "/about/"):
        page = _get(url + path, **HTTPS)
        assert page.status == 503, path
        assert page.headers["Retry-After"] == "30"
        assert "Back in a moment" in page.text
    relay.up()
    _wait_for(lambda: _status(url + "/") == 200, seconds=10)
    assert _status(url + "/blog/") == 200

    # A failover to a read-only standby: reading works, writing says why it cannot.
    _psql(f"ALTER DATABASE {name} SET default_transaction_read_only = on")
    _psql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    )
    _wait_for(lambda: _status(url + "/") == 200, seconds=10)
    assert _status(url + "/blog/") == 200
    status, headers, text = _log_in(url)
    assert (status, headers["Retry-After"]) == (503, "30")
    assert "Changes are paused" in text
