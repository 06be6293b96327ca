"""Production settings and serving: the deploy checks, the secret key, gunicorn and whitenoise.

One production site is made per session, in a temporary folder: one subprocess runs the
deploy checks, then migrates, loads the demo content and collects the static files; one
gunicorn serves it to every test that asks for it. It starts in the background as soon as
the tests are collected, and stops in the background once the last of them is over (see
tests/conftest.py).
"""

import gzip
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SECRET = "x8#t2!v" + "k" * 20 + "Q9z$w4%m" + "r7" * 12
# Generous: a loaded 2-core machine needs a while to boot the site and its worker.
DEADLINE = 60
HTTPS = {"X-Forwarded-Proto": "https"}

# What `manage.py` would run, one command after another in one process: each command's
# outcome is written to a JSON file, and the first one that fails stops the rest.
PREPARE = """
import json, sys
from io import StringIO

import django
from django.core.management import call_command

django.setup()
steps, results = json.loads(sys.argv[1]), []
for args in steps:
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        ok = True
    except Exception as error:
        err.write(f"{type(error).__name__}: {error}")
        ok = False
    results.append({"args": args, "ok": ok, "stdout": out.getvalue(), "stderr": err.getvalue()})
    if not ok:
        break
with open(sys.argv[2], "w") as report:
    json.dump(results, report)
"""
STEPS = [
    ["check", "--deploy", "--fail-level", "WARNING"],
    ["migrate", "--no-input"],
    ["seed_demo"],
    ["collectstatic", "--no-input"],
]


def production_env(folder, **extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "PYTEST"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="site_cms.settings.production",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"sqlite:///{Path(folder) / 'db.sqlite3'}",
        STATIC_ROOT=str(Path(folder) / "static"),
        MEDIA_ROOT=str(Path(folder) / "media"),
        PAGE_CACHE_DIR=str(Path(folder) / "page-cache"),
    )
    env.update(extra)
    return env


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Response:
    status: int
    headers: Message
    body: bytes

    @property
    def text(self):
        return self.body.decode()


def _get(url, timeout=10, **headers):
    """One request, read and closed: a connection left open holds gunicorn's sync worker."""
    request = urllib.request.Request(url, headers=headers)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        response = opener.open(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        return Response(response.status, response.headers, response.read())


class ProductionSite:
    """A production site in a temporary folder, prepared by one subprocess (STEPS) and
    served by one gunicorn with one worker.

    Both run in a background thread, started as soon as the session knows that a test
    needs the site (tests/conftest.py), so that their seconds of work overlap other tests.
    """

    _session = None

    @classmethod
    def for_session(cls):
        """The session's site, started on first use."""
        if cls._session is None:
            cls._session = cls()
            cls._session.start()
        return cls._session

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="site_cms-production-"))
        self.env = production_env(self.folder)
        self.log = self.folder / "gunicorn.log"
        self.steps = self.url = self.error = None
        self.processes = []
        self.prepared, self.served = threading.Event(), threading.Event()
        self._lock, self._stop_lock = threading.Lock(), threading.Lock()
        self._stopping = self._stopped = False
        self._thread = threading.Thread(target=self._run, name="production-site", daemon=True)

    def start(self):
        self._thread.start()

    def steps_run(self):
        """Each step's outcome, by its command line, once the preparation is over."""
        self.prepared.wait()
        if self.steps is None:
            raise self.error
        return self.steps

    def base_url(self):
        """The site's address, once gunicorn has answered a real request."""
        self.served.wait()
        if self.url is None:
            raise self.error
        return self.url

    def _run(self):
        try:
            self._prepare()
            self.prepared.set()
            self._serve()
        except BaseException as error:
            self.error = error
        finally:
            self.prepared.set()
            self.served.set()

    def _spawn(self, args, **options):
        with self._lock:
            if self._stopping:
                raise RuntimeError("the session is over")
            process = subprocess.Popen(args, cwd=ROOT, env=self.env, **options)
            self.processes.append(process)
            return process

    def _prepare(self):
        report = self.folder / "prepare.json"
        process = self._spawn(
            [sys.executable, "-c", PREPARE, json.dumps(STEPS), str(report)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        output, _ = process.communicate(timeout=300)
        assert process.returncode == 0 and report.exists(), output
        self.steps = {" ".join(step["args"]): step for step in json.loads(report.read_text())}

    def _serve(self):
        for name, step in self.steps.items():
            assert step["ok"], f"{name}: {step['stdout']}{step['stderr']}"
        assert len(self.steps) == len(STEPS)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        with self.log.open("w") as log:
            server = self._spawn(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--config",
                    "gunicorn.conf.py",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                    # gunicorn 27 opens ~/.gunicorn/gunicorn.ctl otherwise, shared by all.
                    "--no-control-socket",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        # Ready means a booted worker answering: an open socket only says the arbiter is up.
        deadline = time.monotonic() + DEADLINE
        while True:
            assert server.poll() is None, self.log.read_text()
            try:
                if _get(base + "/", timeout=5, **HTTPS).status == 200:
                    self.url = base
                    return
            except OSError:
                pass
            assert time.monotonic() < deadline, f"no answer in {DEADLINE} s\n{self.log.read_text()}"
            time.sleep(0.2)

    def stop(self):
        """Stop the processes and remove the folder; a second call waits for the first."""
        with self._stop_lock:
            if self._stopped:
                return
            with self._lock:
                self._stopping = True
            for process in self.processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
                    try:
                        process.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        process.kill()
                        process.wait()
            self._thread.join(timeout=DEADLINE)
            shutil.rmtree(self.folder, ignore_errors=True)
            self._stopped = True

    def stop_soon(self):
        """Stop in a background thread: no test needs the site any more."""
        threading.Thread(target=self.stop, name="production-site-stop", daemon=True).start()


@pytest.fixture(scope="session")
def gunicorn(production_site):
    return production_site.base_url()


def test_production_settings_pass_the_deploy_checks(production_site):
    check = production_site.steps_run()["check --deploy --fail-level WARNING"]
    assert check["ok"], check["stdout"] + check["stderr"]
    assert "System check identified no issues" in check["stdout"]


def test_production_refuses_to_start_without_a_secret_key():
    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run(
            [sys.executable, "manage.py", "check"],
            cwd=ROOT,
            env=production_env(folder, SECRET_KEY=""),
            capture_output=True,
            text=True,
        )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_gunicorn_serves_a_page_and_a_static_file(gunicorn):
    # The proxy in front terminates TLS; plain HTTP is sent to HTTPS.
    plain = _get(gunicorn + "/")
    assert plain.status == 301
    assert plain.headers["Location"].startswith("https://")

    page = _get(gunicorn + "/", **HTTPS)
    assert page.status == 200
    html = page.text
    assert "Paul Welty, PhD" in html
    assert "Strict-Transport-Security" in page.headers

    missing = _get(gunicorn + "/no-such-post/", **HTTPS)
    assert missing.status == 404
    assert "Page not found" in missing.text

    css_path = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html).group(1)
    css = _get(gunicorn + css_path, **{"Accept-Encoding": "gzip", **HTTPS})
    assert css.status == 200
    assert css.headers["Content-Type"].startswith("text/css")
    assert css.headers["Content-Encoding"] == "gzip"
    assert "{" in gzip.decompress(css.body).decode()
    assert "immutable" in css.headers["Cache-Control"]
