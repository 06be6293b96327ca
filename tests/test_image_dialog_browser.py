"""The "Insert an image" dialog (static/editorial/images.js, images.css) in a real browser
(Playwright driving Debian's Chromium, headless): no error box before there is an error,
the whole dialog on a phone's screen, and in Focus (static/editorial/focus.js) Esc closes
the dialog without leaving Focus. The browser and its pages: the fixtures in conftest.py."""

import pytest

from . import test_browser  # noqa: F401  (skips this module too when Chromium is missing)
from .test_writers_desk_browser import signed_in

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.browser,
]

ADD = "/admin/essays/essay/add/"


def open_dialog(page):
    page.locator(".field-body").get_by_role("button", name="Insert image").click()
    dialog = page.get_by_role("dialog", name="Insert an image")
    dialog.wait_for()
    return dialog


def test_the_error_box_shows_only_with_an_error(live_server, new_page, django_user_model):
    page = signed_in(new_page, live_server, django_user_model)
    page.goto(f"{live_server.url}{ADD}")
    dialog = open_dialog(page)
    error = dialog.locator(".errornote")
    assert error.count() == 1 and not error.is_visible()

    dialog.get_by_role("button", name="Upload and insert").click()
    error.wait_for()
    assert error.inner_text() == "Choose an image to upload."

    dialog.get_by_role("button", name="Cancel").click()
    dialog.wait_for(state="hidden")
    open_dialog(page)
    assert not error.is_visible()


def test_the_dialog_fits_a_phone_screen(live_server, new_page, django_user_model):
    page = signed_in(new_page, live_server, django_user_model)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}{ADD}")
    box = open_dialog(page).bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box


def test_in_focus_esc_closes_the_dialog_and_stays_in_focus(
    live_server, new_page, django_user_model
):
    page = signed_in(new_page, live_server, django_user_model)
    page.goto(f"{live_server.url}{ADD}")
    page.click("button.desk-focus-toggle")
    in_focus = "() => document.body.classList.contains('desk-focus')"
    assert page.evaluate(in_focus)

    dialog = open_dialog(page)
    dialog.get_by_label("Alt text", exact=True).click()
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert page.evaluate(in_focus)

    # With the dialog closed, Esc leaves Focus as before.
    page.click("#id_body")
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.body.classList.contains('desk-focus')")
