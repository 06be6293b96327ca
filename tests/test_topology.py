"""The whole topology of README "Several app servers", for real: two gunicorn instances
(production settings, two workers each, own ports) behind nginx (deploy/nginx.conf.template
with both as upstreams), one ``manage.py worker``, and what they share: a PostgreSQL
database the test creates and drops, Redis (its own key prefix, cleaned after) and an S3
server (moto). It proves:

- an edit saved through instance A shows on instance B's pages on the very next request;
- an image uploaded through A is in B's page, served from the bucket;
- a post scheduled ~10 s ahead goes live on both at its instant, and its webhook fires once;
- stopping A under steady load loses no request at the balancer, nor does a graceful
  reload (HUP) of B;
- ``/healthz`` through the balancer finds the database, Redis, S3 and the queue well.

Skipped when PostgreSQL, Redis or nginx is missing.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from html.parser import HTMLParser
from io import BytesIO

import pytest
from PIL import Image as Pillow

from .test_deploy import DEADLINE, HTTPS, PREPARE, ROOT, _free_port, _get, production_env
from .test_outage import _postgres_is_up, _psql
from .test_page_cache_gunicorn import REDIS, _redis_is_up
from .test_s3_storage import s3_server  # noqa: F401
from .test_slow_clients import _render

pytestmark = [
    pytest.mark.gunicorn,
    pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed"),
]
BUCKET = "topology-media"
PASSWORD = "topology-" + uuid.uuid4().hex
AHEAD = 10  # seconds between scheduling the post and its publish_at
LOAD_THREADS = 4

SCHEDULE = """
import json, sys
from datetime import timedelta
import django
django.setup()
from django.utils import timezone
from essays.models import Essay
from pages.models import Page
post = Essay.objects.create(title="Topology", slug="topology-" + sys.argv[2], body="Words.",
    status="published", publish_at=timezone.now() + timedelta(seconds=float(sys.argv[1])))
print(json.dumps({"url": post.get_absolute_url(), "publish_at": post.publish_at.timestamp(),
                  "about": Page.objects.get(slug="about").pk}))
