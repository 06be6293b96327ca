"""The writer's desk in a real browser (Playwright driving Debian's Chromium, headless):
typed text survives a closed tab and a stale CSRF token, leaving with unsaved changes
asks first, Ctrl+S saves and stays, and so do Save draft, Publish now and Schedule
(Save and close leaves). The browser and its pages: the fixtures in conftest.py."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.formats import date_format

from essays.models import Essay

from . import test_browser  # noqa: F401  (skips this module too when Chromium is missing)

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.browser,
]

ADD = "/admin/essays/essay/add/"

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


def entry_prefix(page, path=ADD):
    """Where the desk's entries of the form at ``path`` start, for the signed-in user
    (each user's apart, by the id the page gives desk.js); then come the form's own key,
    one per tab, and for an entry set aside while offered, a key of its own."""
    user = page.locator("script[data-desk-user]").get_attribute("data-desk-user")
    return f"writersdesk:user{user}:{path}"


def wait_for_entry(page, path=ADD):
    """Wait until the desk keeps an entry of the form at ``path`` in localStorage."""
    page.wait_for_function(
        "prefix => Object.keys(localStorage).some(key => key.startsWith(prefix))",
        arg=entry_prefix(page, path),
    )


def entry_key(page):
    """The localStorage key of this tab's add form: the path, then the form's own key."""
    session = "writersdesk:draft:" + ADD
    page.wait_for_function(f"() => sessionStorage.getItem({session!r}) !== null")
    return entry_prefix(page) + "#" + page.evaluate(f"() => sessionStorage.getItem({session!r})")


def entries(page):
    """Every add form's entry the desk keeps in this browser, by key."""
    return page.evaluate(
        """prefix => Object.fromEntries(Object.keys(localStorage)
            .filter(key => key.startsWith(prefix))
            .map(key => [key, JSON.parse(localStorage.getItem(key))]))""",
        entry_prefix(page) + "#",
    )


def kept(page):
    """What the desk keeps in localStorage for this tab's add form, once it has written it."""
    key = entry_key(page)
    page.wait_for_function(f"() => localStorage.getItem({key!r}) !== null")
    return page.evaluate(f"() => JSON.parse(localStorage.getItem({key!r}))")


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
    assert entries(page) == {}
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


def test_schedule_stays_in_the_editor_and_save_and_close_leaves(
    live_server, new_page, django_user_model
):
    page = signed_in(new_page, live_server, django_user_model)
    page.goto(f"{live_server.url}{ADD}")
    page.fill("#id_title", "Harbours")
    page.fill("#id_body", WORDS)
    live_at = timezone.localtime(timezone.now() + timedelta(days=3)).replace(second=0)
    page.fill("#id_publish_at_0", live_at.strftime("%Y-%m-%d"))
    page.fill("#id_publish_at_1", live_at.strftime("%H:%M:%S"))
    page.click("input[name=_schedule]")
    # Still in the editor, saying when it goes live.
    page.wait_for_url(re.compile(r".*/admin/essays/essay/\d+/change/$"))
    when = date_format(live_at, "j F Y, H:i")
    message = page.locator(".messagelist .success").first.inner_text()
    assert message == f"Scheduled “Harbours” for {when}."
    assert Essay.objects.get().state == "scheduled"

    # The plain save says what it does, and does it.
    close = page.locator("input[name=_save]").last
    assert close.get_attribute("value") == "Save and close"
    close.click()
    page.wait_for_url(f"{live_server.url}/admin/essays/essay/")
