"""Uploaded images: checked with Pillow (not by file name), re-encoded without EXIF or GPS data and
stored under a content hash in the instance folder. Each stored file is recorded with the space it
belongs to (``MediaFile``), and ``/media/<name>`` serves it under that space's visibility: publicly
cached when public, ``Cache-Control: private`` for members, a 404 for outsiders."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError
from werkzeug.datastructures import FileStorage

from community.errors import DomainError
from community.extensions import db
from community.formatting import format_number
from community.i18n import _

ALLOWED_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}
Image.MAX_IMAGE_PIXELS = 40_000_000  # refuse decompression bombs


def media_folder() -> Path:
    folder = Path(current_app.config["MEDIA_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_image(
    upload: FileStorage,
    *,
    max_bytes: int,
    max_size: tuple[int, int] = (1600, 1600),
    field: str,
    space_id: int | None = None,
) -> str:
    """Validates and stores an image; returns its file name. Raises ``DomainError`` for ``field``.
    ``space_id``: the space whose picture it is (seen only by those who may see the space)."""
    return save_image_sizes(upload, max_bytes=max_bytes, sizes=(max_size,), field=field, space_id=space_id)[0]


def save_image_sizes(
    upload: FileStorage,
    *,
    max_bytes: int,
    sizes: tuple[tuple[int, int], ...],
    field: str,
    space_id: int | None = None,
) -> list[str]:
    """The same picture stored once per size (largest first: the picture, then its thumbnail)."""
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise DomainError(
            _(
                "The image is larger than %(mb)s MB. Choose a smaller one.",
                mb=format_number(round(max_bytes / 1024 / 1024, 1)),
            ),
            field=field,
        )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        original = Image.open(io.BytesIO(data))
        if original.format not in ALLOWED_FORMATS:
            raise UnidentifiedImageError(original.format)
        original = ImageOps.exif_transpose(original)
        original.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise DomainError(
            _("This file is not an image we can use. Choose a PNG, JPEG, GIF or WebP picture."), field=field
        ) from exc
    names = []
    for size in sizes:
        image = original.copy()
        image.thumbnail(size)
        names.append(_store(image))
        _record(names[-1], space_id)
    return names


def _record(name: str, space_id: int | None) -> None:
    from community.spaces.models import MediaFile

    known = db.session.scalar(
        sa.select(MediaFile.id).where(MediaFile.name == name, _same_space(MediaFile.space_id, space_id))
    )
    if known is None:
        db.session.add(MediaFile(name=name, space_id=space_id))
        db.session.flush()


def _same_space(column, space_id: int | None):
    return column.is_(None) if space_id is None else column == space_id


def owners(name: str) -> list[int | None]:
    """The spaces ``name`` belongs to (None: no space, public); empty for a file stored before files
    were recorded, which stays public as it was."""
    from community.spaces.models import MediaFile

    return list(db.session.scalars(sa.select(MediaFile.space_id).where(MediaFile.name == name)))


def _store(image: Image.Image) -> str:
    """Re-encodes (which leaves EXIF and GPS data behind) and stores under a content hash."""
    has_alpha = image.mode in ("RGBA", "LA", "P")
    out = io.BytesIO()
    if has_alpha:
        image.convert("RGBA").save(out, "PNG", optimize=True)
        suffix = "png"
    else:
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
        suffix = "jpg"
    blob = out.getvalue()
    name = f"{hashlib.sha256(blob).hexdigest()[:32]}.{suffix}"
    target = media_folder() / name
    if not target.exists():
        target.write_bytes(blob)
    return name
