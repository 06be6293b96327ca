"""schema.org data for a post: BlogPosting, or Article citing the analysed article."""

import hashlib

from django.utils import timezone
from django.utils.formats import date_format

from core import cards
from core.meta import PageMeta, author, iso, without_empty
from core.safe_urls import safe_url


def card_key(post):
    """Names the post's drawn cards: from its address, which an export and import keep (its
    primary key is not kept), hashed because an address may hold slashes."""
    return "post-" + hashlib.sha256(post.slug.encode()).hexdigest()[:12]


def post_card(post, site):
    """The post's own card image when it has one, else its drawn card (no query either way)."""
    if post.card_image and post.card_image_width and post.card_image_height:
        alt = post.card_image_alt or post.title
        return cards.Card(post.card_image.url, post.card_image_width, post.card_image_height, alt)
    label = str(post.Kind(post.kind).label)
    if post.publish_at:
        label = f"{label} · {date_format(timezone.localtime(post.publish_at), 'F j, Y')}"
    return cards.drawn_card(card_key(post), post.title, label, site.display_name)


def writing_meta(post, site, request):
    url = request.build_absolute_uri(post.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title,
        "description": post.teaser,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": iso(post.publish_at),
        "dateModified": iso(post.updated),
        "author": author(site),
        "wordCount": post.word_count,
        "keywords": [tag.name for tag in post.tags.all()],
    }
    if post.byline:
        data["author"] = [author(site), {"@type": "Person", "name": post.byline}]
    source_title = getattr(post, "source_title", "")
    if source_title:
        data["@type"] = "Article"
        data["citation"] = without_empty(
            {
                "@type": "CreativeWork",
                "name": source_title,
                "url": safe_url(post.source_url),
                "author": post.source_author and {"@type": "Person", "name": post.source_author},
                "publisher": post.source_publication
                and {"@type": "Organization", "name": post.source_publication},
            }
        )
    meta = PageMeta(
        title=post.title,
        description=post.teaser,
        og_type="article",
        structured=[without_empty(data)],
    )
    meta.set_card(post_card(post, site), request)
    meta.structured[0]["image"] = meta.image
    return meta
