"""What the engine reads of a post: from the site's database, or from a Markdown file.

Both roads end in the same ``records.Document``, and both take the body through the
site's own Markdown renderer, so that ``related_quality`` measures the engine the
site runs on the text the site would give it.
"""

import html
import re
from datetime import UTC, date, datetime, time
from pathlib import Path
from urllib.parse import urlsplit

import nh3
import yaml
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.text import slugify

from core.markdown import render_markdown
from essays.models import Writing

from .records import Document

# Plain-text fields a kind has besides its Markdown ones.
EXTRA_TEXT = {Writing.Kind.ANALYSIS: ("quote", "source_author", "source_publication")}
_href = re.compile(r"""href=["']([^"']+)["']""")
_space = re.compile(r"\s+")


def from_writing(post):
    """A post (any type; its tags prefetched for speed) as the engine reads it."""
    post = post.specific
    htmls = [getattr(post, target) for _source, target in post.markdown_fields()]
    texts = [plain_text(fragment) for fragment in htmls]
    texts += [getattr(post, name) for name in EXTRA_TEXT.get(post.kind, ())]
    sources = [*book_sources(htmls)]
    if post.kind == Writing.Kind.ANALYSIS:
        sources += analysed_sources(post.source_url, post.source_title)
    return Document(
        key=post.pk,
        title=post.title,
        description=post.description,
        body="\n".join(texts),
        tags=tuple(tag.slug for tag in post.tags.all()),
        sources=tuple(sources),
        date=post.publish_at or post.created,
    )


def plain_text(fragment):
    """The text of rendered HTML on one line, entities decoded: what
    ``core.markdown.plain_text`` gives, ten times faster (nh3 rather than Python's
    HTML parser), which counts when every post is read."""
    text = html.unescape(nh3.clean(fragment or "", tags=set()))
    return _space.sub(" ", text).strip()


def analysed_sources(url, title):
    """Labels of an analysed article: its address (scheme, www. and the final slash
    ignored) and its title (case and spacing ignored)."""
    labels = []
    if url:
        parts = urlsplit(url.strip())
        host = parts.netloc.lower().removeprefix("www.")
        labels.append(
            f"url:{host}{parts.path.rstrip('/')}" + (f"?{parts.query}" if parts.query else "")
        )
    if title and title.strip():
        labels.append("title:" + " ".join(title.casefold().split()))
    return labels


def book_sources(htmls):
    """Labels of the site's books that these HTML fragments link to."""
    labels = set()
    for fragment in htmls:
        for href in _href.findall(fragment or ""):
            parts = urlsplit(href)
            if parts.netloc or not parts.path.startswith("/"):
                continue
            try:
                match = resolve(parts.path)
            except Resolver404:
                continue
            if match.view_name == "books:detail":
                labels.add(f"book:{match.kwargs['slug']}")
    return sorted(labels)


def from_markdown(path, key=None):
    """A Markdown file with YAML front matter as a Document, or None without front
    matter. Reads title, description (or summary), tags, date, and optionally
    source_url, source_title and book."""
    text = Path(path).read_text(encoding="utf-8")
    match = re.match(r"\A---\s*\n(.*?\n)---\s*(?:\n|\Z)(.*)\Z", text, re.DOTALL)
    if not match:
        return None
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError:
        return None
    if not isinstance(meta, dict):
        return None
    sources = analysed_sources(
        str(meta.get("source_url") or ""), str(meta.get("source_title") or "")
    )
    if meta.get("book"):
        sources.append(f"book:{slugify(str(meta['book']))}")
    return Document(
        key=key or str(path),
        title=str(meta.get("title") or ""),
        description=str(meta.get("description") or meta.get("summary") or ""),
        body=plain_text(render_markdown(match.group(2))),
        tags=tuple(sorted({slugify(str(tag)) for tag in _as_list(meta.get("tags"))} - {""})),
        sources=tuple(sources),
        date=_as_datetime(meta.get("date")),
    )


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _as_datetime(value):
    """A front-matter date: YAML's own date or datetime, or text like "2024-4-09"."""
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value, UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=UTC)
    found = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", str(value or ""))
    if found:
        return datetime(*map(int, found.groups()), tzinfo=UTC)
    return None
