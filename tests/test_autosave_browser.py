"""Autosave to the server and edit conflicts in a real browser (Playwright driving
Debian's Chromium, headless): text typed, the tab closed and the browser's own copy
cleared, is offered back from the server; two people editing one post are told so, and
a save from a second browser on a stale version is refused, not silently lost. The
browser and its pages: the fixtures in conftest.py."""

import re

import pytest
from django.contrib.auth.models import Group, User

from editorial.models import Autosave
from essays.models import Essay

from . import test_browser  # noqa: F401  (skips this module too when Chromium is missing)
from .factories import EssayFactory
from .test_writers_desk_browser import entry_prefix, signed_in, wait_for_entry

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.browser,
]

STATUS = ".desk-autosave-status"


def change_path(post):
    return f"/admin/essays/essay/{post.pk}/change/"


def signed_in_as(new_page, live_server, username, first_name):
    user = User.objects.create_user(
        username, password="a-long-password", is_staff=True, first_name=first_name
    )
    user.groups.add(Group.objects.get(name="Editor"))
    page = new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "a-long-password")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    return page


def autosaved(page):
    page.locator(STATUS, has_text="Autosaved to the server at").wait_for()


def test_text_typed_then_tab_closed_is_restored_from_the_server(
    live_server, new_page, django_user_model
):
    page = signed_in(new_page, live_server, django_user_model)
    post = EssayFactory(draft=True, author=User.objects.get(username="editor"), body="Old.")
    url = f"{live_server.url}{change_path(post)}"
    page.goto(url)
    words = "Old. And a paragraph typed just before the crash."
    page.fill("#id_body", words)
    autosaved(page)
    assert Autosave.objects.get(writing=post).data["body"] == words
    assert Essay.objects.get(pk=post.pk).body == "Old."  # the post itself is untouched
    context = page.context
    page.close()

    # The browser's own copy is gone too (another machine, cleared storage).
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/admin/")
    page.evaluate("() => localStorage.clear()")
    page.goto(url)
    prompt = page.locator(".desk-restore-server")
    prompt.get_by_text(re.compile(r"Restore the text autosaved at .+\?")).wait_for()
    assert page.input_value("#id_body") == "Old."
    prompt.get_by_role("button", name="Restore").click()
    assert page.input_value("#id_body") == words
    page.click("input[name=_continue]")
    page.wait_for_url(url)
    page.locator(".messagelist .success").first.wait_for()
    assert Essay.objects.get(pk=post.pk).body == words
    assert not Autosave.objects.exists()  # saved: nothing more to offer
    page.reload()
    page.wait_for_load_state("load")
    assert page.locator(".desk-restore-server").count() == 0


def test_a_conflicting_save_from_a_second_browser_is_refused(live_server, new_page):
    ed = signed_in_as(new_page, live_server, "ed", "Ed")
    olga = signed_in_as(new_page, live_server, "olga", "Olga")
    post = EssayFactory(draft=True, author=User.objects.get(username="ed"), body="First.")
    url = f"{live_server.url}{change_path(post)}"
    ed.goto(url)
    olga.goto(url)

    ed.fill("#id_body", "Ed's version.")
    autosaved(ed)
    # Olga, opening the form again, is told who else is at it.
    olga.reload()
    olga.get_by_text("Ed is also editing this post.").wait_for()

    ed.click("input[name=_continue]")
    ed.locator(".messagelist .success").first.wait_for()
    assert Essay.objects.get(pk=post.pk).body == "Ed's version."

    # Olga's form was opened before Ed's save: refused, saying so, her text kept.
    olga.fill("#id_body", "Olga's version.")
    olga.click("input[name=_continue]")
    olga.get_by_text(
        re.compile(r"Not saved: Ed saved this post at .+ after you opened it")
    ).wait_for()
    assert olga.input_value("#id_body") == "Olga's version."
    assert Essay.objects.get(pk=post.pk).body == "Ed's version."

    # Saving again, having been told, is her choice: it goes through.
    olga.click("input[name=_continue]")
    olga.locator(".messagelist .success").first.wait_for()
    assert Essay.objects.get(pk=post.pk).body == "Olga's version."


def test_a_new_post_typed_then_tab_closed_is_restored_from_the_server(
    live_server, new_page, django_user_model
):
    """Before its first save a post has no row: its copy is kept for the add form."""
    page = signed_in(new_page, live_server, django_user_model)
    add = f"{live_server.url}/admin/essays/essay/add/"
    page.goto(add)
    page.fill("#id_title", "Harbour lights")
    words = "A new post, typed and never saved before the crash."
    page.fill("#id_body", words)
    autosaved(page)
    copy = Autosave.objects.get()
    assert copy.writing is None and copy.data["body"] == words
    assert not Essay.objects.exists()  # autosave makes no post
    context = page.context
    page.close()

    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/admin/")
    page.evaluate("() => localStorage.clear()")  # only the server's copy is left
    page.goto(add)
    prompt = page.locator(".desk-restore-server")
    prompt.get_by_text(re.compile(r"Restore the text autosaved at .+\?")).wait_for()
    assert page.input_value("#id_body") == ""
    prompt.get_by_role("button", name="Restore").click()
    assert page.input_value("#id_body") == words
    assert page.input_value("#id_title") == "Harbour lights"
    page.click("input[name=_continue]")
    page.locator(".messagelist .success").first.wait_for()
    assert Essay.objects.get().body == words
    assert not Autosave.objects.exists()  # added: nothing more to offer
    page.goto(add)
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)
    assert page.locator(".desk-restore-server").count() == 0


