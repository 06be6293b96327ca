"""Where each library image is used: the posts whose Markdown points at its file, and
the alt text each of those uses gives.

One source of truth for alt text, decided here and read by the library's admin:
the library's alt is the image's description, used wherever a post's Markdown leaves
the alt empty (``images.postprocess``); a post's own ``![alt](url)`` overrides it for
that one use (the same picture may say something else in another essay). So an image
"misses" alt text only when some reader would get none: it is not decorative, the
library has no alt, and it is unused or at least one use leaves the alt empty.

The Markdown is read as written (inline ``![alt](url)``, reference ``![alt][ref]`` and
raw ``<img>``), not rendered: reading a page of the library costs one query per model
with Markdown fields, whatever the number of images.
"""

import re
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.apps import apps
from django.db.models import Q
from markdownx.models import MarkdownxField

from .img_tags import img_tags
from .models import storage_name

# ![alt](url "title") or ![alt](<url>): the alt may hold escaped brackets.
INLINE = re.compile(r"!\[((?:\\.|[^\]\\])*)\]\(\s*<?([^\s)>]+)>?")
# ![alt][ref], ![alt][] and the definitions [ref]: url
REFERENCE = re.compile(r"!\[((?:\\.|[^\]\\])*)\]\[([^\]]*)\]")
DEFINITION = re.compile(r"^ {0,3}\[([^\]]+)\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
ESCAPE = re.compile(r"\\(.)")


@dataclass(frozen=True)
class Use:
    """One appearance of an image in a post: the post, its field, and the alt it gives."""

    post: object
    field: str
    alt: str

    @property
    def described(self):
        return bool(self.alt.strip())


def markdown_models():
    """(model, [Markdown field names]) for every model that has Markdown fields."""
    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, MarkdownxField)]
        if names and not model._meta.proxy:
            found.append((model, names))
    return found


def images_in(text):
    """(url, alt) of every image the Markdown ``text`` shows, in order."""
    found = [(m.start(), m.group(2), ESCAPE.sub(r"\1", m.group(1))) for m in INLINE.finditer(text)]
    definitions = {m.group(1).strip().lower(): m.group(2) for m in DEFINITION.finditer(text)}
    for m in REFERENCE.finditer(text):
        alt = ESCAPE.sub(r"\1", m.group(1))
        url = definitions.get((m.group(2) or m.group(1)).strip().lower())
        if url:
            found.append((m.start(), url, alt))
    found.sort(key=lambda item: item[0])
    pairs = [(url, alt) for _start, url, alt in found]
    pairs += [(attrs["src"], attrs.get("alt", "")) for attrs in img_tags(text) if attrs.get("src")]
    return pairs


def uses_of(images):
    """{image pk: [Use, ...]} for ``images``, each post once per field and image."""
    images = list(images)
    by_name = {image.file.name: image for image in images if image.file}
    found = {image.pk: [] for image in images}
    if not by_name:
        return found
    for model, fields in markdown_models():
        match = reduce(or_, (Q(**{f"{f}__contains": n}) for f in fields for n in by_name))
        for post in model._default_manager.filter(match).order_by("pk"):
            for field in fields:
                seen = set()
                for url, alt in images_in(getattr(post, field) or ""):
                    image = by_name.get(storage_name(url) or "")
                    if image is None or (image.pk, alt) in seen:
                        continue
                    seen.add((image.pk, alt))
                    found[image.pk].append(Use(post, field, alt))
    return found


def alt_missing(image, uses):
    """Whether some reader would get no alt text for ``image``, used as in ``uses``."""
    if image.decorative or image.alt.strip():
        return False
    return not uses or not all(use.described for use in uses)


def needing_alt(images):
    """Those of ``images`` that some reader would get without alt text (``alt_missing``):
    what a warning about missing alt text should list. One query per model with Markdown
    fields."""
    images = list(images)
    uses = uses_of(images)
    return [image for image in images if alt_missing(image, uses[image.pk])]
