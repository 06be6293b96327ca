"""Search: what it finds, in what order, what it never shows, and what it costs.

Run on both backends: PostgreSQL full-text search and the SQLite fallback.
"""

import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from search.index import MARK_START, document
from search.models import SearchEntry

from .factories import (
    ArticleAnalysisFactory,
    DevReflectionFactory,
    EssayFactory,
    TagFactory,
    tags_in_bulk,
)

pytestmark = pytest.mark.django_db

URL = reverse("search:results")
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text search only"
)


def search(client, q, **params):
    response = client.get(URL, {"q": q, **params})
    assert response.status_code == 200
    return response


def found(client, q):
    """The slugs of the first page of results, in order."""
    return [post.slug for post in search(client, q).context["posts"]]


def main(response):
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


# What is found


@pytest.mark.parametrize(
    "field, q",
    [
        ("title", "lighthouse"),
        ("description", "cartography"),
        ("body", "archipelago"),
    ],
)
def test_finds_posts_by_words_in_title_description_and_body(client, field, q):
    text = {
        "title": "The lighthouse keeper",
        "description": "On cartography.",
        "body": "An archipelago.",
    }
    EssayFactory(slug="target", **{field: text[field]})
    EssayFactory(slug="other", title="Unrelated", description="Nothing here.", body="Nor here.")
    assert found(client, q) == ["target"]


def test_finds_every_type_of_writing_by_its_own_text(client):
    EssayFactory(slug="essay", body="A walk through *marshland*.")
    ArticleAnalysisFactory(slug="analysis", source_author="Wilhelmina Quarrie", analysis="Fine.")
    DevReflectionFactory(slug="reflection", body="Today I fought the `borrowchecker`.")
    assert found(client, "marshland") == ["essay"]
    assert found(client, "Quarrie") == ["analysis"]
    assert found(client, "borrowchecker") == ["reflection"]


def test_finds_posts_by_tag_names(client):
    EssayFactory(slug="tagged", tags=[TagFactory(name="volcanology")])
    EssayFactory(slug="untagged")
    assert found(client, "volcanology") == ["tagged"]


def test_every_word_must_match(client):
    EssayFactory(slug="both", body="Granite and basalt.")
    EssayFactory(slug="one", body="Granite alone.")
    assert found(client, "granite basalt") == ["both"]
    assert set(found(client, "granite")) == {"both", "one"}


@postgres_only
def test_postgres_matches_word_forms_and_websearch_syntax(client):
    EssayFactory(slug="rising", body="The tide rises over the harbours.")
    EssayFactory(slug="other", body="The tide went out.")
    assert found(client, "harbour rising") == ["rising"]
    assert found(client, "tide -rising") == ["other"]
    assert found(client, '"tide went"') == ["other"]


def test_a_title_match_ranks_above_a_body_only_match(client):
    in_title = EssayFactory(slug="in-title", title="Notes on glaciers", body="Cold.")
    # Newer, and saying the word again and again: still below.
    EssayFactory(
        slug="in-body",
        title="Winter",
        body="Glaciers. " * 5 + "More about glaciers.",
        publish_at=in_title.publish_at + timedelta(hours=1),
    )
    assert found(client, "glaciers") == ["in-title", "in-body"]


def test_equal_matches_come_newest_first(client):
    older = EssayFactory(slug="older", body="Moraine.")
    EssayFactory(slug="newer", body="Moraine.", publish_at=older.publish_at + timedelta(hours=1))
    assert found(client, "moraine") == ["newer", "older"]


# Snippets


def test_results_show_a_highlighted_snippet_of_the_body(client):
    EssayFactory(body="Words before. " * 30 + "The fjord was calm. " + "Words after. " * 30)
    html = main(search(client, "fjord"))
    snippet = re.search(r'<p class="snippet">(.*?)</p>', html, re.S).group(1)
    assert "<mark>fjord</mark>" in snippet
    assert "calm" in snippet
    assert len(snippet) < 400


def test_snippets_and_results_are_escaped(client):
    EssayFactory(
        title="Escaping <i>tests</i>",
        description="<script>alert('description')</script> zebra",
        body='Write `<script>alert("body")</script>` & "quote" the zebra here.',
    )
    response = search(client, "zebra")
    assert response.context["page_obj"].paginator.count == 1
    html = main(response)
    assert "<script" not in html
    assert "<i>" not in html
    assert "&lt;script&gt;alert(&#x27;description&#x27;)&lt;/script&gt;" in html
    snippet = re.search(r'<p class="snippet">(.*?)</p>', html, re.S).group(1)
    assert "&amp; &quot;quote&quot; the <mark>zebra</mark>" in snippet
    # Only <mark> is markup in a snippet.
    assert set(re.findall(r"</?(\w+)", snippet)) == {"mark"}


