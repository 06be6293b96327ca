"""From an accepted upload to stored files: a clean original and its renditions.

Two steps. ``prepare`` (the form's clean phase, or ``Model.save()`` when the ORM is given
a file directly) decodes the upload once, within the limits of ``validation``, and
encodes every file in memory: any damage (a truncated JPEG, a bad chunk) is a
``ValidationError`` before anything is stored. ``save_image`` then stores what was
prepared; a failure there removes what it had stored.

Stills are turned upright (the EXIF orientation is applied) and saved again with no
metadata at all: EXIF, GPS, XMP and comments are gone from every stored file; only the
colour profile and transparency survive. A still whose longest side is over
``IMAGE_ORIGINAL_MAX_SIDE`` (default 3000 px; None keeps every original whole) is stored
scaled down to it, as WordPress does past 2560 px: no page shows more than the widest
rendition, and decoding and encoding a 40-million-pixel original cost seconds and
hundreds of MB. A JPEG that large is decoded already scaled (libjpeg's draft mode: 1/2,
1/4 or 1/8 of its size, still covering the limit), other formats are scaled with
``reduce()`` first; the pixels are still all read, so damage is found.

Renditions are made at each width of ``IMAGE_RENDITION_WIDTHS`` (default 480, 960, 1600)
below the image's own, plus its own width when that is under the largest: never
upscaled. Each width is stored in the fallback format (the original's; PNG for a still
GIF) and in WebP.

Renditions are encoded when the upload is stored, not when it is checked. A large still
(over ``IMAGE_RENDITIONS_INLINE_MAX_PIXELS``, default 2 million) saved with ``defer=True``
(the library's ``Image``, when a worker runs the task queue) is stored alone, at once, and
its renditions are made by a task (``images/tasks.py``); until then pages show the
original.

Animations (GIF, or animated WebP or PNG, at most ``IMAGE_UPLOAD_MAX_FRAMES`` frames) stay
animated: every frame is re-encoded, so their metadata goes too, but they get no
renditions, since resizing every frame of an animation costs far more than it saves.
"""

from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, ImageSequence

from .validation import (
    ALIASES,
    BOMBS,
    EXTENSIONS,
    UNREADABLE_ERRORS,
    inspect,
    open_image,
    too_many_pixels,
    unreadable,
)

DEFAULT_WIDTHS = (480, 960, 1600)
# Resizing a palette image and saving it as GIF again would band: still GIFs get PNGs.
FALLBACK = {"JPEG": "JPEG", "PNG": "PNG", "GIF": "PNG", "WEBP": "WEBP"}
# All that is kept of a file's metadata: what changes how its pixels look.
KEEP_INFO = ("icc_profile", "transparency")
ORIGINAL_QUALITY = 90
RENDITION_QUALITY = 82
DEFAULT_ORIGINAL_MAX_SIDE = 3000
DEFAULT_INLINE_MAX_PIXELS = 2_000_000
# Scale in two steps: reduce() by a whole factor to within this many times the target,
# then Lanczos. Indistinguishable from Lanczos alone, and several times faster.
REDUCING_GAP = 3.0


@dataclass(frozen=True)
class Stored:
    """What ``save_image`` stored: the upright size, the format and the renditions.

    Each rendition is a dict: ``{"width", "height", "format" (jpeg/png/gif/webp), "name"}``,
    ``name`` being the file's name in storage.
    """

    width: int
    height: int
    format: str
    renditions: list
    name: str = ""  # the original's name in storage
    pending: bool = False  # renditions are still to be made (``make_renditions``)


def rendition_widths(width):
    """The widths to make for an image ``width`` pixels wide, smallest first; never wider."""
    widths = sorted(set(getattr(settings, "IMAGE_RENDITION_WIDTHS", DEFAULT_WIDTHS)))
    return sorted({w for w in widths if w < width} | {min(width, widths[-1])})


def original_max_side():
    return getattr(settings, "IMAGE_ORIGINAL_MAX_SIDE", DEFAULT_ORIGINAL_MAX_SIDE)


