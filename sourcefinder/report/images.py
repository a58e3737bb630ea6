"""Listing photos as small embedded thumbnails, read from the crawl's local copies (never from the network)."""

from __future__ import annotations

import base64
import hashlib
import io
import warnings
from pathlib import Path
from urllib.parse import unquote, urlparse

from PIL import Image

THUMBNAIL_PX = 180
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000


def local_copy(url: str | None, images_dir: str | Path) -> Path | None:
    """Where a photo is on this machine: a file:// path, or the copy Scrapy's ImagesPipeline stored.

    ImagesPipeline names a download ``full/<sha1 of the URL>.jpg`` under IMAGES_STORE (the database's
    ``images`` folder for sourcefinder's crawls).
    """
    if not url:
        return None
    if url.startswith("file://"):
        path = Path(unquote(urlparse(url).path))
    else:
        path = Path(images_dir) / "full" / f"{hashlib.sha1(url.encode()).hexdigest()}.jpg"
    return path if path.is_file() else None


def thumbnail_bytes(path: Path, size: int = THUMBNAIL_PX) -> bytes | None:
    """A JPEG thumbnail of an image file; None for a file that is too big, corrupt or not an image."""
    if path.stat().st_size > MAX_FILE_BYTES:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if image.width * image.height > MAX_PIXELS:
                    return None
                image.draft("RGB", (size * 2, size * 2))
                image.thumbnail((size, size))
                out = io.BytesIO()
                image.convert("RGB").save(out, "JPEG", quality=78)
                return out.getvalue()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None


def thumbnail_uri(url: str | None, images_dir: str | Path) -> str | None:
    """The photo at ``url`` as a ``data:`` URI thumbnail, or None when there is no usable local copy."""
    path = local_copy(url, images_dir)
    data = thumbnail_bytes(path) if path else None
    return "data:image/jpeg;base64," + base64.b64encode(data).decode() if data else None