def test_indexed_text_cannot_forge_highlights(client):
    post = EssayFactory(body=f"Plain {MARK_START}text{MARK_START}.")
    assert MARK_START not in SearchEntry.objects.get(pk=post.pk).body
    assert MARK_START not in document(post, [])["body"]


# Visibility


def test_drafts_and_scheduled_posts_are_never_found_nor_counted(client):
    EssayFactory(slug="public", title="Estuary public")
    EssayFactory(slug="a-draft", title="Estuary draft", draft=True)
    EssayFactory(slug="a-scheduled", title="Estuary scheduled", scheduled=True)
    DevReflectionFactory(slug="a-scheduled-reflection", body="Estuary.", scheduled=True)
    response = search(client, "estuary")
    assert [post.slug for post in response.context["posts"]] == ["public"]
    assert response.context["page_obj"].paginator.count == 1
    html = response.content.decode()
    assert "1 result for “estuary”" in html
    for hidden in ("a-draft", "a-scheduled", "Estuary draft", "Estuary scheduled"):
        assert hidden not in html


def test_a_scheduled_post_is_found_once_its_time_comes_without_reindexing(client):
    post = EssayFactory(slug="later", title="Lagoon", scheduled=True)
    entry_before = SearchEntry.objects.values().get(pk=post.pk)
    assert found(client, "lagoon") == []
    with time_machine.travel(post.publish_at + timedelta(minutes=1), tick=False):
        assert found(client, "lagoon") == ["later"]
    assert SearchEntry.objects.values().get(pk=post.pk) == entry_before


# Keeping the index in step


def test_the_index_follows_edits_tags_and_deletions(client):
    tag = TagFactory(name="tundra")
    post = EssayFactory(slug="edited", title="Before", body="Steppe.")
    post.title, post.body = "Taiga", "Permafrost."
    post.save()
    assert found(client, "taiga") == found(client, "permafrost") == ["edited"]
    assert found(client, "steppe") == []

    post.tags.add(tag)
    assert found(client, "tundra") == ["edited"]
    tag.name = "savanna"
    tag.save()
    assert found(client, "savanna") == ["edited"] and found(client, "tundra") == []
    tag.writings.clear()
    assert found(client, "savanna") == []
    tag.writings.add(post)
    tag.delete()
    assert found(client, "savanna") == []

    post.delete()
    assert not SearchEntry.objects.filter(pk=post.pk).exists()


def test_rebuild_search_index_indexes_existing_posts(client):
    EssayFactory(slug="essay", title="Delta")
    ArticleAnalysisFactory(
        slug="analysis", title="Delta analysis", tags=[TagFactory(name="rivers")]
    )
    EssayFactory(slug="draft", title="Delta draft", draft=True)
    indexed = list(SearchEntry.objects.order_by("pk").values())
    SearchEntry.objects.all().delete()
    assert found(client, "delta") == []
    output = io.StringIO()
    call_command("rebuild_search_index", stdout=output)
    assert output.getvalue() == "Indexed 3 posts.\n"
    assert list(SearchEntry.objects.order_by("pk").values()) == indexed
    assert set(found(client, "delta")) == {"essay", "analysis"}
    assert found(client, "rivers") == ["analysis"]


# The page


def test_no_query_shows_the_form_only(client):
    EssayFactory()
    for params in ({}, {"q": ""}, {"q": "   "}):
        response = client.get(URL, params)
        assert response.status_code == 200
        html = main(response)
        assert '<form class="search-form" action="/search/" method="get"' in html
        assert 'type="search" name="q"' in html
        assert '<button type="submit">' in html
        assert '<label for="id_q">' in html
        assert "result" not in html and "error" not in html
        assert list(response.context["posts"]) == []


def test_a_long_query_is_refused_with_a_friendly_message(client):
    EssayFactory(title="Fen " * 60)
    response = search(client, "fen " * 60)
    html = main(response)
    assert "That search is too long. Please use at most 200 characters." in html
    assert 'aria-describedby="id_q_error"' in html and 'id="id_q_error"' in html
    assert "results for" not in html
    assert search(client, ("fen " * 50)[:200]).context["page_obj"].paginator.count == 1


