"""Social cards: the 1200 × 630 picture a page shows when it is shared.

A post without its own card image gets one drawn with Pillow: its type and date, its
title, the site's name. The file's name is a digest of exactly what is drawn on it
(``cards/<key>-<digest>.png``), so a page works out its card's URL from the post's own
fields, with no query; a new title (or date, or site name) is a new name, drawn the first
time a page asks for it. The old card stays: a social network or a page cached elsewhere
that names it keeps its picture, and a process that knows it exists is never wrong (had
another process deleted it, a title changed back would name a missing file). A card is
some 50 KB.

Cards are stored through ``default_storage``, as the image renditions are, and each
process remembers the names it knows exist, so a card costs one storage check per process.
"""

import hashlib
import io
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.functional import empty
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
FOLDER = "cards"
# Bump when the drawing changes, so that every card is drawn again.
VERSION = "1"
FONTS = Path(settings.BASE_DIR) / "static" / "fonts"
BACKGROUND, ACCENT, INK, MUTED = "#1d2330", "#e0a458", "#ffffff", "#b8c0cc"
MARGIN = 80

logger = logging.getLogger(__name__)
_known = set()
_lock = threading.Lock()


@dataclass(frozen=True)
class Card:
    """An image for og:image: where it is (a path or URL), its size and its alt text."""

    url: str
    width: int
    height: int
    alt: str


def card_name(key, *lines):
    """The storage name of the card ``key`` showing ``lines``."""
    digest = hashlib.sha256("\x1f".join([VERSION, *lines]).encode()).hexdigest()[:16]
    return f"{FOLDER}/{key}-{digest}.png"


def drawn_card(key, title, label="", footer=""):
    """The card for ``key`` (such as ``post-12``), drawn and stored unless it already is."""
    name = card_name(key, title, label, footer)
    known = (_storage_id(), name)
    if known not in _known:
        with _lock:
            try:
                if not default_storage.exists(name):
                    _store(name, draw(title, label, footer))
                _known.add(known)
            except Exception:  # a card is never worth a failed page: drawn next time
                logger.warning("The card %s could not be stored.", name, exc_info=True)
    alt = f"{label}: {title}" if label else title
    return Card(default_storage.url(name), WIDTH, HEIGHT, alt)


def _storage_id():
    """Which storage the names are known in (the tests swap it)."""
    if default_storage._wrapped is empty:
        default_storage._setup()
    return id(default_storage._wrapped)


def _store(name, png):
    saved = default_storage.save(name, ContentFile(png))
    if saved != name:  # another process stored it meanwhile: keep theirs
        default_storage.delete(saved)


def _font(size, bold=False):
    return ImageFont.truetype(
        str(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size
    )


def _pieces(word, font, width):
    """``word``, cut where it must be to fit ``width`` pixels (a long URL, say)."""
    pieces, piece = [], ""
    for char in word:
        if piece and font.getlength(piece + char) > width:
            pieces.append(piece)
            piece = ""
        piece += char
    return [*pieces, piece]


def _wrap(text, font, width):
    """The words of ``text`` in lines no wider than ``width`` pixels."""
    lines, line = [], ""
    words = [piece for word in text.split() for piece in _pieces(word, font, width)]
    for word in words:
        candidate = f"{line} {word}".strip()
        if line and font.getlength(candidate) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


def _title_lines(title, width, max_height):
    """The title's font and lines: the biggest size at which it fits, cut short if need be."""
    for size in (72, 64, 56, 48, 42):
        font = _font(size, bold=True)
        lines = _wrap(title, font, width)
        if len(lines) * size * 1.25 <= max_height:
            return font, lines
    most = int(max_height // (size * 1.25))
    kept = lines[:most]
    if len(lines) > most:
        kept[-1] = kept[-1].rstrip(".,;: ") + "…"
    return font, kept


def draw(title, label="", footer=""):
    """The card as PNG bytes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    pen = ImageDraw.Draw(image)
    pen.rectangle([0, 0, 16, HEIGHT], fill=ACCENT)
    text_width = WIDTH - 2 * MARGIN
    top = MARGIN
    if label:
        pen.text((MARGIN, top), label.upper(), font=_font(28, bold=True), fill=ACCENT)
        top += 70
    footer_font = _font(32)
    footer_top = HEIGHT - MARGIN - 32
    font, lines = _title_lines(title or "…", text_width, footer_top - top - 30)
    for line in lines:
        pen.text((MARGIN, top), line, font=font, fill=INK)
        top += int(font.size * 1.25)
    if footer:
        pen.line([MARGIN, footer_top - 24, WIDTH - MARGIN, footer_top - 24], fill=MUTED, width=2)
        pen.text((MARGIN, footer_top), footer, font=footer_font, fill=MUTED)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
