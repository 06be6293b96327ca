"""The related-content engine: which posts are kin, how much, and why.

Pure computation, no database. The site feeds it from its posts (``related.store``)
and ``related_quality`` from a folder of Markdown files (``related.documents``), so
what is measured is what runs.

The score of a candidate for a post is a weighted sum of four parts, each 0..1:

- text: cosine similarity of TF-IDF vectors (scikit-learn, sublinear term frequency,
  English stop words, terms in at least two posts) over two views of a post: all of
  its words (70%), and the character trigrams of its title and description (30%):
  those say what a post is about, and trigrams match word forms ("generic",
  "generics") without a stemmer;
- tags: cosine similarity of TF-IDF tag vectors (a rare shared tag means more);
- source: the same analysed article or book;
- recency: how close the two posts are in time, halving every HALF_LIFE_DAYS. It is
  closeness rather than newness so that a stored list never goes stale by itself.

A candidate needs kinship: shared words (not just shared letters in the titles), a
shared tag or a shared source. Recency alone never makes two posts related.

Terms are hashed (FeatureHasher), so there is no vocabulary to refit: a post saved
later is vectorised alone, and patched into the weights (``related.weighting``).

Importing this module loads NumPy, SciPy and scikit-learn (seconds): only what runs
the engine does (``related.store``, ``related.quality``, the refresh task's body). Its
records are in ``related.records``, for the light modules.
"""

import math
from collections import Counter

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction import FeatureHasher
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer

# Document is here too for callers that build the engine's input: engine.Document.
from .records import Candidate, Document, Vectors  # noqa: F401
from .weighting import MIN_DF, ViewWeights

# Words start with a letter and have two characters or more: no bare numbers.
TOKEN = r"(?u)\b[^\W\d_][^\W_]+\b"
_words = HashingVectorizer(stop_words="english", token_pattern=TOKEN).build_analyzer()
_chars = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 3)).build_analyzer()

# The text views and their shares of the text similarity (the shares sum to 1).
VIEWS = {"words": 0.7, "chars": 0.3}
FEATURES = {"words": 2**20, "chars": 2**18}
_hashers = {
    view: FeatureHasher(size, input_type="dict", alternate_sign=False)
    for view, size in FEATURES.items()
}
_labels = FeatureHasher(2**16, input_type="string", alternate_sign=False)

# Below this much similarity of their words, and with no shared tag or source, posts
# are not kin.
MIN_WORDS = 0.01
# How many of its strongest terms a post keeps to explain its suggestions.
KEYWORDS = 40
# Rows scored at once: bounds memory at CHUNK x posts floats per array.
CHUNK = 256
# After changes to a smaller index every weight is recomputed (cheap, no IDF drift);
# a larger one keeps the patched weights, unless there were many changes.
PATCH_FROM = 2000
PATCH_MAX = 100


def vectorize(documents, names=None):
    """Documents to Vectors, hashing every post's terms in one pass per view.

    ``names``, a dict, if given, learns which word each column of the words view holds
    (for keywords: hashing keeps no vocabulary).
    """
    documents = list(documents)
    if not documents:
        return []
    counts = {
        "words": [Counter(_words(f"{doc.heading}\n{doc.body}")) for doc in documents],
        "chars": [Counter(_chars(doc.heading)) for doc in documents],
    }
    hashed = {view: _hashers[view].transform(counts[view]) for view in VIEWS}
    words = list(set().union(*counts["words"])) if names is not None else []
    if words:
        columns = _hashers["words"].transform([{word: 1} for word in words]).indices
        names.update(zip(columns.tolist(), words, strict=True))
    return [
        Vectors(
            key=doc.key,
            views={view: _row(hashed[view], i) for view in VIEWS},
            tags=tuple(sorted(set(doc.tags))),
            sources=tuple(sorted(set(doc.sources))),
            day=doc.date.timestamp() / 86400 if doc.date else math.nan,
        )
        for i, doc in enumerate(documents)
    ]


def _row(matrix, i):
    start, end = matrix.indptr[i], matrix.indptr[i + 1]
    return matrix.indices[start:end].astype(np.int32), matrix.data[start:end].astype(np.float32)