def test_a_copy_from_before_someone_elses_save_is_offered_and_saving_it_asks_first(
    live_server, new_page
):
    """Ed types and it autosaves; Olga saves the post; Ed's tab crashes. Reopened (the
    browser's own copy gone too), Ed's copy is offered, naming Olga; restored, its save
    is refused once, showing what changed, and goes through when made again."""
    ed = signed_in_as(new_page, live_server, "ed", "Ed")
    olga = signed_in_as(new_page, live_server, "olga", "Olga")
    post = EssayFactory(draft=True, author=User.objects.get(username="ed"), body="First.")
    url = f"{live_server.url}{change_path(post)}"
    ed.goto(url)
    olga.goto(url)
    words = "First. And Ed's paragraph, never saved."
    ed.fill("#id_body", words)
    autosaved(ed)
    olga.fill("#id_title", "Tides, by Olga")
    olga.click("input[name=_continue]")
    olga.locator(".messagelist .success").first.wait_for()
    context = ed.context
    ed.close()

    ed = context.new_page()
    ed.set_default_timeout(15_000)
    ed.goto(f"{live_server.url}/admin/")
    ed.evaluate("() => localStorage.clear()")
    ed.goto(url)
    prompt = ed.locator(".desk-restore-server")
    prompt.get_by_text(re.compile(r"The post was saved since, by Olga at .+")).wait_for()
    assert Autosave.objects.filter(writing=post, user__username="ed").exists()
    prompt.get_by_role("button", name="Restore").click()
    assert ed.input_value("#id_body") == words
    ed.click("input[name=_continue]")
    ed.get_by_text(
        re.compile(r"Not saved: Olga saved this post at .+ after you opened it")
    ).wait_for()
    assert Essay.objects.get(pk=post.pk).body == "First."
    ed.click("input[name=_continue]")
    ed.locator(".messagelist .success").first.wait_for()
    assert Essay.objects.get(pk=post.pk).body == words


def test_saving_with_the_restore_offer_unanswered_loses_nothing(
    live_server, new_page, django_user_model
):
    page = signed_in(new_page, live_server, django_user_model)
    post = EssayFactory(draft=True, author=User.objects.get(username="editor"), body="Old.")
    path = change_path(post)
    url = f"{live_server.url}{path}"
    page.goto(url)
    words = "Old. And a paragraph typed just before the crash."
    page.fill("#id_body", words)
    autosaved(page)
    wait_for_entry(page, path)
    context = page.context
    page.close()

    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(url)
    page.get_by_text("Restore unsaved text?").wait_for()
    # Typing while the offer is unanswered: the server's copy keeps the paragraph.
    page.fill("#id_title", "Tides, renamed")
    page.wait_for_timeout(3500)  # longer than autosave.js waits before sending
    assert Autosave.objects.get(writing=post).data["body"] == words
    # Saving without answering: saved, and both copies kept.
    with page.expect_navigation():
        page.keyboard.press("Control+s")
    page.locator(".messagelist .success").first.wait_for()
    assert Essay.objects.get(pk=post.pk).title == "Tides, renamed"
    assert Autosave.objects.get(writing=post).data["body"] == words
    # The browser's copy waits under a key of its own, beside the form's (desk.js).
    kept = page.evaluate(
        f"""() => Object.keys(localStorage)
            .filter(key => key.startsWith({entry_prefix(page, path)!r}))
            .map(key => JSON.parse(localStorage.getItem(key)).values.body)"""
    )
    assert kept == [words]
    # Offered again, and restored.
    page.locator(".desk-restore").get_by_role("button", name="Restore").click()
    assert page.input_value("#id_body") == words


def test_two_new_posts_typed_in_two_tabs_are_kept_apart(live_server, new_page, django_user_model):
    first = signed_in(new_page, live_server, django_user_model)
    context = first.context
    second = context.new_page()
    second.set_default_timeout(15_000)
    add = f"{live_server.url}/admin/essays/essay/add/"
    first.goto(add)
    second.goto(add)
    first.fill("#id_title", "First")
    first.fill("#id_body", "The first new post.")
    autosaved(first)
    second.fill("#id_title", "Second")
    second.fill("#id_body", "The second new post.")
    autosaved(second)

    def bodies():
        return sorted(Autosave.objects.values_list("data__body", flat=True))

    assert bodies() == ["The first new post.", "The second new post."]
    stored = first.evaluate(
        """prefix => Object.keys(localStorage)
            .filter(key => key.startsWith(prefix))
            .map(key => JSON.parse(localStorage.getItem(key)).values.body).sort()""",
        entry_prefix(first),
    )
    assert stored == ["The first new post.", "The second new post."]

    # The first tab closes; a new tab offers its text, not the second's (still open).
    first.close()
    third = context.new_page()
    third.set_default_timeout(15_000)
    third.goto(add)
    third.locator(".desk-restore").get_by_role("button", name="Restore").click()
    assert third.input_value("#id_body") == "The first new post."
    autosaved(third)
    assert bodies() == ["The first new post.", "The second new post."]  # moved, not copied
    # Adding it drops its copy only: the second tab's is kept.
    third.click("input[name=_save_draft]")
    third.wait_for_url(re.compile(r".*/admin/essays/essay/\d+/change/$"))
    assert Essay.objects.get().body == "The first new post."
    assert bodies() == ["The second new post."]
