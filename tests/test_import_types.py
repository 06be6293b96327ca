"""The author's post types recognised on import: an article analysis's quote, source line,
summary and analysis read from its body, and an imported post the publish gate would refuse
kept published and still editable."""

import textwrap
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from core.publishing import State, Status
from essays.models import ArticleAnalysis, Writing
from transfer import analysis
from transfer.importer import Importer

pytestmark = pytest.mark.django_db

SEED = (Path(__file__).parent / "data" / "seed-page.txt").read_text(encoding="utf-8")
SEED_LINES = SEED.split("\n")
SEED_URL = "https://www.forbes.com/sites/adityamalik/2024/05/21/the-rise-of-micro-credentials/"
GATE = "the publish gate would refuse it now"


def seed_part(start, end):
    """The seed page's paragraphs between two of its lines (exclusive), blank-line separated."""
    first, last = SEED_LINES.index(start), SEED_LINES.index(end)
    return "\n\n".join(line for line in SEED_LINES[first + 1 : last] if line.strip())


SEED_TITLE = SEED_LINES[2]  # "Article analysis: The Rise Of …"
SEED_FRAMING = SEED_LINES[5]  # the sentence under the title
SEED_QUOTE = SEED_LINES[7]  # “…”
SEED_SOURCE = SEED_LINES[9]
SEED_SUMMARY = seed_part("Summary", "Analysis")
SEED_ANALYSIS = seed_part("Analysis", "Featured writing")


def hugo_post(front, body):
    return f"---\n{textwrap.dedent(front).strip()}\n---\n\n{textwrap.dedent(body).strip()}\n"


def import_posts(root, files):
    for name, text in files.items():
        path = root / "content" / "posts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return Importer(root).run()


def seed_post(front_extra=""):
    front = f'title: "{SEED_TITLE}"\ndate: 2024-05-22T09:00:00Z\ntags: [learning]\n{front_extra}'
    body = (
        f"{SEED_FRAMING}\n\n{SEED_QUOTE}\n\n[{SEED_SOURCE}]({SEED_URL})\n\n"
        f"## Summary\n\n{SEED_SUMMARY}\n\n## Analysis\n\n{SEED_ANALYSIS}\n"
    )
    return f"---\n{front}---\n\n{body}"


def imported(name):
    """The post made from content/posts/<name>.md: Hugo's default address is /posts/<name>/."""
    return Writing.objects.get(slug=f"posts/{name}").specific


def test_the_seed_pages_analysis_fills_every_field(tmp_path):
    assert SEED_QUOTE.startswith("“") and SEED_SUMMARY.startswith("The article “")
    report = import_posts(tmp_path, {"micro.md": seed_post()})
    assert report.outcome("content/posts/micro.md") == "created"
    post = imported("micro")
    assert isinstance(post, ArticleAnalysis)
    assert post.title == SEED_TITLE
    assert post.quote == SEED_QUOTE.strip("“”")
    assert post.source_title == SEED_SOURCE
    assert post.source_url == SEED_URL
    assert post.source_author == "Aditya Malik"  # named in the summary
    assert post.source_publication == ""
    assert post.summary == SEED_SUMMARY
    assert post.analysis == SEED_ANALYSIS
    assert post.description == SEED_FRAMING  # the framing sentence, as the dek
    assert post.state == State.PUBLISHED
    assert post.publish_problems() == []
    assert not [w for w in report.warnings if w[1] == "fails the publish gate"]


def test_the_framing_sentence_is_never_lost_nor_repeated(tmp_path):
    same = seed_post(f'description: "{SEED_FRAMING}"\n')
    other = seed_post('description: "A dek of its own."\n')
    import_posts(tmp_path, {"same.md": same, "other.md": other})
    assert imported("same").description == SEED_FRAMING
    assert imported("same").summary == SEED_SUMMARY
    assert imported("other").description == "A dek of its own."
    assert imported("other").summary == f"{SEED_FRAMING}\n\n{SEED_SUMMARY}"


def test_level_three_headings_a_blockquote_and_a_labelled_source_line(tmp_path):
    text = hugo_post(
        """
        title: "Article analysis: Work after AI"
        date: 2025-01-10
        """,
        """
        > Work is what remains when the tools are done.

        Source: [*Work after AI*](https://e.com/work "Read") by Jane Doe, published in *Atlantic*.

        ### Summary

        Doe argues that work changes shape.

        ### Analysis

        I think she is right, mostly.
        """,
    )
    import_posts(tmp_path, {"work.md": text})
    post = imported("work")
    assert post.quote == "Work is what remains when the tools are done."
    assert (post.source_title, post.source_url) == ("Work after AI", "https://e.com/work")
    assert (post.source_author, post.source_publication) == ("Jane Doe", "Atlantic")
    assert (post.summary, post.analysis) == (
        "Doe argues that work changes shape.",
        "I think she is right, mostly.",
    )
    assert post.description == ""


def test_bold_labels_straight_quotes_and_by_x_in_y(tmp_path):
    text = hugo_post(
        """
        title: Reading the memo
        type: article-analysis
        date: 2025-01-11
        """,
        """
        Why this memo matters to anyone who manages.

        "Slow is smooth, and smooth is fast."
        [The memo](https://example.com/memo) by Sam Lee in Wired

        **Summary:** The memo asks teams to slow down.

        **Analysis:**

        It is half right.
        """,
    )
    import_posts(tmp_path, {"memo.md": text})
    post = imported("memo")
    assert post.quote == "Slow is smooth, and smooth is fast."
    assert (post.source_title, post.source_author, post.source_publication) == (
        "The memo",
        "Sam Lee",
        "Wired",
    )
    assert post.description == "Why this memo matters to anyone who manages."
    assert (post.summary, post.analysis) == (
        "The memo asks teams to slow down.",
        "It is half right.",
    )