def pack(views):
    """A post's hashed counts as bytes (for the database), and back."""
    arrays = [views[view] for view in VIEWS]
    sizes = np.array([len(indices) for indices, _ in arrays], dtype=np.int32)
    parts = [sizes.tobytes()]
    for indices, values in arrays:
        parts += [indices.astype(np.int32).tobytes(), values.astype(np.float32).tobytes()]
    return b"".join(parts)


def unpack(data):
    data = bytes(data)
    sizes = np.frombuffer(data, dtype=np.int32, count=len(VIEWS))
    offset, views = sizes.nbytes, {}
    for view, size in zip(VIEWS, sizes, strict=True):
        indices = np.frombuffer(data, dtype=np.int32, count=size, offset=offset)
        values = np.frombuffer(data, dtype=np.float32, count=size, offset=offset + 4 * size)
        views[view], offset = (indices, values), offset + 8 * size
    return views


class Index:
    """Every post's vectors, and the scores between them."""

    def __init__(self, weights):
        self.weights = weights
        self.keys = []
        self.rows = {}
        self.vectors = []
        self._views = None
        self._labels = None

    def __len__(self):
        return len(self.keys)

    def __contains__(self, key):
        return key in self.rows

    def put(self, vectors):
        """Add posts, or replace them when their key is already here.

        Returns the keys of the posts whose weighted vectors changed: these, and, when
        the weights were computed before, the posts holding a term these made shared
        (or unshared), whose vectors gained (or lost) it.
        """
        changed = {}
        for item in vectors:
            row = self.rows.setdefault(item.key, len(self.keys))
            if row == len(self.keys):
                self.keys.append(item.key)
                self.vectors.append(item)
            else:
                self.vectors[row] = item
            changed[row] = item
        self._labels = None
        reweighed = set(changed)
        if self._views and changed:
            for view, weights in self._views.items():
                reweighed.update(
                    weights.patch({r: item.views[view] for r, item in changed.items()})
                )
            if len(self) < PATCH_FROM or len(changed) > PATCH_MAX:
                self._views = None  # recomputed in full when next needed: no drift
        elif changed:
            self._views = None
        return {self.keys[row] for row in reweighed}

    def drop(self, keys):
        keys = set(keys) & self.rows.keys()
        if keys:
            self.vectors = [item for item in self.vectors if item.key not in keys]
            self.keys = [item.key for item in self.vectors]
            self.rows = {key: row for row, key in enumerate(self.keys)}
            self._views = self._labels = None

    @property
    def views(self):
        self.weigh()
        return self._views

    def weigh(self):
        """Compute the weights now if they are not (they are when first needed), so
        that put() patches them and says whose vectors moved."""
        if self._views is None:
            self._views = {
                view: ViewWeights([item.views[view] for item in self.vectors], FEATURES[view])
                for view in VIEWS
            }

    @property
    def labels(self):
        if self._labels is None:
            self._labels = _Labels(self.vectors)
        return self._labels

    def keywords(self, key, names, n=KEYWORDS):
        """A post's strongest terms as [term, weight], best first: (1 + ln tf) x idf,
        among the terms some other post uses too. ``names`` is from ``vectorize``."""
        words = self.views["words"]
        indices, counts = self.vectors[self.rows[key]].views["words"]
        strength = np.where(
            words.df[indices] >= MIN_DF, (1 + np.log(counts)) * words.idf[indices], 0
        )
        best = [i for i in np.argsort(-strength, kind="stable")[:n] if strength[i] > 0]
        return [[names.get(int(indices[i]), "?"), round(float(strength[i]), 3)] for i in best]

    def entrants(self, keys, floors):
        """The posts whose lists these posts now enter: those where one of them scores
        above the list's floor (``floors``: {key: score}; None or missing: room left).

        Scores are symmetric, so these posts' own rows say where they enter.
        """
        floor = np.array([floors.get(key) for key in self.keys], dtype=np.float64)
        floor = np.nan_to_num(floor, nan=-np.inf)
        rows = [self.rows[key] for key in keys]
        found = set()
        for start in range(0, len(rows), CHUNK):
            gated = self._score(rows[start : start + CHUNK])["gated"]
            found.update(self.keys[col] for col in np.flatnonzero((gated > floor).any(axis=0)))
        return found

    def rank(self, keys=None, count=None, exclude=None, pins=None):
        """Yield (key, candidates) for these posts (all by default), pins first.

        ``exclude`` and ``pins`` map a post's key to the keys the author excluded from
        its list and pinned to its top, in order. Candidates other than pins are the
        ``count`` best-scored kin.
        """
        count = self.weights.count if count is None else count
        exclude, pins = exclude or {}, pins or {}
        rows = list(range(len(self))) if keys is None else [self.rows[key] for key in keys]
        for start in range(0, len(rows), CHUNK):
            block = rows[start : start + CHUNK]
            parts = self._score(block)
            for i, row in enumerate(block):
                key = self.keys[row]
                pinned = [self.rows[pin] for pin in pins.get(key, ()) if pin in self.rows]
                total = parts["gated"][i]
                for col in pinned + [self.rows[k] for k in exclude.get(key, ()) if k in self.rows]:
                    total[col] = -np.inf
                candidates = [self._candidate(parts, i, col, pinned=True) for col in pinned]
                candidates += [self._candidate(parts, i, col) for col in _best(total, count)]
                yield key, candidates

    def _candidate(self, parts, i, col, pinned=False):
        return Candidate(
            key=self.keys[col],
            score=round(float(parts["total"][i, col]), 4),
            text=round(float(parts["text"][i, col]), 4),
            tags=round(float(parts["tags"][i, col]), 4),
            source=round(float(parts["source"][i, col]), 4),
            recency=round(float(parts["recency"][i, col]), 4),
            pinned=pinned,
        )

    def _score(self, rows):
        """The parts and totals of these rows against every post, dense float32 arrays
        of rows x posts: memory is bounded by CHUNK, not by the square of the posts."""
        labels, w = self.labels, self.weights
        words = _products(self.views["words"].matrix, rows)
        kin = words >= MIN_WORDS
        text = VIEWS["words"] * words + VIEWS["chars"] * _products(self.views["chars"].matrix, rows)
        del words
        tags = _products(labels.tags, rows)
        # One label in common (the address or the title of the same piece) is enough.
        source = (_products(labels.sources, rows) > 0).astype(np.float32)
        kin |= (tags > 0) | (source > 0)
        apart = np.abs(labels.days[rows, None] - labels.days[None, :])
        with np.errstate(invalid="ignore"):
            recency = np.nan_to_num(np.exp2(-apart / w.half_life_days), nan=0).astype(np.float32)
        del apart
        total = w.text * text + w.tags * tags + w.source * source + w.recency * recency
        gated = np.where(kin, total, -np.inf).astype(np.float32)
        gated[np.arange(len(rows)), rows] = -np.inf
        return {
            "text": text,
            "tags": tags,
            "source": source,
            "recency": recency,
            "total": total,
            "gated": gated,
        }


class _Labels:
    """Tags (TF-IDF: a rare shared tag means more), sources and days of every post."""

    def __init__(self, vectors):
        self.days = np.array([item.day for item in vectors], dtype=np.float64)
        if not vectors:
            self.tags = self.sources = sp.csr_matrix((0, _labels.n_features))
            return
        tags = _labels.transform(item.tags for item in vectors)
        self.tags = TfidfTransformer().fit_transform(tags).astype(np.float32)
        self.sources = _labels.transform(item.sources for item in vectors).astype(np.float32)


def _products(matrix, rows):
    """Dot products of these rows with every row, dense, rows x posts."""
    return (matrix @ matrix[rows].T).T.toarray()


def _best(total, count):
    """Columns of the ``count`` highest finite scores, best first (ties: lower column)."""
    finite = np.flatnonzero(np.isfinite(total))
    if count <= 0 or not finite.size:
        return []
    if finite.size > count:
        finite = finite[np.argpartition(-total[finite], count - 1)[:count]]
    return finite[np.lexsort((finite, -total[finite]))].tolist()
