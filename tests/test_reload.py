"""Restarts without stalls: gunicorn preloads the site (gunicorn.conf.py), so a graceful
reload (HUP) forks workers that are ready at once, and the first request after it is
answered in well under a second."""

import signal
import subprocess
import sys
import time

import pytest

from .test_deploy import DEADLINE, HTTPS, ROOT, _free_port, _get, production_env

pytestmark = pytest.mark.gunicorn


@pytest.fixture
def served(production_site, tmp_path):
    production_site.steps_run()
    source = production_site.folder
    env = production_env(
        source,
        STATIC_ROOT=str(source / "static"),
        PAGE_CACHE="false",  # every answer is rendered by a worker
        PAGE_CACHE_DIR=str(tmp_path / "cache"),
    )
    port = _free_port()
    server = subprocess.Popen(
        [
            *[sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
            *["--bind", f"127.0.0.1:{port}", "--workers", "2", "--no-control-socket"],
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "gunicorn.log").open("w"),
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + DEADLINE
    while True:
        assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
        try:
            if _get(url + "/", timeout=5, **HTTPS).status == 200:
                break
        except OSError:
            pass
        assert time.monotonic() < deadline
        time.sleep(0.1)
    try:
        yield server, url
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=10)


def test_the_first_request_after_a_reload_is_answered_at_once(served):
    server, url = served
    timings = []
    for _ in range(3):
        server.send_signal(signal.SIGHUP)  # what a deploy's graceful reload sends
        started = time.perf_counter()
        response = _get(url + "/blog/", timeout=10, **HTTPS)
        timings.append(time.perf_counter() - started)
        assert response.status == 200
        time.sleep(0.5)
    print(f"\nfirst request after a reload: {[round(t * 1000) for t in timings]} ms")
    # Without preloading a reload stalled the next request for 16 to 19 s. A loaded CI
    # machine may slow one reload; the quickest shows what a reload costs.
    assert min(timings) < 1.0, timings
    assert max(timings) < 5.0, timings
