"""The site over HTTP, as readers get it: gunicorn, production settings, 10,000 posts.

    .venv/bin/python bench/http_bench.py [--posts 10000] [--seconds 5] [--rounds 3]
                                         [--workers 2] [--connections 8] [--before DIR]
    make bench

Not a test: run it by hand on a quiet machine. It builds a scratch SQLite database of
``--posts`` posts (tests/bulk.py: about 10 s), collects the static files, copies the
rendered analysis page into them, and starts gunicorn with the production settings and
gunicorn.conf.py (``--workers`` sync workers, its own port, no control socket, its own
page cache folder): once with the page cache, once without (``PAGE_CACHE=false``), and,
with ``--before DIR`` (a checkout of an earlier commit, e.g. ``git worktree add
/tmp/before HEAD``), once more from that code on the same database, without the cache.

Then, with wrk (``apt-get install wrk``; a small Python client when it is missing),
``--rounds`` rounds of ``--seconds`` s on each target, interleaved so that the machine's
noise falls on all of them alike: the static copy served by whitenoise, the analysis page
cached and uncached (and from the earlier code), ``/``, ``/blog/`` and ``/index.xml``,
uncached. It prints each target's median req/s, p50 and p99 and its ratio to the static
file; then the cached page's p99 at half its peak rate; then requests per second under
steady load while workers recycle (``GUNICORN_MAX_REQUESTS`` set low), and the boot time
of a worker's imports.
"""

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ANALYSIS = "bulk-1"  # tests/bulk.py: every third post from the second is an analysis
STATIC_COPY = "bench/analysis.html"


def environment(folder, **extra):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="site_cms.settings.production",
        SECRET_KEY="bench-only-secret-key-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        STATIC_ROOT=str(folder / "static"),
        MEDIA_ROOT=str(folder / "media"),
        PAGE_CACHE_DIR=str(folder / "page-cache"),
        # Plain HTTP on loopback: the TLS proxy of a real deployment is not measured.
        SECURE_SSL_REDIRECT="false",
        LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="",
    )
    env.update(extra)
    return env


def build(folder, posts):
    """The scratch site: migrated, ``posts`` posts, static files and the page's copy."""
    os.environ.update(environment(folder))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from tests.bulk import add_posts

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    add_posts(posts)
    call_command("collectstatic", interactive=False, verbosity=0)
    page = Client().get(f"/{ANALYSIS}/", HTTP_HOST="127.0.0.1")
    assert page.status_code == 200, page.status_code
    copy = folder / "static" / STATIC_COPY
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_bytes(page.content)
    print(f"Built {posts} posts in {time.monotonic() - started:.0f} s.", flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One gunicorn, from the code in ``code`` (this checkout or an earlier one)."""

    def __init__(self, name, folder, code, workers, **env):
        self.name, self.port = name, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = (folder / f"gunicorn-{name}.log").open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                str(code / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--no-control-socket",
            ],
            cwd=code,
            env=environment(folder, PYTHONPATH=str(code), **env),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait(self, path="/"):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn {self.name} exited: see its log"
            try:
                if get(self.url, path)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn {self.name} did not answer in 60 s")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def get(base, path, connection=None):
    """(status, headers) of one GET; ``connection`` is kept alive when given."""
    own = connection is None
    if own:
        connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status, dict(response.getheaders())
    finally:
        if own:
            connection.close()


# Load generation


def wrk(url, seconds, connections, delay_ms=0):
    """(req/s, p50 ms, p99 ms) from wrk; ``delay_ms`` paces each connection (wrk's Lua
    ``delay()``) to hold a rate below the peak."""
    args = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    script = None
    if delay_ms:
        script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
        script.write(f"function delay() return {delay_ms} end\n")
        script.close()
        args[1:1] = ["-s", script.name]
    try:
        out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    finally:
        if script:
            os.unlink(script.name)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    assert not errors, f"{url}: {errors.group(0)}"
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return rate, _latency(out, "50%"), _latency(out, "99%")


def _latency(out, percentile):
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)\b", out).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def python_load(url, seconds, connections, delay_ms=0):
    """The same measures from ``connections`` threads with keep-alive connections, when
    wrk is not installed (slower: Python's client caps the rates it can see)."""
    base, path = re.match(r"(http://[^/]+)(/.*)", url).groups()
    times, stop = [], time.monotonic() + seconds

    def run():
        connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=10)
        while time.monotonic() < stop:
            started = time.monotonic()
            status, _headers = get(base, path, connection)
            assert status == 200, (url, status)
            times.append(time.monotonic() - started)
            if delay_ms:
                time.sleep(delay_ms / 1000)
        connection.close()

    threads = [threading.Thread(target=run) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    times.sort()
    return (
        len(times) / seconds,
        times[len(times) // 2] * 1000,
        times[int(len(times) * 0.99)] * 1000,
    )


def per_second(url, seconds, connections):
    """Responses completed in each whole second of a steady load, from Python threads."""
    base, path = re.match(r"(http://[^/]+)(/.*)", url).groups()
    done, failures = Counter(), Counter()
    started = time.monotonic()
    stop = started + seconds

    def run():
        connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=30)
        while time.monotonic() < stop:
            try:
                status, _headers = get(base, path, connection)
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=30)
                status = None
            second = int(time.monotonic() - started)
            (done if status == 200 else failures)[second] += 1
        connection.close()

    threads = [threading.Thread(target=run) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [done[second] for second in range(seconds)], sum(failures.values())


def boot_seconds(code, folder, runs=5):
    """Median wall time of what a fresh worker imports: ``import site_cms.wsgi``."""
    env = environment(folder, PYTHONPATH=str(code))
    times = []
    for _ in range(runs):
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "-c", "import site_cms.wsgi"], cwd=code, env=env, check=True
        )
        times.append(time.monotonic() - started)
    return statistics.median(times)


