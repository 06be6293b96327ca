"""Every Markdown-to-HTML path goes through one sanitiser; Markdown reads as Hugo reads it."""

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

import core.markdown
from core.markdown import excerpt, markdown_html, parser, render_markdown, sanitize_html

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
# Attacks through the syntax markdown-it adds: attributes, autolinks.
SYNTAX_ATTACKS = [
    '[a](https://example.com){onclick="alert(1)" style="color:red"}',
    '[a](https://example.com){href="javascript:alert(1)"}',
    '![a](x.png){onerror="alert(1)" src="javascript:alert(1)"}',
    '`code`{onmouseover="alert(1)" style="x:y"}',
    '## Heading {#h onclick="alert(1)" style="color:red"}',
    "<javascript:alert(1)>",
    "javascript:alert(1) and www.example.com/javascript:alert(1)",
    '<a href="java&#09;script:alert(1)">tab</a>',
    "[x]: javascript:alert(1)\n\n[x]",
]
# Each attack inside each new construct.
WRAPPERS = {
    "alert": "> [!WARNING]\n> {}",
    "footnote": "Text[^1].\n\n[^1]: {}",
    "task list": "- [ ] {}",
    "table": "| a |\n|---|\n| {} |",
    "definition list": "Term\n: {}",
}
FORBIDDEN_TAGS = {"script", "iframe", "svg", "form", "style", "object", "embed", "math"}
URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "xlink:href"}


