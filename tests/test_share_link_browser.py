"""The "Create share link" button in a real browser (Playwright driving Debian's Chromium,
headless): one click on a form holding unsaved text gives the link, and the text stays.
The browser and its pages: the fixtures in conftest.py. On the server:
tests/test_share_link_button.py."""

import pytest

from editorial.models import PreviewLink
from essays.models import Essay

from . import test_browser  # noqa: F401  (skips this module too when Chromium is missing)
from .factories import EssayFactory
from .test_writers_desk_browser import signed_in

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.browser,
]


def test_create_share_link_keeps_the_unsaved_text_and_the_link_shows_the_draft(
    live_server, new_page, django_user_model
):
    essay = EssayFactory(draft=True, title="Not yet out", body="Words for a reviewer.")
    change = f"{live_server.url}/admin/essays/essay/{essay.pk}/change/"
    page = signed_in(new_page, live_server, django_user_model)
    asked = []  # a "leave the page?" question would mean the click tried to leave
    page.on("dialog", lambda dialog: asked.append(dialog.message) or dialog.dismiss())
    page.goto(change)
    page.click("#id_body")
    page.keyboard.press("End")
    page.keyboard.type(" Typed, not saved.")

    page.get_by_role("button", name="Create share link").click()
    made = page.locator(".desk-share-made")
    made.get_by_text("Share link created.").wait_for()
    link = made.get_by_role("textbox", name="New share link").input_value()
    assert made.get_by_role("button", name="Copy").get_attribute("data-copy") == link
    assert "1\xa0week from now" in made.inner_text()

    # Still on the form, the typed text there and not saved; one link made.
    assert page.url == change and not asked
    assert page.input_value("#id_body") == "Words for a reviewer. Typed, not saved."
    assert Essay.objects.get().body == "Words for a reviewer."
    only = PreviewLink.objects.get()
    assert link == live_server.url + only.get_absolute_url()

    reviewer = new_page()  # a context of its own: no session, no cookies
    reviewer.goto(link)
    reviewer.get_by_role("heading", name="Not yet out").wait_for()
    assert reviewer.get_by_text("Words for a reviewer.").is_visible()
    assert "Typed, not saved" not in reviewer.content()

    # The same address is listed with the post's share links when the form opens again
    # (in another tab: this one would ask before leaving its unsaved text).
    again = page.context.new_page()
    again.goto(change)
    assert again.locator(".desk-share-link input").first.input_value() == link