"""


def _wait(condition, seconds=DEADLINE, what=""):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what() if callable(what) else what
        time.sleep(0.1)


def _request_lines(log):
    """The site's request log lines (core/logs.py) among a process's output."""
    for text in log.splitlines():
        if text.startswith("{"):
            try:
                line = json.loads(text)
            except ValueError:
                continue
            if line.get("logger") == "site_cms.requests":
                yield line


def _answers(url):
    try:
        return _get(url + "/", timeout=5, **HTTPS).status == 200
    except OSError:
        return False


class Topology:
    """Every process of the test, started and stopped in order."""

    def __init__(self, folder, env):
        self.folder, self.env, self.processes = folder, env, {}

    def start(self, name, command):
        log = (self.folder / f"{name}.log").open("w")
        process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        process.log = log
        self.processes[name] = process
        return process

    def log(self, name):
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def gunicorn(self, name):
        url = f"http://127.0.0.1:{_free_port()}"
        self.start(
            name,
            [
                *[sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
                *["--bind", url.removeprefix("http://"), "--workers", "2"],
                "--no-control-socket",
            ],
        )
        return url

    def stop(self, name, sig=signal.SIGTERM):
        process = self.processes[name]
        if process.poll() is None:
            process.send_signal(sig)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        process.log.close()

    def stop_all(self):
        for name in reversed(list(self.processes)):
            self.stop(name)


@pytest.fixture
def topology(tmp_path, s3_server):  # noqa: F811
    if not _postgres_is_up():
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    if not _redis_is_up():
        pytest.skip("no Redis on 127.0.0.1:6379")
    import boto3
    import redis

    from .hook_server import HookServer

    s3 = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    s3.create_bucket(Bucket=BUCKET)
    s3.put_bucket_policy(
        Bucket=BUCKET,
        Policy=(
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",'
            f'"Action":"s3:GetObject","Resource":"arn:aws:s3:::{BUCKET}/*"}}]}}'
        ),
    )
    database = f"site_cms_topology_{uuid.uuid4().hex[:12]}"
    prefix = f"site-cms-topology-{uuid.uuid4().hex}"
    _psql(f"CREATE DATABASE {database}")
    hooks = HookServer().__enter__()
    env = production_env(
        tmp_path,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}",
        REDIS_URL=REDIS,
        CACHE_KEY_PREFIX=prefix,
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_ENDPOINT_URL=s3_server,
        AWS_S3_REGION_NAME="us-east-1",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        GOLIVE_WEBHOOK_URLS=hooks.url + "/hook",
        GOLIVE_INTERVAL="0.5",
        SITE_URL="https://example.com",
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
        INSTANCES="2",
        AXES_PROXY_COUNT="1",
        LOG_FORMAT="json",
    )
    site = Topology(tmp_path, env)
    try:
        # The release step (README, "Production"); collectstatic beside it.
        steps = [
            ["migrate", "--no-input"],
            ["seed_demo"],
            ["createsuperuser", "--no-input", "--username", "admin", "--email", "a@example.com"],
        ]
        report = tmp_path / "release.json"
        release = site.start("release", [sys.executable, "-c", PREPARE, json.dumps(steps), report])
        static = site.start("static", [sys.executable, "manage.py", "collectstatic", "--no-input"])
        assert static.wait(timeout=120) == 0, site.log("static")
        assert release.wait(timeout=120) == 0, site.log("release")
        outcomes = json.loads(report.read_text())
        assert len(outcomes) == len(steps) and all(step["ok"] for step in outcomes), outcomes
        # Two instances, everything shared: the deploy check has nothing of core/checks.py
        # to warn of.
        check = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert "site_cms.W1" not in check.stdout + check.stderr, check.stdout + check.stderr
        site.a, site.b = site.gunicorn("a"), site.gunicorn("b")
        site.start(
            "worker",
            [sys.executable, "manage.py", "worker", "--no-startup-delay", "--interval", "0.2"],
        )
        nginx = tmp_path / "nginx"
        for folder in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (nginx / folder).mkdir(parents=True)
        port = _free_port()
        upstreams = [site.a.removeprefix("http://"), site.b.removeprefix("http://")]
        config = nginx / "nginx.conf"
        config.write_text(_render()(nginx, f"127.0.0.1:{port}", upstreams, tmp_path, "https"))
        # As root, nginx's workers would run as "nobody", who may not enter the test's folder.
        extra = " user root;" if os.geteuid() == 0 else ""
        site.start(
            "nginx", ["nginx", "-p", str(nginx), "-c", str(config), "-g", f"daemon off;{extra}"]
        )
        site.balancer = f"http://127.0.0.1:{port}"
        for name, url in (("a", site.a), ("b", site.b), ("nginx", site.balancer)):
            _wait(lambda url=url: _answers(url), what=lambda name=name: site.log(name))
        site.hooks, site.s3 = hooks, s3
        yield site
    finally:
        site.stop_all()
        hooks.__exit__()
        _psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        client = redis.Redis.from_url(REDIS)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
            for item in page.get("Contents", []):
                s3.delete_object(Bucket=BUCKET, Key=item["Key"])
        s3.delete_bucket(Bucket=BUCKET)


class FormFields(HTMLParser):
    """The fields of the admin's change form, as a browser would send them unchanged."""

    def __init__(self):
        super().__init__()
        self.fields, self.in_form, self.textarea, self.select = {}, False, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "").lower() == "post" and "id" in attrs:
            self.in_form = attrs["id"].endswith("_form")
        if not self.in_form or not attrs.get("name"):
            if tag == "option" and self.select and "selected" in attrs:
                self.fields[self.select] = attrs.get("value", "")
            return
        name = attrs["name"]
        if tag == "input" and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            checkable = attrs.get("type") in ("checkbox", "radio")
            self.fields[name] = attrs.get("value", "on" if checkable else "")
        elif tag == "textarea":
            self.textarea, self.fields[name] = name, ""
        elif tag == "select":
            self.select = name
            self.fields.setdefault(name, "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += (
                data.removeprefix("\n") if not self.fields[self.textarea] else data
            )