# The run


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--before", type=Path, help="an earlier checkout to measure too")
    parser.add_argument("--recycle-seconds", type=int, default=30)
    args = parser.parse_args()
    load = wrk if shutil.which("wrk") else python_load
    if load is python_load:
        print("wrk is not installed (apt-get install wrk): using a Python client.")

    folder = Path(tempfile.mkdtemp(prefix="site_cms-bench-"))
    build(folder, args.posts)
    page = f"/{ANALYSIS}/"
    servers = {
        "cached": Server("cached", folder, ROOT, args.workers, PAGE_CACHE="true"),
        "uncached": Server("uncached", folder, ROOT, args.workers, PAGE_CACHE="false"),
    }
    if args.before:
        servers["before"] = Server(
            "before", folder, args.before.resolve(), args.workers, PAGE_CACHE="false"
        )
    try:
        for server in servers.values():
            server.wait(page)
        assert get(servers["cached"].url, page)[1].get("X-Cache") == "hit"
        targets = {
            "static file (whitenoise)": servers["cached"].url + "/static/" + STATIC_COPY,
            "analysis, cached": servers["cached"].url + page,
            "analysis, uncached": servers["uncached"].url + page,
            "/ uncached": servers["uncached"].url + "/",
            "/blog/ uncached": servers["uncached"].url + "/blog/",
            "/index.xml uncached": servers["uncached"].url + "/index.xml",
        }
        if args.before:
            targets["analysis, uncached, before"] = servers["before"].url + page
        for url in targets.values():  # warm each worker's caches and connections
            load(url, 1, args.connections)
        results = {name: [] for name in targets}
        for round_number in range(args.rounds):
            for name, url in targets.items():
                results[name].append(load(url, args.seconds, args.connections))
            print(f"  round {round_number + 1} of {args.rounds} done", flush=True)
        report(results, args, load)

        peak = statistics.median(rate for rate, _p50, _p99 in results["analysis, cached"])
        # Each connection waits so that together they ask for about half the peak rate.
        delay = max(1, round(args.connections * 1000 / (peak / 2)))
        half = [load(targets["analysis, cached"], args.seconds, args.connections, delay)]
        rate, p50, p99 = half[0]
        print(
            f"\nCached analysis page at half its peak ({peak / 2:,.0f} req/s asked, "
            f"{args.connections} connections each pausing {delay} ms): "
            f"{rate:,.0f} req/s, p50 {p50:.2f} ms, p99 {p99:.2f} ms"
        )
    finally:
        for server in servers.values():
            server.stop()

    recycling(folder, args)
    print(
        f"\nA worker's imports (import site_cms.wsgi): {boot_seconds(ROOT, folder):.2f} s", end=""
    )
    if args.before:
        print(f"; before: {boot_seconds(args.before.resolve(), folder):.2f} s", end="")
    print()
    shutil.rmtree(folder, ignore_errors=True)


def report(results, args, load):
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(
        f"\n{when}, {os.cpu_count()} cores, {args.posts:,} posts, gunicorn {args.workers} "
        f"sync workers, SQLite, {load.__name__} with {args.connections} connections, "
        f"median of {args.rounds} rounds of {args.seconds} s"
    )
    medians = {
        name: tuple(statistics.median(run[i] for run in runs) for i in range(3))
        for name, runs in results.items()
    }
    static = medians["static file (whitenoise)"][0]
    print("\n| target | req/s | p50 ms | p99 ms | vs static |\n|---|---:|---:|---:|---:|")
    for name, (rate, p50, p99) in medians.items():
        print(f"| {name} | {rate:,.0f} | {p50:.2f} | {p99:.2f} | {rate / static:.0%} |")
    if "analysis, uncached, before" in medians:
        before = medians["analysis, uncached, before"][0]
        print(f"\nUncached analysis page: {medians['analysis, uncached'][0] / before:.1f}× before")


def recycling(folder, args):
    """Steady load on the uncached analysis page while each worker recycles every 300
    requests: no second may pass without a response."""
    server = Server(
        "recycling",
        folder,
        ROOT,
        args.workers,
        PAGE_CACHE="false",
        GUNICORN_MAX_REQUESTS="300",
        LOG_LEVEL="INFO",  # gunicorn logs each recycle at info
    )
    try:
        server.wait()
        counts, failures = per_second(
            server.url + f"/{ANALYSIS}/", args.recycle_seconds, args.connections
        )
    finally:
        server.stop()
    log = (folder / "gunicorn-recycling.log").read_text()
    recycles = log.count("Autorestarting worker")
    print(
        f"\nSteady load across worker recycles ({args.recycle_seconds} s, "
        f"GUNICORN_MAX_REQUESTS=300, {recycles} recycles logged, {failures} failures): "
        f"responses per second min {min(counts)}, median {statistics.median(counts)}, "
        f"max {max(counts)}; seconds with none: {counts.count(0)}"
    )
    print("  per second: " + " ".join(str(count) for count in counts))


if __name__ == "__main__":
    main()
