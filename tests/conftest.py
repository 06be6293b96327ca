import pytest

LAST_SITE_USER = pytest.StashKey()


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.com", "pw")
    client.force_login(user)
    return client


@pytest.fixture(scope="session")
def production_site():
    """The session's production site (tests/test_deploy.py), for every test that serves one."""
    from tests.test_deploy import ProductionSite

    site = ProductionSite.for_session()
    yield site
    site.stop()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session, for every browser test (tests/test_browser.py
    says where Chromium is): launching it is the slow part, and Playwright's sync API
    allows one instance per thread."""
    from playwright.sync_api import sync_playwright

    from tests.test_browser import CHROMIUM, LAUNCH_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """A page in a fresh context (its own cookies), closed after the test."""
    contexts = []

    def open_page():
        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        # Nothing more reaches the live server: a closing page sends its last autosave (a
        # beacon), which on PostgreSQL could deadlock with the flush that ends the test.
        context.route("**/*", lambda route: route.abort())
        context.close()


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE']}"


def pytest_collection_finish(session):
    """Start the subprocesses that selected tests will wait for, so that their seconds of
    work run on the core the tests leave free: the production site of tests/test_deploy.py
    (about 3 s, then gunicorn), then the fresh interpreter of tests/test_startup.py (about
    2 s), once the site is up so that the two do not compete with the tests for a core."""
    if session.config.option.collectonly:
        return
    needs = {name: [] for name in ("production_site", "startup_probe")}
    for item in session.items:
        for name in needs.keys() & set(getattr(item, "fixturenames", ())):
            needs[name].append(item)
    site = None
    if needs["production_site"]:
        from tests.test_deploy import ProductionSite

        site = ProductionSite.for_session()
        session.config.add_cleanup(site.stop)
        session.config.stash[LAST_SITE_USER] = needs["production_site"][-1]
    if needs["startup_probe"]:
        from tests.test_startup import Probe

        probe = Probe.for_session()
        session.config.add_cleanup(probe.stop)
        probe.start(after=site.served if site else None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Once the last test that needs the production site is over, stop it in the
    background (gunicorn takes about half a second) instead of at the end of the session."""
    try:
        return (yield)
    finally:
        if item is item.config.stash.get(LAST_SITE_USER, None):
            from tests.test_deploy import ProductionSite

            ProductionSite.for_session().stop_soon()