class Staff:
    """An editor's browser, on one instance: cookies kept by hand (they are Secure)."""

    def __init__(self, url):
        self.url, self.cookies = url, {}

    def request(self, path, data=None, content_type=None, **headers):
        headers = {**HTTPS, **headers, "Referer": (self.url + path).replace("http:", "https:")}
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.url + path, data=data, headers=headers)
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            response = opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            for header in response.headers.get_all("Set-Cookie") or ():
                name, value = header.split(";", 1)[0].split("=", 1)
                self.cookies[name] = value
            return response.status, response.read().decode()

    def post_form(self, path, fields):
        fields = {**fields, "csrfmiddlewaretoken": self.cookies["csrftoken"]}
        return self.request(path, urllib.parse.urlencode(fields).encode())

    def log_in(self):
        self.request("/admin/login/")
        status, text = self.post_form("/admin/login/", {"username": "admin", "password": PASSWORD})
        assert status == 302, text

    def upload(self, image, alt):
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="alt"\r\n\r\n{alt}\r\n'.encode(),
            f"--{boundary}\r\nContent-Disposition: form-data; "
            'name="image"; filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
            + image
            + b"\r\n",
            f"--{boundary}--\r\n".encode(),
        ]
        status, text = self.request(
            "/markdownx/upload/",
            b"".join(parts),
            f"multipart/form-data; boundary={boundary}",
            **{"X-Requested-With": "XMLHttpRequest", "X-CSRFToken": self.cookies["csrftoken"]},
        )
        assert status == 200, text
        return json.loads(text)["image_code"]

    def edit(self, path, **changes):
        status, text = self.request(path)
        assert status == 200, text
        parser = FormFields()
        parser.feed(text)
        status, text = self.post_form(path, {**parser.fields, **changes, "_save": "Save"})
        assert status == 302, re.findall(r'class="errorlist[^"]*".*?</ul>', text, re.S) or text


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _jpeg():
    out = BytesIO()
    Pillow.new("RGB", (1200, 800), "teal").save(out, "JPEG")
    return out.getvalue()


class Watch(threading.Thread):
    """Asks both instances for a page every 0.1 s: (time, status) for each."""

    def __init__(self, urls, path):
        super().__init__(daemon=True)
        self.urls, self.path, self.seen = urls, path, {url: [] for url in urls}
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.wait(0.1):
            for url in self.urls:
                try:
                    status = _get(url + self.path, timeout=5, **HTTPS).status
                except OSError:
                    status = None
                self.seen[url].append((time.time(), status))


class Load(threading.Thread):
    """One reader through the balancer, a new connection per request, until stopped."""

    PATHS = ("/", "/blog/", "/about/", "/index.xml")

    def __init__(self, url, stopped):
        super().__init__(daemon=True)
        self.url, self.stopped, self.sent, self.errors = url, stopped, 0, []

    def run(self):
        while not self.stopped.is_set():
            path = self.PATHS[self.sent % len(self.PATHS)]
            self.sent += 1
            try:
                status = _get(self.url + path, timeout=30, **HTTPS).status
            except OSError as error:
                status = repr(error)
            if status != 200:
                self.errors.append((time.time(), path, status))


