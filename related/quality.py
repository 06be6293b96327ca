"""Measuring the engine: precision@k on a folder of tagged Markdown posts, in memory.

A suggestion is relevant when it shares a tag with the post. The engine is measured
twice: with the tags hidden from it (text, sources and dates only), and with them.
The baseline is plain TF-IDF cosine (scikit-learn's defaults, English stop words)
over the same text, with the tags appended as words when tags are given. Only posts
with tags take part, as posts and as candidates: an untagged post cannot be judged.
"""

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from .conf import weights
from .documents import from_markdown
from .engine import CHUNK, Index, vectorize

K = 3
# Posts with fewer words than this may go without suggestions.
MIN_WORDS = 20


@dataclass
class Corpus:
    documents: list
    files: int
    without_front_matter: int
    without_tags: int


@dataclass
class Result:
    precision: float
    baseline: float
    without_suggestions: int
    without_suggestions_long: int


def load(folder):
    """The tagged posts of a folder (recursively), and what was left out."""
    paths = sorted(Path(folder).rglob("*.md"))
    documents = [from_markdown(path, key=str(path.relative_to(folder))) for path in paths]
    with_front_matter = [doc for doc in documents if doc is not None]
    tagged = [doc for doc in with_front_matter if doc.tags]
    return Corpus(
        documents=tagged,
        files=len(paths),
        without_front_matter=len(paths) - len(with_front_matter),
        without_tags=len(with_front_matter) - len(tagged),
    )


def kin_counts(documents):
    """For each post, how many others share a tag with it."""
    labels = sorted({tag for doc in documents for tag in doc.tags})
    column = {tag: i for i, tag in enumerate(labels)}
    rows = [i for i, doc in enumerate(documents) for _tag in doc.tags]
    cols = [column[tag] for doc in documents for tag in doc.tags]
    tags = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(documents), len(labels)))
    counts = []
    for start in range(0, len(documents), CHUNK):
        shared = (tags[start : start + CHUNK] @ tags.T).toarray() > 0
        counts.extend(shared.sum(axis=1) - 1)  # not itself
    return np.array(counts)


def ceiling(documents, k=K):
    """Precision@k of a perfect ranking: short of 1 when a post has fewer than k kin."""
    return float(np.mean(np.minimum(kin_counts(documents), k) / k))


def chance(documents, k=K):
    """The expected precision of random suggestions."""
    return float(np.mean(kin_counts(documents) / (len(documents) - 1)))


def unmatched(documents):
    """How many posts share no tag with any other post."""
    return int((kin_counts(documents) == 0).sum())


def evaluate(documents, with_tags, k=K):
    shown = documents if with_tags else [replace(doc, tags=()) for doc in documents]
    index = Index(weights())
    index.put(vectorize(shown))
    rows = {doc.key: i for i, doc in enumerate(documents)}
    suggestions = [[rows[c.key] for c in candidates] for _key, candidates in index.rank(count=k)]
    words = [len(f"{doc.heading} {doc.body}".split()) for doc in documents]
    return Result(
        precision=_precision(documents, suggestions, k),
        baseline=_precision(documents, _baseline(shown, k), k),
        without_suggestions=sum(not found for found in suggestions),
        without_suggestions_long=sum(
            not found and count >= MIN_WORDS
            for found, count in zip(suggestions, words, strict=True)
        ),
    )


def _precision(documents, suggestions, k):
    """Mean share of relevant posts among the first k suggested (missing ones count as
    misses)."""
    tags = [set(doc.tags) for doc in documents]
    hits = [sum(bool(tags[i] & tags[j]) for j in found[:k]) for i, found in enumerate(suggestions)]
    return float(np.mean(hits)) / k


def _baseline(documents, k):
    """The top k of plain TF-IDF cosine, computed in chunks of rows."""
    texts = [f"{doc.heading}\n{doc.body}\n{' '.join(doc.tags)}" for doc in documents]
    matrix = TfidfVectorizer(stop_words="english").fit_transform(texts)
    found = []
    for start in range(0, len(documents), CHUNK):
        similarity = (matrix[start : start + CHUNK] @ matrix.T).toarray()
        similarity[np.arange(len(similarity)), np.arange(start, start + len(similarity))] = -np.inf
        found += [np.argsort(-row, kind="stable")[:k].tolist() for row in similarity]
    return found
