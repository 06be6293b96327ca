"""Head metadata: title, description, canonical URL, Open Graph, Twitter card and JSON-LD.

Each view says what its page is (``get_meta``); ``templates/includes/head_meta.html``
prints it. Structured data follows schema.org: BlogPosting for posts, Article citing
the analysed article for analyses, Book for books, Person for the author.
"""

import json
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@dataclass
class PageMeta:
    title: str = ""
    description: str = ""
    og_type: str = "website"
    image: str = ""
    noindex: bool = False
    structured: list = field(default_factory=list)

    def jsonld(self):
        """The structured data as <script type="application/ld+json"> blocks."""
        blocks = [
            format_html(
                '<script type="application/ld+json">{}</script>',
                mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)),
            )
            for data in self.structured
        ]
        return mark_safe("\n".join(blocks))


class MetaMixin:
    """Puts the page's ``meta`` (a PageMeta) in the context; views override ``get_meta``."""

    def get_meta(self):
        return PageMeta()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["meta"] = self.get_meta()
        return context


def person(site, request):
    data = {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": site.author_name,
        "url": request.build_absolute_uri(reverse("home")),
    }
    if site.credential:
        data["honorificSuffix"] = site.credential
    if site.short_bio:
        data["description"] = site.short_bio
    return data


def _author(site):
    return {"@type": "Person", "name": site.author_name}


def _iso(moment):
    return moment.isoformat() if moment else None


def writing_meta(post, site, request):
    url = request.build_absolute_uri(post.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title,
        "description": post.teaser,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": _iso(post.publish_at),
        "dateModified": _iso(post.updated),
        "author": _author(site),
        "wordCount": post.word_count,
        "keywords": [tag.name for tag in post.tags.all()],
    }
    if post.byline:
        data["author"] = [_author(site), {"@type": "Person", "name": post.byline}]
    source_title = getattr(post, "source_title", "")
    if source_title:
        data["@type"] = "Article"
        cited = {"@type": "CreativeWork", "name": source_title}
        if post.source_url:
            cited["url"] = post.source_url
        if post.source_author:
            cited["author"] = {"@type": "Person", "name": post.source_author}
        if post.source_publication:
            cited["publisher"] = {"@type": "Organization", "name": post.source_publication}
        data["citation"] = cited
    return PageMeta(
        title=post.title,
        description=post.teaser,
        og_type="article",
        structured=[{key: value for key, value in data.items() if value not in (None, "", [])}],
    )


def book_meta(book, site, request):
    data = {
        "@context": "https://schema.org",
        "@type": "Book",
        "name": book.title,
        "author": _author(site),
        "url": request.build_absolute_uri(book.get_absolute_url()),
        "description": book.description or book.subtitle,
    }
    image = request.build_absolute_uri(book.cover.url) if book.cover else ""
    if image:
        data["image"] = image
    return PageMeta(
        title=book.title,
        description=book.description or book.subtitle,
        og_type="book",
        image=image,
        structured=[{key: value for key, value in data.items() if value}],
    )
