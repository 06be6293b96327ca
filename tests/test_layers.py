"""The layout's one rule: imports point down. An app imports only apps on a lower floor;
apps on one floor do not import each other; no app imports the project package.

The floors, from the ground up (the README's layout table shows the same):
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "site_cms"

FLOORS = [
    {"core"},  # publishing base, Markdown, site settings, head metadata, redirects
    {"images"},  # the image library, uploads, renditions, the alt-text check
    {"books", "pages", "essays"},  # the content types, each with its own pages
    {"search", "related", "transfer", "golive"},  # what works over the writing
    {"editorial", "indieweb"},  # the writing admin; Webmention, newsletter signup
    {"website"},  # the site's own pages: landing page, hub, podcast, root slug, sitemap
]
FLOOR = {app: level for level, floor in enumerate(FLOORS) for app in floor}


def imported_apps(app):
    """(module file, imported top-level package) for every import in ``app``'s code,
    including imports inside functions."""
    found = []
    for path in sorted((ROOT / app).rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:  # relative imports stay inside the app
                continue
            for name in names:
                top = name.split(".")[0]
                if top != app and (top in FLOOR or top == PROJECT):
                    found.append((path.relative_to(ROOT).as_posix(), top))
    return found


def test_every_app_of_the_site_has_a_floor():
    local = {config.name for config in apps.get_app_configs() if Path(config.path).parent == ROOT}
    assert local == set(FLOOR)


@pytest.mark.parametrize("app", sorted(FLOOR))
def test_imports_point_down(app):
    wrong = [
        f"{module} imports {target}"
        for module, target in imported_apps(app)
        if target == PROJECT or FLOOR[target] >= FLOOR[app]
    ]
    assert wrong == []


def test_the_check_can_fail(tmp_path, monkeypatch):
    """The walk sees an upward import, even one tucked inside a function."""
    app = tmp_path / "core"
    app.mkdir()
    (app / "late.py").write_text("def f():\n    from website import views\n")
    monkeypatch.setattr("tests.test_layers.ROOT", tmp_path)
    assert imported_apps("core") == [("core/late.py", "website")]