class _Dangers(HTMLParser):
    """What in a piece of HTML a browser would act on: tags, handlers, script URLs."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            value = "".join((value or "").split()).lower()
            if name.startswith("on") or name == "style":
                self.found.append(f"{tag} {name}")
            elif name in URL_ATTRIBUTES and value.startswith(("javascript:", "data:", "vbscript:")):
                self.found.append(f"{tag} {name}={value}")
        if tag == "input" and dict(attrs).get("type") != "checkbox":
            self.found.append("an input that is not a checkbox")

    handle_startendtag = handle_starttag


class _Inputs(HTMLParser):
    def handle_starttag(self, tag, attrs):
        if tag == "input":
            self.found.append({name: value or "" for name, value in attrs})


def inputs(html):
    """The attributes of each <input>, whatever their order (nh3's varies)."""
    reader = _Inputs()
    reader.found = []
    reader.feed(html)
    reader.close()
    return reader.found


def dangers(html):
    reader = _Dangers()
    reader.feed(html)
    reader.close()
    return reader.found


def assert_safe(html):
    assert dangers(html) == [], html
    lowered = html.lower()
    for forbidden in ("<script", "<iframe", "<svg", "<form", "<style", "data:text"):
        assert forbidden not in lowered, html
    assert 'href="javascript' not in lowered and "src=javascript" not in lowered, html


@pytest.mark.parametrize("source", ATTACKS + SYNTAX_ATTACKS)
def test_the_sanitiser_strips_scripts_handlers_and_javascript_urls(source):
    html = render_markdown(f"Before.\n\n{source}\n\nAfter.")
    assert_safe(html)
    assert "Before." in html and "After." in html


@pytest.mark.parametrize("wrapper", WRAPPERS.values(), ids=WRAPPERS.keys())
@pytest.mark.parametrize("source", ATTACKS + SYNTAX_ATTACKS)
def test_the_sanitiser_holds_inside_every_new_construct(wrapper, source):
    assert_safe(render_markdown(wrapper.format(source)))


def test_the_dangers_check_can_fail():
    assert dangers('<a href=" JavaScript:x" onclick="y">a</a><script></script>') == [
        "a href=javascript:x",
        "a onclick",
        "<script>",
    ]
    assert dangers('<input type="text">') == ["an input that is not a checkbox"]


def test_markdown_is_rendered():
    html = render_markdown("## A subhead\n\nSome *emphasis* and [a link](https://example.com).")
    assert '<h2 id="a-subhead">A subhead</h2>' in html
    assert "<em>emphasis</em>" in html
    assert '<a href="https://example.com" rel="noopener noreferrer">a link</a>' in html


def test_a_level_one_heading_in_a_body_becomes_a_level_two():
    html = render_markdown("# Heading\n\n<h1>Raw</h1>")
    assert "<h1" not in html
    assert '<h2 id="heading">Heading</h2>' in html and "<h2>Raw</h2>" in html


def test_headings_get_hugo_ids_unique_in_the_page():
    html = render_markdown("## Go 1.22: what's new?\n\n## Go 1.22: what's new?\n\n#### `go vet`")
    assert '<h2 id="go-122-whats-new">' in html
    assert '<h2 id="go-122-whats-new-1">' in html
    assert '<h4 id="go-vet">' in html


# What Python-Markdown got wrong --------------------------------------------------------


def test_a_collapsed_reference_link_with_code_is_a_link():
    html = render_markdown(
        "Use [`go vet`][] and [Go][].\n\n[`go vet`]: https://go.dev/vet\n[go]: https://go.dev"
    )
    assert '<a href="https://go.dev/vet" rel="noopener noreferrer"><code>go vet</code></a>' in html
    assert '<a href="https://go.dev" rel="noopener noreferrer">Go</a>' in html
    assert "][]" not in html


@pytest.mark.parametrize("kind", ["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"])
def test_github_alerts(kind):
    html = render_markdown(f"> [!{kind}]\n> Mind the *gap*.")
    name = kind.lower()
    assert html == (
        f'<div class="markdown-alert markdown-alert-{name}">\n'
        f'<p class="markdown-alert-title">{name.capitalize()}</p>\n'
        "<p>Mind the <em>gap</em>.</p>\n"
        "</div>"
    )


def test_a_blockquote_that_is_not_an_alert_stays_a_blockquote():
    assert render_markdown("> [!SHOUT]\n> Hi.").startswith("<blockquote>")
    assert render_markdown("> Just a quote.") == "<blockquote>\n<p>Just a quote.</p>\n</blockquote>"


def test_a_fenced_block_in_a_list_item_is_a_code_block():
    html = render_markdown("1. Run:\n\n   ```sh\n   go test ./...\n   ```\n2. Done.")
    code = '<pre><code class="language-sh">go test ./...\n</code></pre>'
    assert f"<li>\n<p>Run:</p>\n{code}\n</li>" in html


def test_bare_urls_are_links_as_hugo_makes_them():
    html = render_markdown("See https://go.dev/blog, www.example.com and gopher@example.com.")
    assert '<a href="https://go.dev/blog" rel="noopener noreferrer">https://go.dev/blog</a>' in html
    # Hugo's linkifyProtocol: https.
    assert '<a href="https://www.example.com" rel="noopener noreferrer">www.example.com</a>' in html
    assert '<a href="mailto:gopher@example.com" rel="noopener noreferrer">' in html
    # A domain without www. or a scheme is text, in Hugo too; so is a URL in code.
    assert render_markdown("golang.org/x/tools and `https://go.dev`") == (
        "<p>golang.org/x/tools and <code>https://go.dev</code></p>"
    )


# Hugo's other extensions ---------------------------------------------------------------


def test_tables_keep_their_alignment_as_allowed_attributes():
    html = render_markdown("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |")
    assert '<th align="left">a</th>\n<th align="center">b</th>\n<th align="right">c</th>' in html
    assert '<td align="right">3</td>' in html
    assert "style" not in html


def test_strikethrough():
    assert render_markdown("~~gone~~ and ~this~") == "<p><s>gone</s> and <s>this</s></p>"


def test_footnotes_have_goldmarks_ids_and_links_back():
    html = render_markdown("One[^a] and two[^b], one again[^a].\n\n[^a]: First.\n[^b]: *Second*.")
    assert (
        '<sup class="footnote-ref"><a href="#fn:1" id="fnref:1" rel="noopener noreferrer">1</a>'
        "</sup>" in html
    )
    assert '<a href="#fn:1" id="fnref:1:1" rel="noopener noreferrer">1</a>' in html
    assert '<div class="footnotes">\n<hr>\n<ol>\n<li id="fn:1"><p>First.' in html
    assert '<a href="#fnref:1:1" class="footnote-backref" rel="noopener noreferrer">' in html
    assert '<li id="fn:2"><p><em>Second</em>.' in html


def test_definition_lists():
    assert render_markdown("Gopher\n: A rodent.") == (
        "<dl>\n<dt>Gopher</dt>\n<dd>A rodent.</dd>\n</dl>"
    )


def test_task_lists_are_disabled_checkboxes():
    html = render_markdown("- [ ] to do\n- [x] done")
    assert html.startswith('<ul class="contains-task-list">\n<li class="task-list-item"><input ')
    assert "> to do</li>\n" in html and "> done</li>\n</ul>" in html
    box = {"class": "task-list-item-checkbox", "type": "checkbox", "disabled": ""}
    assert inputs(html) == [box, {**box, "checked": ""}]
    # A raw <input> is forced to the same harmless box.
    assert inputs(render_markdown('<input type="text" name="q" value="x">')) == [
        {"type": "checkbox", "disabled": ""}
    ]


def test_attributes_give_ids_and_the_allowed_classes_only():
    html = render_markdown(
        "### Overall satisfaction {#sentiment .wide}\n\n"
        "![A chart](https://example.com/c.png){#chart .wide} "
        "[a link](https://example.com){.button title=Go} `x := 1`{.language-go}"
    )
    assert '<h3 id="sentiment">Overall satisfaction</h3>' in html
    assert '<img src="https://example.com/c.png" alt="A chart" id="chart">' in html
    assert '<a href="https://example.com" title="Go" rel="noopener noreferrer">a link</a>' in html
    assert '<code class="language-go">x := 1</code>' in html
    assert 'class=""' not in html


def test_code_blocks_keep_their_language():
    html = render_markdown("```go\nfunc main() {}\n```\n\n    indented\n")
    assert '<pre><code class="language-go">func main() {}\n</code></pre>' in html
    assert "<pre><code>indented\n</code></pre>" in html


def test_no_typographer():
    html = render_markdown("\"Quotes\", 'apostrophes' -- dashes... (c)")
    assert html == "<p>\"Quotes\", 'apostrophes' -- dashes... (c)</p>"


def test_raw_html_goes_through_the_sanitiser():
    html = render_markdown("<details><summary>More</summary>\n\nHidden *text*.\n\n</details>")
    assert html.startswith("<details><summary>More</summary>")
    assert "<em>text</em>" in html


def test_the_parser_is_built_once(monkeypatch):
    render_markdown("warm")
    assert parser() is parser()

    def built_again(*args, **kwargs):
        raise AssertionError("a MarkdownIt built per call")

    monkeypatch.setattr(core.markdown, "MarkdownIt", built_again)
    assert render_markdown("> [!TIP]\n> Again.").startswith('<div class="markdown-alert')


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
    # Not a link: the text as written, inert.
    assert analysis.analysis_html == "<p>[a](javascript:x)</p>"
    book = BookFactory(pitch="<img src=x onerror=alert(1)>")
    assert "onerror" not in book.pitch_html


@pytest.mark.django_db
def test_the_live_preview_uses_the_same_sanitiser(staff_client):
    assert settings.MARKDOWNX_MARKDOWNIFY_FUNCTION == "core.markdown.render_markdown"
    response = staff_client.post(
        reverse("markdownx_markdownify"),
        {
            "content": "**bold** <script>alert(1)</script><a href='javascript:x' onclick='y'>l</a>"
            "\n\n> [!NOTE]\n> Noted."
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>bold</strong>" in html
    assert '<p class="markdown-alert-title">Note</p>' in html  # the new renderer
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


# The Go blog, written for Hugo: it renders as before or better -------------------------

# Read-only, see ../shared/corpora/README.md; located as tests/test_import_export.py does.
GO_BLOG = Path(
    os.environ.get(
        "GO_BLOG_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpora" / "go-blog"
    )
)
# Collapsed reference links, code in them, {#id} after headings, lists Python-Markdown
# missed, fenced blocks it left inline, links, images, tables, footnote-free old posts.
GO_BLOG_SLICE = [
    "fips140",
    "randv2",
    "survey2024-h2-results",
    "survey2023-q1-results",
    "error-syntax",
    "go-fonts",
    "range-functions",
    "intro-generics",
    "pprof",
    "docker",
    "go1.1",
    "10years",
    "context",
    "json",
]
ALL_GO_BLOG = sorted(path.stem for path in GO_BLOG.glob("*.md")) if GO_BLOG.is_dir() else []
FENCE_LINE = re.compile(r"^ {0,3}(?:```|~~~)", re.MULTILINE)
CODE = re.compile(r"<pre[^>]*>.*?</pre>|<code[^>]*>.*?</code>", re.DOTALL)
COLLAPSED_REFERENCE = re.compile(r"\[(?:`[^`]+`|[^\[\]]+)\]\[\]")


def counts(html):
    return {
        "links": len(re.findall(r"<a [^>]*href=", html)),
        "images": html.count("<img "),
        "code blocks": html.count("<pre><code"),
        "headings": len(re.findall(r"<h[2-6][ >]", html)),
        "tables": html.count("<table>"),
        "list items": len(re.findall(r"<li[ >]", html)),
    }


def python_markdown(text):
    """The renderer this one replaced, with the same sanitiser."""
    markdown = pytest.importorskip("markdown", reason="Python-Markdown is no longer installed")
    html = markdown.markdown(
        text,
        extensions=["extra", "sane_lists", "toc"],
        extension_configs={"toc": {"permalink": False}},
        output_format="html",
    )
    return sanitize_html(html)


def check_go_blog_post(stem):
    text = (GO_BLOG / f"{stem}.md").read_text()
    if text.startswith("---\n"):
        text = text.split("---\n", 2)[2]
    html = render_markdown(text)
    before, after = counts(python_markdown(text)), counts(html)
    assert {name: after[name] >= before[name] for name in after} == dict.fromkeys(after, True), (
        before,
        after,
    )
    # Every fenced block is a code block (opening and closing lines, hence the half).
    assert after["code blocks"] >= len(FENCE_LINE.findall(text)) // 2
    prose = CODE.sub("", html)
    assert COLLAPSED_REFERENCE.findall(prose) == []
    assert re.findall(r"<h[2-6][^>]*>[^<]*\{[#.]", prose) == []  # heading attributes read
    ids = re.findall(r'<h[2-6] id="([^"]+)"', html)
    assert len(ids) == after["headings"] and len(set(ids)) == len(ids)


@pytest.mark.skipif(not GO_BLOG.is_dir(), reason="the Go blog corpus is not here")
@pytest.mark.parametrize("stem", GO_BLOG_SLICE)
def test_the_go_blog_renders_as_before_or_better(stem):
    check_go_blog_post(stem)


@pytest.mark.corpus_full
@pytest.mark.skipif(not GO_BLOG.is_dir(), reason="the Go blog corpus is not here")
@pytest.mark.parametrize("stem", ALL_GO_BLOG)
def test_the_whole_go_blog_renders_as_before_or_better(stem):
    check_go_blog_post(stem)


@pytest.mark.skipif(not GO_BLOG.is_dir(), reason="the Go blog corpus is not here")
def test_what_python_markdown_got_wrong_in_the_go_blog_is_right():
    def both(stem):
        text = (GO_BLOG / f"{stem}.md").read_text().split("---\n", 2)[2]
        return counts(python_markdown(text)), counts(render_markdown(text)), render_markdown(text)

    before, after, _html = both("error-syntax")  # fences Python-Markdown left as text
    assert after["code blocks"] == before["code blocks"] + 2
    before, after, _html = both("survey2023-q1-results")  # lists it left as paragraphs
    assert after["list items"] == before["list items"] + 14
    _before, _after, html = both("randv2")  # Hugo's heading attributes
    assert '<h3 id="problem.generator">Generator Algorithm</h3>' in html


def test_a_shortcode_is_hidden_whole_even_with_its_closing_characters_quoted():
    html = markdown_html('A {{< note title=">}}" >}} B {{% x %}} C `{{< y >}}`')
    assert html == "<p>A  B  C <code>{{&lt; y &gt;}}</code></p>"


def test_unclosed_shortcode_openers_stay_text_and_the_scan_is_bounded():
    from core.markdown import LONGEST_SHORTCODE

    # Each opener looks no further than LONGEST_SHORTCODE for its end: text of many
    # unclosed openers is read in a time proportional to its length.
    assert markdown_html("{{< " * 3) == "<p>{{&lt; {{&lt; {{&lt;</p>"
    far = "{{< x " + "y" * LONGEST_SHORTCODE + " >}}"
    assert "{{&lt; x" in markdown_html(far)


@pytest.mark.django_db
def test_an_analysis_summary_and_analysis_keep_their_own_footnotes(client):
    from .factories import ArticleAnalysisFactory

    post = ArticleAnalysisFactory(
        summary="Said[^1].\n\n[^1]: In the article.", analysis="Doubt[^1].\n\n[^1]: Mine."
    )
    assert 'id="fn:1"' in post.summary_html
    assert (
        'id="fn:analysis-1"' in post.analysis_html and 'href="#fn:analysis-1"' in post.analysis_html
    )
    html = client.get(post.get_absolute_url()).content.decode()
    ids = re.findall(r'id="(fn[^"]*)"', html)
    assert len(ids) == len(set(ids)) == 4
