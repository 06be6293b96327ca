"""Text the writer has not saved, in the cases the plain autosave misses, in a real
browser (Playwright driving Debian's Chromium, headless): a form shown again after a
refused save, and typing while a restore offer is unanswered. The browser and its
pages: the fixtures in conftest.py."""

import re

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from editorial.models import Autosave
from essays.models import Essay

from . import test_browser  # noqa: F401  (skips this module too when Chromium is missing)
from .factories import EssayFactory
from .test_autosave_browser import autosaved, change_path, signed_in_as
from .test_writers_desk_browser import ADD, entries, entry_prefix, signed_in, wait_for_entry

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.browser,
]

ESSAY = "A whole essay, pasted in and never saved anywhere else, about harbours and tides."


def kept_bodies(page, prefix):
    """The body of every entry the desk keeps in this browser under ``prefix``."""
    return page.evaluate(
        """prefix => Object.keys(localStorage)
            .filter(key => key.startsWith(prefix))
            .map(key => JSON.parse(localStorage.getItem(key)).values.body).sort()""",
        prefix,
    )


def leave_by_the_breadcrumbs(page):
    """Click the breadcrumbs' Home: the question asked, if any, is answered "OK"."""
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.click(".breadcrumbs a")
    page.wait_for_url(re.compile(r".*/admin/$"))
    return asked


def test_a_change_refused_for_its_slug_is_kept_and_leaving_asks(
    live_server, new_page, django_user_model
):
    page = signed_in(new_page, live_server, django_user_model)
    EssayFactory(slug="taken")
    post = EssayFactory(draft=True, author=User.objects.get(username="editor"), body="Old.")
    path = change_path(post)
    page.goto(f"{live_server.url}{path}")
    page.fill("#id_slug", "taken")
    page.fill("#id_body", ESSAY)
    page.click("input[name=_continue]")  # at once: no autosave has had time to run
    page.locator(".errorlist").first.wait_for()
    assert page.input_value("#id_body") == ESSAY

    # Nothing typed since: the posted text is kept at once, in the browser and on the server.
    wait_for_entry(page, path)
    assert kept_bodies(page, entry_prefix(page, path)) == [ESSAY]
    autosaved(page)
    assert Autosave.objects.get(writing=post).data["body"] == ESSAY

    asked = leave_by_the_breadcrumbs(page)
    assert asked and "unsaved changes" in asked[0]
    assert kept_bodies(page, entry_prefix(page, path)) == [ESSAY]
    page.goto(f"{live_server.url}{path}")
    page.locator(".desk-restore").get_by_role("button", name="Restore").click()
    assert page.input_value("#id_body") == ESSAY


def test_a_new_post_refused_for_an_empty_field_is_kept(live_server, new_page, django_user_model):
    page = signed_in(new_page, live_server, django_user_model)
    page.goto(f"{live_server.url}{ADD}")
    page.fill("#id_body", ESSAY)
    page.click("input[name=_continue]")  # no title: refused
    page.locator(".errorlist").first.wait_for()
    assert not Essay.objects.exists()
    autosaved(page)
    assert Autosave.objects.get().data["body"] == ESSAY
    page.wait_for_timeout(1000)  # longer than desk.js waits before writing
    assert [saved["values"]["body"] for saved in entries(page).values()] == [ESSAY]

    asked = leave_by_the_breadcrumbs(page)
    assert asked and "unsaved changes" in asked[0]
    assert [saved["values"]["body"] for saved in entries(page).values()] == [ESSAY]


def test_a_change_refused_as_stale_is_kept_and_leaving_asks(
    live_server, new_page, django_user_model
):
    page = signed_in(new_page, live_server, django_user_model)
    post = EssayFactory(draft=True, author=User.objects.get(username="editor"), body="Old.")
    path = change_path(post)
    page.goto(f"{live_server.url}{path}")
    page.fill("#id_body", ESSAY)
    Essay.objects.filter(pk=post.pk).update(updated=timezone.now())  # saved elsewhere since
    page.click("input[name=_continue]")
    page.get_by_text(re.compile(r"Not saved: .+ after you opened it")).wait_for()
    wait_for_entry(page, path)
    asked = leave_by_the_breadcrumbs(page)
    assert asked and "unsaved changes" in asked[0]
    assert kept_bodies(page, entry_prefix(page, path)) == [ESSAY]


def test_typing_while_the_browsers_offer_is_open_keeps_both_texts(
    live_server, new_page, django_user_model
):
    page = signed_in(new_page, live_server, django_user_model)
    post = EssayFactory(draft=True, author=User.objects.get(username="editor"), body="Old.")
    path = change_path(post)
    url = f"{live_server.url}{path}"
    page.goto(url)
    first = "Old. The paragraph typed before the crash."
    page.fill("#id_body", first)
    autosaved(page)
    wait_for_entry(page, path)
    context = page.context
    page.close()

    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(url)
    page.get_by_text("Restore unsaved text?").wait_for()
    second = "Old. Another paragraph, typed with the question still open."
    page.fill("#id_body", second)
    page.wait_for_timeout(3500)  # longer than either script waits
    assert kept_bodies(page, entry_prefix(page, path)) == [second, first]
    assert Autosave.objects.get(writing=post).data["body"] == first  # not overwritten
    page.close()

    # The newest is offered first, saying the older one is kept; then the older.
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(url)
    offer = page.locator(".desk-restore:visible")
    offer.get_by_text("An older unsaved copy is kept too").wait_for()
    offer.get_by_role("button", name="Restore").click()
    assert page.input_value("#id_body") == second
    page.click("input[name=_continue]")
    page.locator(".messagelist .success").first.wait_for()
    assert Essay.objects.get(pk=post.pk).body == second
    page.goto(url)
    page.locator(".desk-restore:visible").get_by_role("button", name="Restore").click()
    assert page.input_value("#id_body") == first