def test_two_instances_behind_a_balancer_share_everything(topology):
    site = topology
    started = time.monotonic()
    made = subprocess.run(
        [sys.executable, "-c", SCHEDULE, str(AHEAD), uuid.uuid4().hex[:8]],
        env=site.env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    scheduled = json.loads(made.stdout.strip().splitlines()[-1])
    watch = Watch([site.a, site.b], scheduled["url"])
    watch.start()

    # An edit through A, with an image uploaded through A: B's next answer has both.
    # B has the page cached (the worker's refresh for the new post may drop it once).
    _wait(lambda: _get(site.b + "/about/", **HTTPS).headers["X-Cache"] == "hit", seconds=10)
    staff = Staff(site.a)
    staff.log_in()
    code = staff.upload(_jpeg(), "A teal field")
    staff.edit(
        f"/admin/pages/page/{scheduled['about']}/change/",
        title="About two servers",
        body="Edited through A.\n\n" + code,
    )
    page = _get(site.b + "/about/", **HTTPS)
    assert page.status == 200
    assert "About two servers" in page.text
    [src] = re.findall(r'<img[^>]* src="([^"]+)"', page.text)
    assert src.startswith(f"{site.env['AWS_S3_ENDPOINT_URL']}/{BUCKET}/images/"), src
    with urllib.request.urlopen(src, timeout=10) as served:
        assert Pillow.open(BytesIO(served.read())).size[0] <= 1200
    edit_seconds = time.monotonic() - started

    # Each instance's health, through the balancer: PostgreSQL, Redis, S3, the queue.
    health = _get(site.balancer + "/healthz", **HTTPS)
    assert health.status == 200, health.text
    assert all(check["ok"] for check in json.loads(health.text)["checks"].values())
    request_id = health.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    # The site's JSON request line for it, on the instance's stdout, has the same id.
    _wait(
        lambda: any(
            line["request_id"] == request_id and line["path"] == "/healthz"
            for line in _request_lines(site.log("a") + site.log("b"))
        ),
        seconds=5,
        what=lambda: site.log("a")[-3000:],
    )

    # The scheduled post: hidden on both until its instant, then shown on both; one webhook.
    publish_at = scheduled["publish_at"]
    _wait(lambda: len(site.hooks.to("/hook")) >= 1, seconds=AHEAD + 30, what="no webhook")
    _wait(lambda: all(any(s == 200 for _t, s in seen) for seen in watch.seen.values()), 10)
    time.sleep(2)  # four more ticks of the worker's clock: nothing more comes
    watch.stopped.set()
    watch.join()
    [hook] = site.hooks.to("/hook")
    assert json.loads(hook)["url"].endswith(scheduled["url"])
    [(_path, delivered)] = site.hooks.arrivals
    shown = {}
    for url, seen in watch.seen.items():
        assert all(status == 404 for moment, status in seen if moment < publish_at - 0.05), seen
        shown[url] = min(moment for moment, status in seen if status == 200) - publish_at
        assert all(status == 200 for moment, status in seen if moment > publish_at + 2), seen
    assert all(0 <= lag < 2 for lag in shown.values()), shown
    assert 0 <= delivered - publish_at < 5

    # Steady load through the balancer: A stops, then B reloads; no request is lost.
    stopped = threading.Event()
    readers = [Load(site.balancer, stopped) for _ in range(LOAD_THREADS)]
    for reader in readers:
        reader.start()
    time.sleep(1.5)
    served_by_a = site.log("a").count('"GET ')
    site.stop("a")
    time.sleep(1.5)
    old_workers = set(re.findall(r"Booting worker with pid: (\d+)", site.log("b")))
    site.processes["b"].send_signal(signal.SIGHUP)
    _wait(
        lambda: (
            len(set(re.findall(r"Booting worker with pid: (\d+)", site.log("b"))) - old_workers)
            >= 2
        ),
        seconds=30,
        what=lambda: site.log("b"),
    )
    time.sleep(1.5)
    stopped.set()
    for reader in readers:
        reader.join(timeout=60)
    sent = sum(reader.sent for reader in readers)
    errors = [error for reader in readers for error in reader.errors]
    print(
        f"\ntopology: edit and image through A seen on B {edit_seconds:.1f} s after start; "
        f"post live on A {shown[site.a]:.2f} s and on B {shown[site.b]:.2f} s after publish_at; "
        f"webhook deliveries {len(site.hooks.to('/hook'))}, "
        f"{delivered - publish_at:.2f} s after publish_at; "
        f"load through nginx: {sent} requests sent, {len(errors)} errors "
        f"(A stopped, then B reloaded; A had served {served_by_a} before)"
    )
    assert served_by_a > 0  # the balancer did use both
    assert sent > 50
    assert errors == [], errors
