"""The TF-IDF weights of one text view of every post, kept up to date row by row.

Computed in full, scikit-learn's TfidfTransformer (sublinear term frequency, smooth
IDF, L2 norm) is fitted on every post's counts. Then each post keeps its MAX_TERMS
strongest terms: the rest are common words that tell little and make every product
slow. Terms fewer than MIN_DF posts use are left out: they can match nothing.

After that, a few changed posts can be patched in: their rows are weighted with the
fitted IDF, and so are the rows of posts sharing a term whose document frequency
crossed MIN_DF (a word two posts now share starts to count for both). The IDF of the
other terms drifts a little until the next full computation.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.preprocessing import normalize

MIN_DF = 2
MAX_TERMS = 150


class ViewWeights:
    def __init__(self, rows, size):
        self.counts = stack(rows, size)
        self.df = np.bincount(self.counts.indices, minlength=size)
        self.transformer = TfidfTransformer(sublinear_tf=True)
        self.transformer.fit(self.counts if self.counts.shape[0] else sp.csr_matrix((1, size)))
        self.matrix = self._weigh(self.counts)

    @property
    def idf(self):
        return self.transformer.idf_

    def patch(self, changes):
        """Replace rows, or append them (row = the number of rows), from
        {row: (indices, counts)}. Returns the rows re-weighted: these, and those
        holding a term that became shared or stopped being."""
        old = [_row(self.counts, row)[0] for row in changes if row < self.counts.shape[0]]
        new = [indices for indices, _counts in changes.values()]
        touched = np.unique(np.concatenate([*old, *new, np.zeros(0, np.int32)]))
        before = self.df[touched] >= MIN_DF
        for indices in old:
            self.df[indices] -= 1
        for indices in new:
            self.df[indices] += 1
        crossed = touched[before != (self.df[touched] >= MIN_DF)]
        self.counts = set_rows(self.counts, changes)
        rows = sorted(set(changes) | set(rows_holding(self.counts, crossed).tolist()))
        weighted = self._weigh(self.counts[rows])
        self.matrix = set_rows(self.matrix, {row: _row(weighted, i) for i, row in enumerate(rows)})
        return rows

    def _weigh(self, counts):
        if not counts.shape[0]:
            return sp.csr_matrix(counts.shape, dtype=np.float32)
        shared = counts.copy()
        shared.data[self.df[shared.indices] < MIN_DF] = 0
        shared.eliminate_zeros()
        return strongest(self.transformer.transform(shared), MAX_TERMS).astype(np.float32)


def strongest(matrix, count):
    """Each row's ``count`` largest values (ties may keep a few more), re-normalised."""
    matrix = sp.csr_matrix(matrix, copy=True)
    data, indptr = matrix.data, matrix.indptr
    for row in np.flatnonzero(np.diff(indptr) > count):
        values = data[indptr[row] : indptr[row + 1]]
        threshold = np.partition(values, len(values) - count)[len(values) - count]
        values[values < threshold] = 0
    matrix.eliminate_zeros()
    return normalize(matrix)


def stack(rows, size):
    """(indices, values) pairs as the rows of a CSR matrix."""
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(indices) for indices, _ in rows])
    indices = np.concatenate([np.zeros(0, np.int32), *(indices for indices, _ in rows)])
    values = np.concatenate([np.zeros(0, np.float32), *(values for _, values in rows)])
    return sp.csr_matrix((values, indices, indptr), shape=(len(rows), size))


def set_rows(matrix, changes):
    """``matrix`` with rows replaced or appended, from {row: (indices, values)}; O(nnz)."""
    old_rows = matrix.shape[0]
    n_rows = max(old_rows, max(changes, default=-1) + 1)
    lengths = np.zeros(n_rows, dtype=np.int64)
    lengths[:old_rows] = np.diff(matrix.indptr)
    for row, (indices, _values) in changes.items():
        lengths[row] = len(indices)
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    indices = np.empty(indptr[-1], dtype=matrix.indices.dtype)
    data = np.empty(indptr[-1], dtype=matrix.data.dtype)
    start = 0
    for row in [*sorted(row for row in changes if row < old_rows), old_rows]:
        # The unchanged rows before this one, in one copy.
        source = slice(matrix.indptr[start], matrix.indptr[row])
        target = slice(indptr[start], indptr[row])
        indices[target], data[target] = matrix.indices[source], matrix.data[source]
        start = row + 1
    for row, (row_indices, row_values) in changes.items():
        indices[indptr[row] : indptr[row + 1]] = row_indices
        data[indptr[row] : indptr[row + 1]] = row_values
    return sp.csr_matrix((data, indices, indptr), shape=(n_rows, matrix.shape[1]))


def rows_holding(matrix, columns):
    """The rows with a value in any of these columns."""
    if not len(columns):
        return np.zeros(0, dtype=np.int64)
    positions = np.flatnonzero(np.isin(matrix.indices, columns))
    return np.unique(np.searchsorted(matrix.indptr, positions, side="right") - 1)


def _row(matrix, i):
    start, end = matrix.indptr[i], matrix.indptr[i + 1]
    return matrix.indices[start:end], matrix.data[start:end]
