"""Running a search: PostgreSQL full-text search, or a plain fallback elsewhere (SQLite).

Both take a queryset of posts that are already the published ones, add the match,
a ``rank`` and what the snippet is made from, and order by rank then newest first.
Snippets are safe HTML: the text is escaped, and only the ``<mark>`` around matches
is markup.
"""

import operator
import re
from functools import reduce

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connections
from django.db.models import Case, F, Q, Value, When
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from .index import CONFIG, MARK_END, MARK_START

NEWEST = [F("publish_at").desc(nulls_last=True), "-pk"]


class PostgresSearch:
    """websearch syntax ("quoted phrases", or, -not), stemming, weighted ranking."""

    def __init__(self, text):
        self.query = SearchQuery(text, search_type="websearch", config=CONFIG)

    def results(self, posts):
        headline = SearchHeadline(
            "search_entry__body",
            self.query,
            config=CONFIG,
            start_sel=MARK_START,
            stop_sel=MARK_END,
            max_words=25,
            min_words=12,
            max_fragments=2,
            fragment_delimiter=" … ",
        )
        return (
            posts.filter(search_entry__vector=self.query)
            .annotate(rank=SearchRank(F("search_entry__vector"), self.query), headline=headline)
            .order_by("-rank", *NEWEST)
        )

    def snippet(self, post):
        marked = escape(post.headline).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
        return mark_safe(marked)


class SimpleSearch:
    """Every word must appear somewhere (case-insensitive substring); a title match
    counts most, as weights A, B and C do on PostgreSQL."""

    WEIGHTS = {"title": 10, "description": 4, "tags": 4, "body": 2}
    SNIPPET_LEAD = 60
    SNIPPET_LENGTH = 240

    def __init__(self, text):
        # As typed: SQLite's LIKE ignores case for ASCII letters only.
        words = (word.strip("\"'") for word in text.split())
        self.terms = list({word.lower(): word for word in words if word}.values())
        longest_first = sorted(self.terms, key=len, reverse=True)
        self.pattern = re.compile("|".join(map(re.escape, longest_first)), re.IGNORECASE)

    def results(self, posts):
        if not self.terms:
            return posts.none()
        for term in self.terms:
            anywhere = [Q(**{f"search_entry__{field}__icontains": term}) for field in self.WEIGHTS]
            posts = posts.filter(reduce(operator.or_, anywhere))
        scores = [
            Case(
                When(**{f"search_entry__{field}__icontains": term}, then=Value(weight)),
                default=Value(0),
            )
            for term in self.terms
            for field, weight in self.WEIGHTS.items()
        ]
        return posts.annotate(
            rank=reduce(operator.add, scores), search_body=F("search_entry__body")
        ).order_by("-rank", *NEWEST)

    def snippet(self, post):
        """About SNIPPET_LENGTH characters of the body around its first match."""
        body = post.search_body
        if not body:
            return ""
        start, end = self._window(body)
        pieces = ["… " if start else "", *self._highlight(body[start:end].strip())]
        if end < len(body):
            pieces.append(" …")
        return mark_safe("".join(pieces))

    def _window(self, body):
        """Where to cut: a little before the first match, on spaces."""
        match = self.pattern.search(body)
        start = 0
        if match and match.start() > self.SNIPPET_LEAD:
            lead = match.start() - self.SNIPPET_LEAD
            start = body.find(" ", lead, match.start()) + 1 or lead
        end = min(len(body), start + self.SNIPPET_LENGTH)
        if end < len(body):
            end = body.rfind(" ", match.end() if match else start, end) + 1 or end
        return start, end

    def _highlight(self, text):
        """Escaped pieces of text, each match inside <mark>."""
        position = 0
        for found in self.pattern.finditer(text):
            yield escape(text[position : found.start()])
            yield format_html("<mark>{}</mark>", found.group())
            position = found.end()
        yield escape(text[position:])


def search_for(text, using="default"):
    if connections[using].vendor == "postgresql":
        return PostgresSearch(text)
    return SimpleSearch(text)
