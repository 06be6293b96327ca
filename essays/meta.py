"""schema.org data for a post: BlogPosting, or Article citing the analysed article."""

from core.meta import PageMeta, author, iso, without_empty
from core.safe_urls import safe_url


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
    return PageMeta(
        title=post.title,
        description=post.teaser,
        og_type="article",
        structured=[without_empty(data)],
    )