@pytest.mark.parametrize(
    "q, expected",
    [
        ('"unbalanced', []),
        ("a & b | !c", []),
        ("(((", []),
        ("-", []),
        (":*", []),
        ("tide:A", []),
        ("%_\\", []),  # LIKE's wildcards: they must not match every post
        ("<>", []),
        ("\u00e9t\u00e9", ["summer"]),
    ],
)
def test_odd_queries_are_answered(client, q, expected):
    EssayFactory(slug="plain", title="Plain", description="Plain.", body="Some text.")
    EssayFactory(slug="summer", title="Summer", description="Warm.", body="Un \u00e9t\u00e9 ici.")
    response = search(client, q)
    assert [post.slug for post in response.context["posts"]] == expected
    html = main(response)
    # The form, holding the query as typed, and no error.
    assert '<form class="search-form" action="/search/" method="get"' in html
    assert f'value="{escape(q)}"' in html
    assert 'role="alert"' not in html
    count = len(expected)
    assert f"{count} result{'' if count == 1 else 's'} for “{escape(q)}”" in html
    assert ("Try fewer words, or different ones." in html) == (count == 0)


def test_a_nul_character_is_refused_not_a_crash(client):
    response = search(client, "tide\x00")
    assert "That search contains characters it cannot use." in main(response)


def test_the_page_is_noindex_and_shows_the_count(client):
    EssayFactory(title="Bayou")
    EssayFactory(title="Bayou again")
    html = search(client, "bayou").content.decode()
    assert html.count('<meta name="robots" content="noindex">') == 1
    assert "2 results for “bayou”" in html
    assert "0 results for “nothingmatches”" in search(client, "nothingmatches").content.decode()


def test_results_come_twenty_to_a_page(client):
    for n in range(25):
        EssayFactory(slug=f"dune-{n}", title=f"Dune {n}")
    first = search(client, "dune")
    assert len(first.context["posts"]) == 20
    assert first.context["page_obj"].paginator.count == 25
    html = first.content.decode()
    assert 'href="/search/?q=dune&amp;page=2" rel="next"' in html
    assert "25 results for “dune”" in html

    second = search(client, "dune", page=2)
    assert len(second.context["posts"]) == 5
    assert 'href="/search/?q=dune" rel="prev"' in second.content.decode()
    shown = [post.slug for post in first.context["posts"]] + [
        post.slug for post in second.context["posts"]
    ]
    assert sorted(shown) == sorted(f"dune-{n}" for n in range(25))


@pytest.mark.parametrize("page", ["3", "0", "-1", "abc", "", "1.5", "²", "9" * 5000, "last"])
def test_a_malformed_or_out_of_range_page_is_a_404(client, page):
    for n in range(25):
        EssayFactory(title=f"Dune {n}")
    assert client.get(URL, {"q": "dune", "page": page}).status_code == 404


def test_a_page_beyond_the_first_with_no_results_is_a_404(client):
    assert client.get(URL, {"q": "nothing", "page": "2"}).status_code == 404
    assert client.get(URL, {"page": "2"}).status_code == 404


def _search_queries(client, q):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"q": q})
    assert response.status_code == 200
    return len(queries)


# settings, count, results, their tags; then the sidebars: featured, books, recent;
# and the navigation's pages.
EXPECTED_QUERIES = 8


def test_the_results_page_cost_does_not_grow_with_the_content(client):
    tags = [TagFactory(name="alpha"), TagFactory(name="beta")]

    def add_posts(count):
        with tags_in_bulk():
            for n in range(count):
                factory = (EssayFactory, ArticleAnalysisFactory, DevReflectionFactory)[n % 3]
                factory(tags=tags, featured=n % 7 == 0, description=f"Marsh post {n}.")

    add_posts(5)
    small = _search_queries(client, "marsh")
    add_posts(95)
    large = _search_queries(client, "marsh")
    assert small == large == EXPECTED_QUERIES
    # No query: no search at all.
    with CaptureQueriesContext(connection) as queries:
        client.get(URL)
    assert len(queries) == EXPECTED_QUERIES - 3


def test_search_needs_no_javascript(client):
    EssayFactory(title="Heath")
    html = search(client, "heath").content.decode()
    assert not re.search(r"<script\b", html)
