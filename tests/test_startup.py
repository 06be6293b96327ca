"""Start-up stays light: the related-content engine's libraries (NumPy, SciPy,
scikit-learn: seconds to import) load only when the engine runs, never when a process
starts, loads its URLs or its admin.

Checked in a fresh interpreter: in this one the tests have long imported everything.
"""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

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


def probe():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "site_cms.settings.test"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_starting_the_site_does_not_load_the_engine_libraries():
    found = probe()
    assert found["admin"] > 0  # the admin was loaded, with its explanation panel
    assert found["start"] == []
    assert found["engine"] == HEAVY
