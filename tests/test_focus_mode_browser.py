"""Focus (static/editorial/focus.js, chrome.css) in a real browser (Playwright driving
Debian's Chromium, headless): the writing screen without the admin around it, left with
Esc, remembered by the browser; what it hides is still saved. The browser and its
pages: the fixtures in conftest.py."""

import pytest
from django.contrib.auth.models import User

from essays.models import Essay

from . import test_browser  # noqa: F401  (skips this module too when Chromium is missing)
from .factories import EssayFactory, TagFactory
from .test_writers_desk_browser import signed_in

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.browser,
]

FOCUS = "button.desk-focus-toggle"


def test_focus_hides_the_admin_and_esc_brings_it_back(live_server, new_page, django_user_model):
    page = signed_in(new_page, live_server, django_user_model)
    author = User.objects.get(username="editor")
    post = EssayFactory(draft=True, author=author, body="Words.", tags=[TagFactory(name="sea")])
    url = f"{live_server.url}/admin/essays/essay/{post.pk}/change/"
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(url)
    sidebar, body = page.locator("#nav-sidebar"), page.locator("#id_body")
    sidebar.wait_for()
    assert page.locator("#id_slug").is_visible()
    beside_the_sidebar = body.bounding_box()["width"]

    page.click(FOCUS)
    sidebar.wait_for(state="hidden")
    for hidden in ("#header", "div.breadcrumbs", "#id_slug", "#id_status", "#id_tags"):
        assert not page.locator(hidden).is_visible(), hidden
    for shown in ("#id_title", "#id_body", ".desk-preview", ".field-reading_stats"):
        assert page.locator(shown).first.is_visible(), shown
    assert page.locator("input[name=_continue]").first.is_visible()
    assert page.get_attribute(FOCUS, "aria-pressed") == "true"
    # The body's column is wide: wider than the admin gives it beside the sidebar.
    assert body.bounding_box()["width"] > 1.2 * beside_the_sidebar

    page.keyboard.press("Escape")
    sidebar.wait_for()
    assert page.locator("#header").is_visible() and page.locator("#id_slug").is_visible()
    assert page.get_attribute(FOCUS, "aria-pressed") == "false"

    # The shortcut, remembered by this browser for the next form; Esc from the text too.
    page.keyboard.press("Control+Shift+F")
    sidebar.wait_for(state="hidden")
    page.reload()
    page.locator("#id_body").wait_for()
    assert page.evaluate("() => document.body.classList.contains('desk-focus')")
    assert not sidebar.is_visible()
    body.click()
    page.keyboard.press("Escape")
    sidebar.wait_for()
    assert page.evaluate("() => localStorage.getItem('writersdesk:focus')") is None

    # What focus hides is still in the form, and saved with it.
    page.keyboard.press("Control+Shift+F")
    body.fill("Words, written in focus.")
    page.click("input[name=_continue]")
    page.locator(".messagelist .success").first.wait_for()
    saved = Essay.objects.get(pk=post.pk)
    assert (saved.body, saved.slug, saved.status) == (
        "Words, written in focus.",
        post.slug,
        "draft",
    )
    assert [tag.name for tag in saved.tags.all()] == ["sea"]
    assert page.evaluate("() => document.body.classList.contains('desk-focus')")
