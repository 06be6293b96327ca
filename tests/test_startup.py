"""Start-up stays light: the related-content engine's libraries (NumPy, SciPy,
scikit-learn: seconds to import) load only when the engine runs, never when a process
starts, loads its URLs or its admin.

Checked in a fresh interpreter: in this one the tests have long imported everything.
It takes about 2 s (the engine's libraries are imported in it), so it runs in the
background beside the other tests, started by tests/conftest.py.
"""

import json
import os
import subprocess
import sys
import tempfile
import textwrap
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ["numpy", "scipy", "sklearn"]

# Starts the site as gunicorn does, resolves every URL (which imports every view and
# the admin), and reports which heavy libraries are loaded; then imports the engine,
# to prove the probe sees them when they are.
PROBE = textwrap.dedent(
    """
    import json, sys
    from django.core.wsgi import get_wsgi_application
    from django.contrib import admin
    from django.urls import get_resolver

    get_wsgi_application()
    get_resolver().reverse_dict  # every URLconf, included ones too
    registered = len(admin.site._registry)
    for model_admin in admin.site._registry.values():
        model_admin.urls
    heavy = {heavy!r}
    at_start = [name for name in heavy if name in sys.modules]
    import related.engine
    with_engine = [name for name in heavy if name in sys.modules]
    print(json.dumps({{"admin": registered, "start": at_start, "engine": with_engine}}))
    """
).format(heavy=HEAVY)


class Probe:
    """PROBE in its own interpreter, run once per session, read when the test asks."""

    _session = None
    _session_lock = threading.Lock()

    @classmethod
    def for_session(cls):
        with cls._session_lock:
            if cls._session is None:
                cls._session = cls()
            return cls._session

    def __init__(self):
        self.process = None
        self._lock = threading.Lock()
        self._stopped = False
        # Files, not pipes: nothing reads the output until the test runs.
        self.stdout, self.stderr = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")

    def start(self, after=None):
        """Run PROBE now, or once ``after`` (a threading.Event) is set, from a thread."""
        if after is None:
            self._start()
            return

        def start_after():
            after.wait()
            self._start()

        threading.Thread(target=start_after, name="startup-probe", daemon=True).start()

    def _start(self):
        with self._lock:
            if self.process is None and not self._stopped:
                env = {**os.environ, "DJANGO_SETTINGS_MODULE": "site_cms.settings.test"}
                self.process = subprocess.Popen(
                    [sys.executable, "-c", PROBE],
                    cwd=ROOT,
                    env=env,
                    stdout=self.stdout,
                    stderr=self.stderr,
                )

    def result(self):
        """What PROBE printed, once it has finished (started now if it has not been)."""
        self._start()
        returncode = self.process.wait(timeout=120)
        self.stderr.seek(0)
        assert returncode == 0, self.stderr.read()
        self.stdout.seek(0)
        return json.loads(self.stdout.read().strip().splitlines()[-1])

    def stop(self):
        with self._lock:
            self._stopped = True
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait()
        self.stdout.close()
        self.stderr.close()


@pytest.fixture(scope="session")
def startup_probe():
    return Probe.for_session()


def test_starting_the_site_does_not_load_the_engine_libraries(startup_probe):
    found = startup_probe.result()
    assert found["admin"] > 0  # the admin was loaded, with its explanation panel
    assert found["start"] == []
    assert found["engine"] == HEAVY
