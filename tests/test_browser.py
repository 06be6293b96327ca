"""In a real browser (Playwright driving Debian's Chromium, headless): write, preview,
schedule, see it on the calendar, and watch it go live by itself.

One browser serves the whole session; each test opens its own contexts.
"""

import os
import re
import shutil
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.utils import timezone

from essays.models import ArticleAnalysis

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

if not os.path.exists(CHROMIUM):
    # CI installs Chromium (see .ci/run): there, a missing browser is a failure.
    if os.environ.get("CI"):
        raise RuntimeError(f"Chromium is not installed at {CHROMIUM}")
    pytest.skip("Chromium is not installed", allow_module_level=True)

# Playwright's sync API runs an event loop in this thread; the ORM calls below are
# ordinary synchronous test code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# serialized_rollback: the flush after a live-server test must not take the roles with it.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.browser,
]


# The browser and its pages: the ``browser`` and ``new_page`` fixtures in conftest.py, one
# Chromium for every browser test of the session (two Playwrights cannot share a thread).


def previewed(page, field, text, shows):
    """Type ``text`` into a Markdown field; its preview, once it shows ``(tag, words)``.

    The live server shares one in-memory SQLite connection between its request threads,
    so a preview request that overlaps another can fail there (never on a real server):
    the text is typed again, up to four times, before the test gives up. The preview's
    own box (in the site's styles) exists before any answer: only the expected element
    says that the server answered.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    preview = page.locator(field).locator("xpath=..").locator(".markdownx-preview")
    tag, words = shows
    for attempt in range(5):
        page.fill(field, text if attempt % 2 == 0 else text + " ")
        try:
            preview.locator(tag, has_text=words).first.wait_for(timeout=5_000)
            return preview
        except PlaywrightTimeout:
            continue
    return preview


def test_an_editor_writes_previews_and_schedules_an_analysis(
    live_server, new_page, django_user_model
):
    editor = django_user_model.objects.create_user(
        "editor", password="a-long-password", is_staff=True
    )
    editor.groups.add(Group.objects.get(name="Editor"))

    page = new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a-long-password")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")

    # markdownx asks for each field's preview as the page loads: those answers come first.
    page.goto(f"{live_server.url}/admin/essays/articleanalysis/add/", wait_until="networkidle")
    page.fill("#id_source_title", "The Harbour Report")
    page.fill("#id_source_url", "https://example.com/harbour")
    page.fill("#id_quote", "Ships rise with the tide.")
    # The markdownx live preview renders the Markdown through the site's sanitiser; each
    # field asks the server half a second after its last keystroke.
    summary = previewed(
        page, "#id_summary", "The report is **bold** about <script>x</script>.", ("strong", "bold")
    )
    summary.locator("strong", has_text="bold").first.wait_for()
    assert "<script" not in summary.inner_html()
    analysis = previewed(page, "#id_analysis", "I *agree*, mostly.", ("em", "agree"))
    analysis.locator("em", has_text="agree").first.wait_for()

    # An hour ahead, so that no slow form can reach it first; the clock is moved there below.
    live_at = timezone.localtime(timezone.now() + timedelta(hours=1))
    page.fill("#id_publish_at_0", live_at.strftime("%Y-%m-%d"))
    page.fill("#id_publish_at_1", live_at.strftime("%H:%M:%S"))
    page.click("input[name=_schedule]")
    # Scheduled, and still in the editor, saying when it goes live.
    page.wait_for_url(re.compile(r".*/admin/essays/articleanalysis/\d+/change/$"))
    page.locator(".messagelist", has_text="Scheduled “Article analysis: The Harbour").wait_for()
    page.goto(f"{live_server.url}/admin/essays/articleanalysis/")
    assert "Scheduled for" in page.content()

    analysis = ArticleAnalysis.objects.get()
    assert analysis.title == "Article analysis: The Harbour Report"
    assert analysis.state == "scheduled"

    page.goto(f"{live_server.url}/admin/essays/writing/calendar/")
    scheduled = page.locator("h2", has_text="Scheduled").locator(
        "xpath=following-sibling::table[1]"
    )
    assert "Article analysis: The Harbour Report" in scheduled.inner_text()

    reader = new_page()
    response = reader.goto(f"{live_server.url}{analysis.get_absolute_url()}")
    assert response.status == 404
    assert "Harbour" not in reader.content()

    # Its time comes: the live server runs in this process, so it sees the travelled clock
    # (Playwright's timeouts use the monotonic clock, which time-machine leaves alone).
    # Nothing else happens: no job runs, nothing is saved.
    with time_machine.travel(analysis.publish_at + timedelta(seconds=1)):
        response = reader.goto(f"{live_server.url}{analysis.get_absolute_url()}")
        assert response.status == 200
        assert reader.locator("h1").inner_text() == "Article analysis: The Harbour Report"
        assert "<strong>bold</strong>" in reader.content()
        home = reader.goto(f"{live_server.url}/")
        assert "Article analysis: The Harbour Report" in reader.content() and home.status == 200
