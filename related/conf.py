"""The engine's weights: ``settings.RELATED`` over the defaults here.

TEXT, TAGS, SOURCE and RECENCY weigh the parts of a score (each part is 0..1);
COUNT is how many suggestions are stored per post (the sidebar shows the first
``SiteSettings.related_count`` of them that are public); HALF_LIFE_DAYS is how far
apart in time two posts can be before the recency part halves.
"""

from dataclasses import dataclass, fields

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULTS = {
    "TEXT": 1.0,
    "TAGS": 0.5,
    "SOURCE": 0.5,
    "RECENCY": 0.05,
    "COUNT": 20,
    "HALF_LIFE_DAYS": 365,
}


@dataclass(frozen=True)
class Weights:
    text: float
    tags: float
    source: float
    recency: float
    count: int
    half_life_days: float


def weights():
    overrides = getattr(settings, "RELATED", {})
    unknown = set(overrides) - set(DEFAULTS)
    if unknown:
        raise ImproperlyConfigured(f"Unknown RELATED settings: {', '.join(sorted(unknown))}.")
    values = {**DEFAULTS, **overrides}
    return Weights(**{field.name: values[field.name.upper()] for field in fields(Weights)})