def test_typing_while_the_servers_offer_is_open_keeps_both_texts(
    live_server, new_page, django_user_model
):
    page = signed_in(new_page, live_server, django_user_model)
    post = EssayFactory(draft=True, author=User.objects.get(username="editor"), body="Old.")
    path = change_path(post)
    url = f"{live_server.url}{path}"
    page.goto(url)
    first = "Old. Typed on another machine, kept only by the server."
    page.fill("#id_body", first)
    autosaved(page)
    context = page.context
    page.close()

    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/admin/")
    page.evaluate("() => localStorage.clear()")
    page.goto(url)
    page.locator(".desk-restore-server").wait_for()
    second = "Old. Typed here, with the server's question open."
    page.fill("#id_body", second)
    page.wait_for_timeout(3500)
    assert Autosave.objects.get(writing=post).data["body"] == first
    assert kept_bodies(page, entry_prefix(page, path)) == [second, first]
    page.close()

    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(url)
    offer = page.locator(".desk-restore:visible")
    offer.get_by_text("An older unsaved copy is kept too").wait_for()
    offer.get_by_role("button", name="Restore").click()
    assert page.input_value("#id_body") == second
    page.click("input[name=_continue]")
    page.locator(".messagelist .success").first.wait_for()
    page.goto(url)
    page.locator(".desk-restore:visible").get_by_role("button", name="Restore").click()
    assert page.input_value("#id_body") == first


def test_another_user_of_the_same_browser_is_not_offered_the_text(
    live_server, new_page, django_user_model
):
    page = signed_in(new_page, live_server, django_user_model)
    post = EssayFactory(draft=True, author=User.objects.get(username="editor"), body="Old.")
    path = change_path(post)
    url = f"{live_server.url}{path}"
    page.goto(url)
    mine = "Old. The editor's paragraph, not for anyone else's eyes."
    page.fill("#id_body", mine)
    editors = entry_prefix(page, path)
    wait_for_entry(page, path)
    leave_by_the_breadcrumbs(page)
    page.locator("#logout-form button").click()

    # Olga signs in on the same browser and opens the post: nothing is offered.
    signed_in_as(lambda: page, live_server, "olga", "Olga")
    page.goto(url)
    page.wait_for_load_state("load")
    page.wait_for_timeout(1000)
    assert page.locator(".desk-restore").count() == 0
    theirs = "Old. Olga's paragraph."
    page.fill("#id_body", theirs)
    wait_for_entry(page, path)
    assert kept_bodies(page, editors) == [mine]  # the editor's entry, untouched
    leave_by_the_breadcrumbs(page)
    page.locator("#logout-form button").click()

    # Signed in again, the editor is offered their own text.
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a-long-password")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(url)
    page.locator(".desk-restore:visible").get_by_role("button", name="Restore").click()
    assert page.input_value("#id_body") == mine


def test_two_tabs_of_one_post_keep_apart(live_server, new_page, django_user_model):
    first = signed_in(new_page, live_server, django_user_model)
    post = EssayFactory(draft=True, author=User.objects.get(username="editor"), body="Old.")
    path = change_path(post)
    url = f"{live_server.url}{path}"
    context = first.context
    second = context.new_page()
    second.set_default_timeout(15_000)
    first.goto(url)
    second.goto(url)
    ones, twos = "Old. The first tab's paragraph.", "Old. The second tab's paragraph."
    first.fill("#id_body", ones)
    autosaved(first)
    second.fill("#id_body", twos)
    autosaved(second)

    def server_bodies():
        return sorted(Autosave.objects.values_list("data__body", flat=True))

    assert server_bodies() == [ones, twos]
    assert kept_bodies(first, entry_prefix(first, path)) == [ones, twos]

    # The first tab saves: its copies go, the second tab's stay.
    first.click("input[name=_continue]")
    first.locator(".messagelist .success").first.wait_for()
    assert Essay.objects.get(pk=post.pk).body == ones
    assert server_bodies() == [twos]
    assert kept_bodies(first, entry_prefix(first, path)) == [twos]
    assert first.locator(".desk-restore").count() == 0  # the second tab's, still open

    # The second tab closes: a new tab offers its text.
    second.close()
    third = context.new_page()
    third.set_default_timeout(15_000)
    third.goto(url)
    third.locator(".desk-restore:visible").get_by_role("button", name="Restore").click()
    assert third.input_value("#id_body") == twos
