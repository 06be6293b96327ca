"""Why each suggestion was made, for staff: shared tags, the strongest shared terms,
a shared source, and the parts of the score. Three queries for a whole list.

It reads what the engine stored (``IndexEntry.keywords``), so the admin page that
shows it never loads the engine's libraries."""

from dataclasses import dataclass

from essays.models import Writing

from .models import IndexEntry, RelatedLink

SOURCE_KINDS = {"url": "article", "title": "article", "book": "book"}


@dataclass
class Reason:
    link: RelatedLink
    shared_tags: list
    shared_terms: list
    shared_sources: list

    @property
    def target(self):
        return self.link.target


def reasons(post):
    """The stored list of ``post``, best first, each with why it is there."""
    links = list(RelatedLink.objects.filter(source=post.pk).select_related("target"))
    ids = [post.pk, *(link.target_id for link in links)]
    entries = {
        pk: (keywords, set(sources))
        for pk, keywords, sources in IndexEntry.objects.filter(pk__in=ids).values_list(
            "pk", "keywords", "sources"
        )
    }
    tags = {pk: set() for pk in ids}
    pairs = Writing.tags.through.objects.filter(writing_id__in=ids)
    for pk, name in pairs.values_list("writing_id", "tag__name"):
        tags[pk].add(name)
    own_keywords, own_sources = entries.get(post.pk, ([], set()))
    found = []
    for link in links:
        keywords, sources = entries.get(link.target_id, ([], set()))
        found.append(
            Reason(
                link=link,
                shared_tags=sorted(tags[post.pk] & tags[link.target_id]),
                shared_terms=strongest_shared(own_keywords, keywords),
                shared_sources=[describe_source(label) for label in sorted(own_sources & sources)],
            )
        )
    return found


def strongest_shared(keywords, other, n=5):
    """The terms two posts' keywords share, strongest (product of weights) first."""
    theirs = dict(other)
    shared = [(weight * theirs[term], term) for term, weight in keywords if term in theirs]
    return [term for _weight, term in sorted(shared, reverse=True)[:n]]


def describe_source(label):
    """ "url:example.com/a" as "article example.com/a"."""
    kind, _sep, value = label.partition(":")
    return f"{SOURCE_KINDS.get(kind, kind)} {value}"