def renditions_can_wait(width, height):
    """Whether a still this size is worth making renditions for off the request path."""
    limit = getattr(settings, "IMAGE_RENDITIONS_INLINE_MAX_PIXELS", DEFAULT_INLINE_MAX_PIXELS)
    return width * height > limit


@dataclass(frozen=True)
class Prepared:
    """An upload decoded, cleaned and encoded, nothing stored yet (see ``prepare``).

    ``still`` is the decoded, upright picture (None for an animation), from which
    ``copies()`` encodes the renditions when they are wanted.
    """

    name: str
    format: str
    width: int
    height: int
    content: bytes
    still: object = None

    def copies(self):
        """``resized_copies``: ``(width, height, format, bytes or None)`` for each rendition."""
        return resized_copies(self.still, self.format) if self.still is not None else []


def prepare(upload):
    """Check ``upload`` (a Django ``File``), decode it once and encode what would be stored.

    Raises ``ValidationError`` with a message for the author when the upload is not
    acceptable: ``validation.inspect`` refuses from the header what would cost too much
    to decode; what is left is decoded here, so a truncated or damaged file is refused
    too. Nothing is stored.
    """
    inspection = inspect(upload)
    try:
        with open_image(upload) as source:
            if inspection.animated:
                content = encode_animation(source, inspection.format)
                width, height, still = inspection.width, inspection.height, None
            else:
                still = upright(decoded(source))
                content = encode(still, inspection.format, ORIGINAL_QUALITY)
                width, height = still.size
    except BOMBS as error:
        raise too_many_pixels() from error
    except UNREADABLE_ERRORS as error:
        raise unreadable() from error
    finally:
        upload.seek(0)
    name = inspection.filename(upload.name)
    return Prepared(name, inspection.format, width, height, content, still)


def save_image(field_file, renditions=True, defer=False):
    """Store the upload a model's file field holds, cleaned, then its renditions.

    ``field_file`` holds a new upload not yet in storage (``field_file._committed`` is
    false). What ``images.forms.RasterImageField`` prepared in the form's clean phase is
    stored as it is; an upload that no form checked (the ORM given a file) is prepared
    now, and raises ``ValidationError`` before anything is stored. The file is saved
    under a safe name with the right extension (``save=False``: the caller saves the
    model, and calls ``discard(stored)`` if that fails). ``renditions=False``: the clean
    file alone, for an image used at its own size (the podcast artwork). ``defer=True``:
    a large still is stored alone, its renditions left to the caller's task (``pending``).
    """
    upload = field_file.file
    prepared = getattr(upload, "prepared", None) or prepare(upload)
    pending = (
        renditions
        and defer
        and prepared.still is not None
        and renditions_can_wait(prepared.width, prepared.height)
    )
    field_file.save(prepared.name, ContentFile(prepared.content), save=False)
    try:
        wanted = renditions and not pending
        made = store_renditions(prepared.copies() if wanted else [], field_file)
    except BaseException:
        field_file.storage.delete(field_file.name)
        raise
    fmt = prepared.format.lower()
    return Stored(prepared.width, prepared.height, fmt, made, field_file.name, pending)


def renditions_of_stored(field_file, fmt):
    """Make and store the renditions of an original already in storage (a deferred one):
    the list ``Stored.renditions`` describes. The original was cleaned when it was
    stored; it is only decoded again here."""
    with field_file.open("rb"), Image.open(field_file) as source:
        source.load()
        still = upright(source)
        return store_renditions(resized_copies(still, fmt.upper()), field_file)


def discard(stored, storage):
    """Delete the files ``save_image`` stored: the model they were for was not saved."""
    for name in {stored.name, *(r["name"] for r in stored.renditions)}:
        storage.delete(name)


