"""Every Markdown-to-HTML path goes through one sanitiser."""

import pytest
from django.urls import reverse

from core.markdown import excerpt, render_markdown

from .factories import ArticleAnalysisFactory, BookFactory, EssayFactory

ATTACKS = [
    "<script>alert('x')</script>",
    '<img src="x.png" onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<p onclick="alert(1)" style="background:url(javascript:alert(1))">text</p>',
    '<iframe src="https://evil.example"></iframe>',
    '<svg onload="alert(1)"><circle/></svg>',
    '<form action="https://evil.example"><input name="q"></form>',
    "<style>body{display:none}</style>",
    '<a href="data:text/html;base64,PHNjcmlwdD4=">data</a>',
]


@pytest.mark.parametrize("source", ATTACKS)
def test_the_sanitiser_strips_scripts_handlers_and_javascript_urls(source):
    html = render_markdown(f"Before.\n\n{source}\n\nAfter.")
    lowered = html.lower()
    for forbidden in (
        "<script",
        "onerror",
        "onclick",
        "onload",
        "javascript:",
        "<iframe",
        "<svg",
        "<form",
        "<style",
        "style=",
        "data:text",
    ):
        assert forbidden not in lowered, (source, html)
    assert "Before." in html and "After." in html


def test_markdown_is_rendered():
    html = render_markdown("## A subhead\n\nSome *emphasis* and [a link](https://example.com).")
    assert '<h2 id="a-subhead">A subhead</h2>' in html
    assert "<em>emphasis</em>" in html
    assert '<a href="https://example.com" rel="noopener noreferrer">a link</a>' in html


def test_a_level_one_heading_in_a_body_becomes_a_level_two():
    html = render_markdown("# Heading")
    assert "<h1" not in html
    assert "<h2" in html and "Heading" in html


def test_excerpt_is_200_characters_in_all_cut_mid_word():
    text = "word " * 100
    cut = excerpt(text)
    assert len(cut) == 200
    assert cut == text[:197] + "..."
    assert excerpt("short text") == "short text"


@pytest.mark.django_db
def test_models_store_sanitised_html_on_save():
    essay = EssayFactory(body="Hi <script>alert(1)</script> **there**")
    assert essay.body_html == "<p>Hi  <strong>there</strong></p>"
    analysis = ArticleAnalysisFactory(summary="<b onclick=x>S</b>", analysis="[a](javascript:x)")
    assert analysis.summary_html == "<p><b>S</b></p>"
    assert "javascript" not in analysis.analysis_html
    book = BookFactory(pitch="<img src=x onerror=alert(1)>")
    assert "onerror" not in book.pitch_html


@pytest.mark.django_db
def test_the_live_preview_uses_the_same_sanitiser(staff_client):
    response = staff_client.post(
        reverse("markdownx_markdownify"),
        {"content": "**bold** <script>alert(1)</script><a href='javascript:x' onclick='y'>l</a>"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>bold</strong>" in html
    assert "<script" not in html and "javascript:" not in html and "onclick" not in html


@pytest.mark.django_db
def test_the_preview_without_content_is_empty_not_an_error(staff_client):
    response = staff_client.post(reverse("markdownx_markdownify"), {})
    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.django_db
def test_the_preview_and_uploads_are_for_staff_only(client):
    preview = client.post(reverse("markdownx_markdownify"), {"content": "hi"})
    assert preview.status_code == 302
    assert preview["Location"].startswith(reverse("admin:login"))
    upload = client.post(reverse("markdownx_upload"), {})
    assert upload.status_code == 302
    assert upload["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_excerpts_are_plain_text_with_entities_decoded():
    essay = EssayFactory(description="", body="Tom & Jerry <3 \"quotes\" and 'apostrophes'")
    assert essay.excerpt == "Tom & Jerry <3 \"quotes\" and 'apostrophes'"
