"""The engine's records, in plain Python: what it reads of a post (``Document``),
what it keeps of one (``Vectors``) and what it suggests (``Candidate``).

They live apart from ``related.engine`` so that what only builds or reads them (the
documents, the signals, the admin's explanations) does not load NumPy, SciPy and
scikit-learn: those cost seconds at start-up and are needed only when the engine runs.
"""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Document:
    """One post, as the engine reads it: plain text, tag and source labels, a date."""

    key: object
    title: str = ""
    description: str = ""
    body: str = ""
    tags: tuple = ()
    sources: tuple = ()
    date: datetime | None = None

    @property
    def heading(self):
        return f"{self.title}\n{self.description}"


@dataclass(frozen=True)
class Vectors:
    """What the index keeps of a post: hashed term counts per view (NumPy arrays),
    labels, a day."""

    key: object
    views: dict
    tags: tuple
    sources: tuple
    day: float


@dataclass(frozen=True)
class Candidate:
    key: object
    score: float
    text: float
    tags: float
    source: float
    recency: float
    pinned: bool = False
