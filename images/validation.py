"""What an upload must be to be kept: a real JPEG, PNG, GIF or WebP within the limits.

The file's own bytes decide, read by Pillow; the client's content type and the file
name are ignored. Only the four formats' decoders are tried, so Pillow never hands a
file to a riskier one (EPS, for instance, runs Ghostscript). Limits come from settings:

- ``IMAGE_UPLOAD_MAX_BYTES`` (default 10 MB)
- ``IMAGE_UPLOAD_MAX_PIXELS`` (default 40 million; for an animation, across all frames)
- ``IMAGE_UPLOAD_MAX_FRAMES`` (default 300): an animation is re-encoded frame by frame,
  so thousands of tiny frames cost seconds however few pixels each has.

No side may be longer than 16,383 pixels, the most a WebP rendition can hold.

``inspect`` reads the header only; ``processing.prepare`` then decodes the pixels once,
within these limits, in the form's clean phase.
"""

from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 10 * MB
DEFAULT_MAX_PIXELS = 40_000_000
DEFAULT_MAX_FRAMES = 300
# WebP's limit: a longer side cannot be encoded as a WebP rendition.
MAX_SIDE = 16_383

# Pillow's format name -> the extension a stored file gets.
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
# A phone's multi-picture JPEG opens as MPO: its first picture is the photo.
ALIASES = {"MPO": "JPEG"}

# What Pillow raises for a file it cannot make sense of.
UNREADABLE_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError)
BOMBS = (Image.DecompressionBombError, Image.DecompressionBombWarning)


def max_bytes():
    return getattr(settings, "IMAGE_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_pixels():
    return getattr(settings, "IMAGE_UPLOAD_MAX_PIXELS", DEFAULT_MAX_PIXELS)


def max_frames():
    return getattr(settings, "IMAGE_UPLOAD_MAX_FRAMES", DEFAULT_MAX_FRAMES)


def empty():
    return ValidationError(_("This file is empty."), code="empty")


def too_long_a_side(width, height):
    return ValidationError(
        _("This image is %(width)s × %(height)s pixels: no side may be longer than %(max)s.")
        % {"width": width, "height": height, "max": f"{MAX_SIDE:,}"},
        code="too_long_a_side",
    )


def too_many_frames():
    return ValidationError(
        _("This animation has more than %(frames)s frames.") % {"frames": f"{max_frames():,}"},
        code="too_many_frames",
    )


def wrong_format():
    return ValidationError(_("Only JPEG, PNG, GIF and WebP images can be uploaded."), code="format")


def unreadable():
    return ValidationError(
        _("This image could not be read: the file may be damaged or incomplete."),
        code="unreadable",
    )


def too_large():
    limit = max_bytes()
    size = f"{limit // MB} MB" if limit % MB == 0 else filesizeformat(limit)
    return ValidationError(
        _("This image is larger than %(size)s.") % {"size": size}, code="too_large"
    )


def too_many_pixels(animated=False):
    millions = f"{max_pixels() / 1_000_000:g}"
    if animated:
        message = _("This animation has more than %(millions)s million pixels across its frames.")
    else:
        message = _("This image has more than %(millions)s million pixels.")
    return ValidationError(message % {"millions": millions}, code="too_many_pixels")


@dataclass(frozen=True)
class Inspection:
    format: str  # JPEG, PNG, GIF or WEBP
    width: int
    height: int
    frames: int

    @property
    def animated(self):
        return self.frames > 1

    @property
    def extension(self):
        return EXTENSIONS[self.format]

    def filename(self, original):
        """The upload's name, made safe, with the extension its content deserves."""
        stem = slugify(PurePath(original or "").stem)[:60] or "image"
        return f"{stem}.{self.extension}"


def open_image(file):
    """Open ``file`` with the allowed decoders only. Pillow reads the header, not the pixels."""
    file.seek(0)
    return Image.open(file, formats=["JPEG", "PNG", "GIF", "WEBP"])


def inspect(file):
    """Check an uploaded file and describe it, or raise ``ValidationError`` saying why not.

    Never decodes the pixels: size, header and structure only, so a decompression bomb
    (a small file declaring huge dimensions) or an animation of thousands of frames is
    refused before it can cost anything. ``processing.prepare`` decodes what passes.
    """
    if file.size is not None and file.size > max_bytes():
        raise too_large()
    if file.size == 0:
        raise empty()
    try:
        with open_image(file) as image:
            fmt = ALIASES.get(image.format, image.format)
            width, height = image.size
            # An MPO's second picture is a depth map or preview, not an animation frame.
            frames = 1 if image.format in ALIASES else getattr(image, "n_frames", 1)
            if width * height > max_pixels():
                raise too_many_pixels()
            if max(width, height) > MAX_SIDE:
                raise too_long_a_side(width, height)
            if frames > max_frames():
                raise too_many_frames()
            if width * height * frames > max_pixels():
                raise too_many_pixels(animated=True)
            image.verify()
    except BOMBS as error:
        raise too_many_pixels() from error
    except UnidentifiedImageError as error:
        raise wrong_format() from error
    except UNREADABLE_ERRORS as error:
        raise unreadable() from error
    finally:
        file.seek(0)
    if fmt not in EXTENSIONS:
        raise wrong_format()
    return Inspection(format=fmt, width=width, height=height, frames=frames)
