"""Which type of writing a file is: front matter first, then its folder, then its title."""

import re

from django.utils.text import slugify

from essays.models import SECTIONS, ArticleAnalysis, DevReflection, Essay

MODELS = {model._meta.model_name: model for model in (Essay, ArticleAnalysis, DevReflection)}
_WORDS = {
    "essay": {"essay", "essays"},
    "articleanalysis": {"article-analysis", "article-analyses", "analysis", "analyses"},
    "devreflection": {"dev-reflection", "dev-reflections", "reflection", "reflections"},
}
for _section, _kind in SECTIONS.items():
    _WORDS[_kind].add(_section)
_KIND_BY_WORD = {word: kind for kind, words in _WORDS.items() for word in words}
_KIND_BY_WORD.update({word.replace("-", ""): kind for word, kind in _KIND_BY_WORD.items()})
# The front-matter keys that may name the type, most specific first.
KEYS = ("content_type", "type", "layout", "section")
_TITLES = (
    (re.compile(r"^\s*article analysis\s*:", re.IGNORECASE), "articleanalysis"),
    (re.compile(r"^\s*dev reflection\s*[-–—:]", re.IGNORECASE), "devreflection"),
)


def kind_of_word(value):
    """The kind a word such as "essays", "Article_Analysis" or "_dev-reflections" names."""
    if not isinstance(value, str):
        return None
    return _KIND_BY_WORD.get(slugify(value.replace("_", "-")).strip("-"))


def detect(front, folders, title):
    """(model, the front-matter key that decided it or None)."""
    for key in KEYS:
        if kind := kind_of_word(front.get(key)):
            return MODELS[kind], key
    for folder in reversed(folders):
        if kind := kind_of_word(folder):
            return MODELS[kind], None
    for pattern, kind in _TITLES:
        if isinstance(title, str) and pattern.match(title):
            return MODELS[kind], None
    return Essay, None