def decoded(source):
    """``source``'s pixels, decoded, its longest side at most ``IMAGE_ORIGINAL_MAX_SIDE``.

    A JPEG is decoded at the smallest scale libjpeg offers (1/2, 1/4, 1/8) that still
    covers the limit: a quarter or less of the memory and time of the whole. Every pixel
    is still read, so a truncated file fails here.
    """
    cap = original_max_side()
    width, height = source.size
    longest = max(width, height)
    if cap and longest > cap and ALIASES.get(source.format, source.format) == "JPEG":
        scale = next(s for s in (8, 4, 2, 1) if longest // s >= cap)
        if scale > 1:
            source.draft(None, (width // scale, height // scale))
    source.load()  # a truncated or corrupt file fails here, not half-way through a save
    if cap and max(source.size) > cap:
        ratio = cap / max(source.size)
        size = (max(1, round(source.width * ratio)), max(1, round(source.height * ratio)))
        scaled = source.resize(size, Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)
        scaled.info = source.info
        return scaled
    return source


def upright(image):
    """The decoded image turned as its EXIF orientation says, with no metadata but colour.

    Turned in place: an upright image is not copied, a turned one is held once.
    """
    image.load()  # a truncated or corrupt file fails here, not half-way through a save
    ImageOps.exif_transpose(image, in_place=True)
    image.info = {key: value for key, value in image.info.items() if key in KEEP_INFO}
    return image


def encode(image, fmt, quality):
    """``image`` as ``fmt`` bytes, with no metadata but what KEEP_INFO lets by."""
    if fmt == "JPEG" and image.mode not in ("RGB", "L", "CMYK"):
        image = convert(image, "RGB")
    elif fmt == "WEBP" and image.mode not in ("RGB", "RGBA"):
        image = convert(image, "RGBA" if image.has_transparency_data else "RGB")
    options = {"quality": quality} if fmt in ("JPEG", "WEBP") else {}
    if image.info.get("icc_profile") and fmt != "GIF":
        options["icc_profile"] = image.info["icc_profile"]
    if "transparency" in image.info and fmt in ("PNG", "GIF"):
        options["transparency"] = image.info["transparency"]
    out = BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def convert(image, mode):
    """``image`` in ``mode``; a CMYK colour profile would misdescribe the new pixels, so it goes."""
    converted = image.convert(mode)
    if image.mode == "CMYK":
        converted.info.pop("icc_profile", None)
    return converted


def encode_animation(source, fmt):
    """Every frame of an animation again, with its timing and looping, and nothing else."""
    frames, durations = [], []
    for frame in ImageSequence.Iterator(source):
        durations.append(frame.info.get("duration", 100))
        frame = frame.convert("RGBA")
        frame.info = {}
        frames.append(frame)
    options = {"save_all": True, "append_images": frames[1:], "duration": durations}
    options["loop"] = source.info.get("loop", 0)
    if fmt == "GIF":
        options["disposal"] = 2  # each frame is whole: clear before drawing the next
    out = BytesIO()
    frames[0].save(out, fmt, **options)
    return out.getvalue()


def resized_copies(image, fmt):
    """``(width, height, format, bytes)`` for each rendition of ``image`` (upright, decoded).

    ``bytes`` is None where the original itself serves: its own width, in its own format.
    """
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = convert(image, "RGBA" if image.has_transparency_data else "RGB")
    copies = []
    for width in rendition_widths(image.width):
        height = max(1, round(image.height * width / image.width))
        same_size = width == image.width
        resized = (
            image
            if same_size
            else image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)
        )
        for target in dict.fromkeys([FALLBACK[fmt], "WEBP"]):
            content = (
                None if same_size and target == fmt else encode(resized, target, RENDITION_QUALITY)
            )
            copies.append((width, height, target, content))
    return copies


def store_renditions(copies, field_file):
    """Store each of ``resized_copies`` beside the original; the list ``Stored`` describes."""
    stem = PurePosixPath(field_file.name).with_suffix("")
    renditions = []
    for width, height, fmt, content in copies:
        if content is None:
            name = field_file.name
        else:
            name = f"{stem}-{width}w.{EXTENSIONS[fmt]}"
            name = field_file.storage.save(name, ContentFile(content))
        renditions.append({"width": width, "height": height, "format": fmt.lower(), "name": name})
    return renditions
