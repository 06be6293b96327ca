"""Head metadata: title, description, canonical URL, Open Graph, Twitter card and JSON-LD.

Each view says what its page is (``get_meta``, see ``core.views.SitePageMixin``);
``templates/includes/head_meta.html`` prints it. Structured data follows schema.org;
the apps build their own types on these pieces (``essays.meta``, ``books.meta``).
"""

import json
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from . import cards

_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@dataclass
class PageMeta:
    title: str = ""
    description: str = ""
    og_type: str = "website"
    image: str = ""
    image_width: int | None = None
    image_height: int | None = None
    image_alt: str = ""
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

    def set_card(self, card, request):
        """Show ``card`` (a ``core.cards.Card``) as the page's og:image."""
        self.image = request.build_absolute_uri(card.url)
        self.image_width, self.image_height, self.image_alt = card.width, card.height, card.alt


def site_card(site):
    """The card of the pages that have no picture of their own: the site's name and tagline."""
    return cards.drawn_card("site", site.display_name, "", site.tagline)


def without_empty(data):
    """schema.org data without the keys that have no value."""
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def author(site):
    return {"@type": "Person", "name": site.author_name}


def iso(moment):
    return moment.isoformat() if moment else None


def person(site, request):
    """The author as a schema.org Person, for the landing page."""
    data = {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": site.author_name,
        "url": request.build_absolute_uri(reverse("home")),
        "honorificSuffix": site.credential,
        "description": site.short_bio,
    }
    return without_empty(data)