def test_a_missing_quote_and_no_headings_keep_it_published_with_a_warning(tmp_path):
    text = hugo_post(
        """
        title: "Article analysis: A quiet piece"
        date: 2025-01-12
        """,
        """
        [A quiet piece](https://example.com/quiet)

        No headings: what follows the source line is the analysis.

        A second paragraph of it.
        """,
    )
    report = import_posts(tmp_path, {"quiet.md": text})
    post = imported("quiet")
    assert (post.source_title, post.source_url, post.quote) == (
        "A quiet piece",
        "https://example.com/quiet",
        "",
    )
    assert post.summary == ""
    assert post.analysis == (
        "No headings: what follows the source line is the analysis.\n\nA second paragraph of it."
    )
    assert post.state == State.PUBLISHED
    warned = {reason: detail for _path, reason, detail in report.warnings}
    assert "no quote" in warned["fails the publish gate"]


def test_the_front_matter_wins_and_a_different_body_link_stays_in_the_text(tmp_path):
    text = hugo_post(
        """
        title: "Article analysis: Given"
        date: 2025-01-13
        source_url: https://example.com/given
        quote: The given quote.
        """,
        """
        [Another piece](https://example.com/other)

        ## Summary

        Summed up.
        """,
    )
    import_posts(tmp_path, {"given.md": text})
    post = imported("given")
    assert (post.source_url, post.quote) == ("https://example.com/given", "The given quote.")
    assert post.source_title == "Given"  # from the title, as before
    assert post.summary == "[Another piece](https://example.com/other)\n\nSummed up."


@pytest.mark.parametrize(
    "body",
    [
        "“Q.”\n\n[T](https://e.com/t)\n\nSummary:\n\nS.\n\nAnalysis\n--------\n\nA.",
        "“Q.”\n\n[T](https://e.com/t)\n\n## The summary ##\n\nS.\n\n## My analysis:\n\nA.",
        "“Q.”\n\n[T](https://e.com/t)\n\n__Summary__\n\nS.\n\n# Analysis\n\nA.",
    ],
)
def test_heading_variants(body):
    parts = analysis.parse(body)
    assert (parts.quote, parts.source["url"], parts.summary, parts.analysis) == (
        "Q.",
        "https://e.com/t",
        "S.",
        "A.",
    )


def test_text_before_the_headings_without_a_quote_or_source_stays_the_summary():
    parts = analysis.parse("Opening words.\n\n## Analysis\n\nOnly an analysis here.")
    assert (parts.summary, parts.analysis, parts.description) == (
        "Opening words.",
        "Only an analysis here.",
        "",
    )
    parts = analysis.parse("Prose that links [a piece](https://e.com/p) in passing.\n\nMore.")
    assert (parts.summary, parts.analysis, parts.source.get("url")) == (
        "",
        "Prose that links [a piece](https://e.com/p) in passing.\n\nMore.",
        "",
    )


# The publish gate on an imported post ------------------------------------------------


def change_form_data(post, **overrides):
    local = timezone.localtime(post.publish_at)
    data = {
        name: getattr(post, name)
        for name in (
            "source_title",
            "source_url",
            "source_author",
            "source_publication",
            "title",
            "slug",
            "description",
            "quote",
            "summary",
            "analysis",
        )
    }
    data.update(
        {
            "status": post.status,
            "publish_at_0": local.strftime("%Y-%m-%d"),
            "publish_at_1": local.strftime("%H:%M:%S"),
            "tags": "",
            "previews-TOTAL_FORMS": "0",
            "previews-INITIAL_FORMS": "0",
        }
    )
    return {**data, **overrides}


@pytest.fixture
def quoteless(tmp_path):
    text = hugo_post(
        """
        title: "Article analysis: A quiet piece"
        date: 2025-01-12
        """,
        """
        [A quiet piece](https://example.com/quiet)

        ## Analysis

        A typo: teh point.
        """,
    )
    import_posts(tmp_path, {"quiet.md": text})
    return imported("quiet")


def test_an_imported_analysis_without_a_quote_is_resaved_with_a_warning(staff_client, quoteless):
    url = reverse("admin:essays_articleanalysis_change", args=[quoteless.pk])
    html = staff_client.get(url).content.decode()
    assert GATE in html and "needs a quote from the source" in html

    fixed = change_form_data(quoteless, analysis="A typo: the point.", _continue="1")
    response = staff_client.post(url, fixed)
    assert response.status_code == 302
    post = imported("quiet")
    assert post.analysis == "A typo: the point."
    assert post.status == Status.PUBLISHED and post.state == State.PUBLISHED
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert [m for m in messages if GATE in m and "quote" in m]

    page = staff_client.get(url).content.decode()  # the form it continues to: said once
    assert page.count(GATE) == 1


def test_publishing_it_again_or_a_draft_is_still_refused(staff_client, quoteless):
    url = reverse("admin:essays_articleanalysis_change", args=[quoteless.pk])
    response = staff_client.post(url, change_form_data(quoteless, _publish_now="1"))
    assert response.status_code == 200
    assert "An article analysis needs a quote from the source." in response.content.decode()

    Writing.objects.filter(pk=quoteless.pk).update(status=Status.DRAFT)
    draft = imported("quiet")
    response = staff_client.post(url, change_form_data(draft, status="published"))
    assert response.status_code == 200
    assert imported("quiet").status == Status.DRAFT
    # Fixed, it publishes.
    response = staff_client.post(
        url, change_form_data(draft, status="published", quote="A quote.", summary="In short.")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert imported("quiet").state == State.PUBLISHED
