"""From an accepted upload to stored files: a clean original and its renditions.

Stills are turned upright (the EXIF orientation is applied) and saved again with no
metadata at all: EXIF, GPS, XMP and comments are gone from every stored file; only the
colour profile and transparency survive. Renditions are made at each width of
``IMAGE_RENDITION_WIDTHS`` (default 480, 960, 1600) below the image's own, plus its own
width when that is under the largest: never upscaled. Each width is stored in the
fallback format (the original's; PNG for a still GIF) and in WebP.

Animations (GIF, or animated WebP or PNG) stay animated: every frame is re-encoded, so
their metadata goes too, but they get no renditions, since resizing every frame of an
animation costs far more than it saves.
"""

from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, ImageSequence

from .validation import (
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


def rendition_widths(width):
    """The widths to make for an image ``width`` pixels wide, smallest first; never wider."""
    widths = sorted(set(getattr(settings, "IMAGE_RENDITION_WIDTHS", DEFAULT_WIDTHS)))
    return sorted({w for w in widths if w < width} | {min(width, widths[-1])})


def save_image(field_file, renditions=True):
    """Check, clean and store the upload a model's file field holds, then its renditions.

    ``field_file`` holds a new upload not yet in storage (``field_file._committed`` is
    false). Raises ``ValidationError`` with a message for the author when the upload is
    not acceptable; otherwise saves the cleaned file under a safe name with the right
    extension (``save=False``: the caller saves the model) and returns a ``Stored``.
    Every file is encoded before any is stored, so a refusal leaves nothing behind, and
    a storage failure is not mistaken for a bad image. ``renditions=False``: the clean
    file alone, for an image used at its own size (the podcast artwork).
    """
    upload = field_file.file
    inspection = inspect(upload)
    try:
        with open_image(upload) as source:
            if inspection.animated:
                content = encode_animation(source, inspection.format)
                width, height, sizes = inspection.width, inspection.height, []
            else:
                still = upright(source)
                content = encode(still, inspection.format, ORIGINAL_QUALITY)
                width, height = still.size
                sizes = resized_copies(still, inspection.format) if renditions else []
    except BOMBS as error:
        raise too_many_pixels() from error
    except UNREADABLE_ERRORS as error:
        raise unreadable() from error
    field_file.save(inspection.filename(upload.name), ContentFile(content), save=False)
    return Stored(width, height, inspection.format.lower(), store_renditions(sizes, field_file))


def upright(image):
    """The decoded image turned as its EXIF orientation says, with no metadata but colour."""
    image.load()  # a truncated or corrupt file fails here, not half-way through a save
    turned = ImageOps.exif_transpose(image)
    turned.info = {key: value for key, value in turned.info.items() if key in KEEP_INFO}
    return turned


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
        resized = image if same_size else image.resize((width, height), Image.Resampling.LANCZOS)
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
