"""More of the writer's desk in a real browser (Playwright driving Debian's Chromium,
headless): the live preview beside the text in the site's styles, "Insert image" with
alt text, a share link opened by a reviewer without an account, and a bulk publish of
three drafts from "All writing". The browser and its pages: the fixtures in conftest.py."""

import re
from pathlib import Path

import pytest

from core.publishing import Status
from essays.models import Essay
from images.models import Image

from . import test_browser  # noqa: F401  (skips this module too when Chromium is missing)
from .factories import EssayFactory
from .test_images import image_bytes
from .test_writers_desk_browser import signed_in

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.browser,
]

ADD = "/admin/essays/essay/add/"
PREVIEW = ".field-body .markdownx-preview"


def preview_text(page):
    return page.locator(PREVIEW).evaluate("box => box.shadowRoot.textContent")


def test_the_preview_sits_beside_the_text_in_the_sites_styles_and_follows_typing(
    live_server, new_page, django_user_model
):
    page = signed_in(new_page, live_server, django_user_model)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(f"{live_server.url}{ADD}")
    page.click("#id_body")
    page.keyboard.type("## Tides\n\nThe sea comes in")
    page.wait_for_function(
        f"() => document.querySelector({PREVIEW!r}).shadowRoot.textContent"
        ".includes('The sea comes in')",
        timeout=3000,
    )
    editor = page.locator("#id_body").bounding_box()
    preview = page.locator(PREVIEW).bounding_box()
    assert preview["x"] > editor["x"] + editor["width"] - 1  # beside
    # In the site's own styles: its serif body, its sans-serif headings.
    fonts = page.locator(PREVIEW).evaluate(
        """box => [getComputedStyle(box.shadowRoot.querySelector('p')).fontFamily,
                   getComputedStyle(box.shadowRoot.querySelector('h2')).fontFamily]"""
    )
    assert "Charter" in fonts[0] and "system-ui" in fonts[1]

    page.set_viewport_size({"width": 700, "height": 900})
    editor = page.locator("#id_body").bounding_box()
    preview = page.locator(PREVIEW).bounding_box()
    assert preview["y"] >= editor["y"] + editor["height"] - 1  # below

    # A failed save (no title): the preview is there on the page that comes back.
    page.click("input[name=_continue]")
    page.locator(".errornote").wait_for()
    page.wait_for_function(
        f"() => document.querySelector({PREVIEW!r}).shadowRoot.textContent.includes('Tides')"
    )
    assert "The sea comes in" in preview_text(page)


def test_insert_image_uploads_it_with_alt_text_into_the_markdown_and_the_library(
    live_server, new_page, django_user_model, tmp_path
):
    picture = Path(tmp_path, "gulls.png")
    picture.write_bytes(image_bytes())
    page = signed_in(new_page, live_server, django_user_model)
    page.goto(f"{live_server.url}{ADD}")
    page.click("#id_body")
    page.keyboard.type("Before the picture.")

    page.locator(".field-body").get_by_role("button", name="Insert image").click()
    dialog = page.get_by_role("dialog", name="Insert an image")
    dialog.get_by_label("Image (JPEG, PNG, GIF or WebP)").set_input_files(str(picture))
    # No alt text and not decorative: refused in the dialog, nothing uploaded.
    dialog.get_by_role("button", name="Upload and insert").click()
    dialog.get_by_text("Describe the image for readers who cannot see it").wait_for()
    assert not Image.objects.exists()

    dialog.get_by_label("Alt text", exact=True).fill("Gulls over the harbour at dawn")
    dialog.get_by_role("button", name="Upload and insert").click()
    page.wait_for_function("() => document.querySelector('#id_body').value.includes('![')")
    assert not dialog.is_visible()
    image = Image.objects.get()
    assert (image.alt, image.decorative) == ("Gulls over the harbour at dawn", False)
    # The alt text is the library's alone: the Markdown leaves it empty.
    expected = f"Before the picture.\n\n![]({image.file.url})"
    assert page.input_value("#id_body") == expected
    # The preview shows it, with the library's alt text.
    page.wait_for_function(
        f"() => document.querySelector({PREVIEW!r}).shadowRoot"
        ".querySelector('img[alt=\"Gulls over the harbour at dawn\"]')"
    )

    page.fill("#id_title", "Gulls")
    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(r".*/admin/essays/essay/\d+/change/$"))
    assert Essay.objects.get().body.replace("\r\n", "\n") == expected
    # The library says where it is used, and nothing is missing.
    page.goto(f"{live_server.url}/admin/images/image/")
    page.locator(".field-used_in", has_text="Gulls").wait_for()
    assert page.locator("text=missing").count() == 0
    assert page.locator(".field-alt_display", has_text="Gulls over the harbour at dawn").count()


def test_a_share_link_opens_for_a_reviewer_without_an_account(
    live_server, new_page, django_user_model
):
    essay = EssayFactory(draft=True, title="Not yet out", body="Words for a reviewer.")
    page = signed_in(new_page, live_server, django_user_model)
    page.goto(f"{live_server.url}/admin/essays/essay/{essay.pk}/change/")
    page.get_by_role("button", name=re.compile("Add another share link", re.I)).click()
    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(rf".*/admin/essays/essay/{essay.pk}/change/$"))
    link = page.locator(".desk-share-link input").first.input_value()
    assert link.startswith(live_server.url + "/")
    # Stable: the same address on the next load.
    page.reload()
    assert page.locator(".desk-share-link input").first.input_value() == link

    reviewer = new_page()  # a context of its own: no session, no cookies
    reviewer.goto(link)
    reviewer.get_by_role("heading", name="Not yet out").wait_for()
    assert reviewer.get_by_text("Words for a reviewer.").is_visible()
    # Without the link, the draft is not there.
    answer = reviewer.goto(f"{live_server.url}/{essay.slug}/")
    assert answer.status == 404


def test_bulk_publish_of_three_drafts_from_all_writing(live_server, new_page, django_user_model):
    drafts = [EssayFactory(draft=True, title=f"Draft {n}") for n in range(3)]
    kept = EssayFactory(draft=True, title="Stays a draft")
    page = signed_in(new_page, live_server, django_user_model)
    page.goto(f"{live_server.url}/admin/essays/writing/")
    for post in drafts:
        page.check(f"input[name=_selected_action][value='{post.pk}']")
    page.select_option("select[name=action]", "publish_now")
    page.click("button[name=index]")
    page.locator(".messagelist .success").wait_for()
    for post in drafts:
        post.refresh_from_db()
        assert post.status == Status.PUBLISHED and post.is_published()
    kept.refresh_from_db()
    assert kept.status == Status.DRAFT
