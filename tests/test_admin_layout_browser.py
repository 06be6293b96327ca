"""The desk and the calendar at a desk's width and a phone's, in a real browser (the
fixtures in conftest.py): nothing wider than the window, and a problem's row stays a few
lines high (the admin's dashboard keeps its cells on one line)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from golive.models import GoLive

from . import test_browser  # noqa: F401  (skips this module too when Chromium is missing)
from .factories import EssayFactory
from .test_writers_desk_browser import signed_in

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.browser,
]

LONG_TITLE = "What the machines cannot take from a working life, and what we give them freely"
ERROR = "HTTP Error 500: Internal Server Error from https://hooks.example.com/newsletter/send"


def overflow(page):
    """How many pixels the page is wider than its window."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("width", [1400, 390])
def test_the_desk_and_calendar_fit_the_window(live_server, new_page, django_user_model, width):
    for n in range(3):
        post = EssayFactory(title=f"{LONG_TITLE} ({n})")
        GoLive.objects.create(
            writing=post,
            publish_at=timezone.now() - timedelta(hours=1),
            state=GoLive.State.FAILED,
            last_error=ERROR,
        )
        EssayFactory(title=f"{LONG_TITLE}, soon ({n})", scheduled=True)
    page = signed_in(new_page, live_server, django_user_model)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/admin/")
    rows = page.locator("tr.desk-go-live")
    assert rows.count() == 3
    for row in range(3):
        assert rows.nth(row).bounding_box()["height"] < 160
    assert overflow(page) <= 1

    page.goto(f"{live_server.url}/admin/essays/writing/calendar/")
    button = page.locator("table.queue button", has_text="Reschedule").first
    box = button.bounding_box()
    assert box["x"] + box["width"] <= width
    assert overflow(page) <= 1
