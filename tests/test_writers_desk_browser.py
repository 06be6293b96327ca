"""The writer's desk in a real browser (Playwright driving Debian's Chromium, headless):
typed text survives a closed tab and a stale CSRF token, leaving with unsaved changes
asks first, and Ctrl+S saves and stays. The browser and its pages: the fixtures
in conftest.py."""

import re

import pytest
from django.contrib.auth.models import Group

from essays.models import Essay

from . import test_browser  # noqa: F401  (skips this module too when Chromium is missing)

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.browser,
]

ADD = "/admin/essays/essay/add/"
KEY = "writersdesk:" + ADD
WORDS = "A paragraph I will not type twice, about harbours and tides."


def signed_in(new_page, live_server, django_user_model):
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
    return page


def type_into(page, selector, text):
    page.click(selector)
    page.keyboard.type(text)


def kept(page):
    """What the desk keeps in localStorage for the add form, once it has written it."""
    page.wait_for_function(f"() => localStorage.getItem({KEY!r}) !== null")
    return page.evaluate(f"() => JSON.parse(localStorage.getItem({KEY!r}))")


def test_text_typed_then_tab_closed_is_offered_back_and_ctrl_s_saves(
    live_server,
    new_page,
    django_user_model,
):
    page = signed_in(new_page, live_server, django_user_model)
    context = page.context
    page.goto(f"{live_server.url}{ADD}")
    type_into(page, "#id_title", "Harbours")
    type_into(page, "#id_body", WORDS)
    # The word count follows the typing.
    page.locator(".field-reading_stats .readonly", has_text="11 words").wait_for()
    assert kept(page)["values"]["body"] == WORDS
    page.close()  # the tab, closed; the browser stays

    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}{ADD}")
    prompt = page.locator(".desk-restore")
    prompt.get_by_text("Restore unsaved text?").wait_for()
    assert page.input_value("#id_body") == ""
    prompt.get_by_role("button", name="Restore").click()
    assert page.input_value("#id_body") == WORDS
    assert page.input_value("#id_title") == "Harbours"
    assert page.locator(".desk-restore").count() == 0

    # Ctrl+S: saved, and still in the editor.
    page.keyboard.press("Control+s")
    page.wait_for_url(re.compile(r".*/admin/essays/essay/\d+/change/$"))
    assert page.locator(".messagelist .success").count() >= 1
    essay = Essay.objects.get()
    assert (essay.title, essay.body) == ("Harbours", WORDS)
    # Saved: nothing is kept any more, and opening the form again offers nothing.
    assert page.evaluate(f"() => localStorage.getItem({KEY!r})") is None
    page.goto(f"{live_server.url}{ADD}")
    page.wait_for_load_state("load")
    assert page.locator(".desk-restore").count() == 0


def test_leaving_with_unsaved_changes_asks_first(
    live_server,
    new_page,
    django_user_model,
):
    page = signed_in(new_page, live_server, django_user_model)
    page.goto(f"{live_server.url}{ADD}")
    type_into(page, "#id_body", "Unsaved words.")

    # A link of the admin (the breadcrumbs' Home): a question first; "Cancel" stays.
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click(".breadcrumbs a")
    assert asked and "unsaved changes" in asked[0]
    assert page.url.endswith(ADD) and page.input_value("#id_body") == "Unsaved words."

    # Closing the tab, or any navigation the page does not see: the browser's own warning.
    kinds = []
    page.once("dialog", lambda dialog: (kinds.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert kinds == ["beforeunload"]


def test_a_stale_csrf_token_on_save_loses_nothing(
    live_server,
    new_page,
    django_user_model,
):
    page = signed_in(new_page, live_server, django_user_model)
    page.goto(f"{live_server.url}{ADD}")
    type_into(page, "#id_title", "Against the clock")
    type_into(page, "#id_body", WORDS)
    kept(page)
    # As if the author signed in again in another tab: this page's token is stale.
    token = page.locator("#content-main form [name=csrfmiddlewaretoken]")
    token.evaluate("field => { field.value = 'x'.repeat(64); }")
    page.click("input[name=_continue]")
    page.get_by_text("Nothing was saved, and nothing was lost").wait_for()
    assert not Essay.objects.exists()

    page.get_by_role("link", name="Back to the form, to restore your text").click()
    page.locator(".desk-restore").get_by_role("button", name="Restore").click()
    assert page.input_value("#id_body") == WORDS
    page.click("input[name=_save_draft]")
    page.wait_for_url(re.compile(r".*/admin/essays/essay/\d+/change/$"))
    assert Essay.objects.get().body == WORDS
