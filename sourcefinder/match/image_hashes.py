"""Perceptual image hashes for matching retail photos to the factory photos they were made from.

Every hash is 64 bits, stored as 16 lowercase hex digits (or as a signed 64-bit integer in SQLite).
An image is decoded once, at reduced size (JPEG draft mode), its uniform border is trimmed, and then
every hash in ``HASHES`` is computed from that one small image. See docs/hashing.md.
"""

from __future__ import annotations

import functools
import io
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import imagehash
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 32 * 1024 * 1024
"""Files larger than this are refused before decoding."""
MAX_PIXELS = 64_000_000
"""Images declaring more pixels than this (width x height, from the header) are refused."""
DRAFT_SIZE = 64
"""JPEGs are decoded at the smallest 1/2, 1/4 or 1/8 scale that keeps both sides >= this."""
TRIM_TOLERANCE = 10
"""A pixel belongs to a border when every channel is within this of the border colour."""
TRIM_MIN_FRACTION = 0.97
"""A row or column is border when at least this fraction of its pixels belong to it."""
TRIM_PASSES = 4
"""At most this many rounds of trimming (a frame, then the plain background inside it, ...)."""
TRIM_SHAVE = 0.015
"""After a border, this fraction of the side (at least one line) more is cut: the blend of frame and photo that
resizing and JPEG leave would otherwise stop the next round."""
BAND_MIN_FRACTION = 0.5
"""A banner row: at least this fraction of its pixels is within TRIM_TOLERANCE of the banner's colour."""
BAND_MAX_HEIGHT = 0.35
"""A strip higher than this fraction of the photo is not a banner."""
PARTS: dict[str, tuple[float, float, float, float]] = {
    "top": (0.0, 0.12, 1.0, 1.0),
    "bottom": (0.0, 0.0, 1.0, 0.88),
    "inset": (0.1, 0.1, 0.9, 0.9),
    "left": (0.0, 0.0, 0.5, 1.0),
    "right": (0.5, 0.0, 1.0, 1.0),
    "upper": (0.0, 0.0, 1.0, 0.5),
    "lower": (0.0, 0.5, 1.0, 1.0),
    "upper_left": (0.0, 0.0, 0.5, 0.5),
    "upper_right": (0.5, 0.0, 1.0, 0.5),
    "lower_left": (0.0, 0.5, 0.5, 1.0),
    "lower_right": (0.5, 0.5, 1.0, 1.0),
}
"""Windows of a query photo (left, top, right, bottom as fractions) hashed as ``phash_parts``, beside the photo
without its banner strips (``strip_bands``): without a strip at the top or bottom, without a decorative frame,
and the halves and quarters a collage is made of. Only the query side computes them; the factory side is
indexed whole (docs/hashing.md)."""
CROPS: dict[str, tuple[float, float, float, float]] = {
    "centre": (0.075, 0.075, 0.925, 0.925),
    "centre_close": (0.125, 0.125, 0.875, 0.875),
    "upper_left": (0.0, 0.0, 0.85, 0.85),
    "upper_right": (0.15, 0.0, 1.0, 0.85),
    "lower_left": (0.0, 0.15, 0.85, 1.0),
    "lower_right": (0.15, 0.15, 1.0, 1.0),
}
"""Windows of a factory's main photo hashed as ``phash_crops``: what a reseller's crop of it may show (compared
with candidate pairs, never searched)."""
PART_MIN_SPREAD = 12
"""A window whose grey levels spread less than this (standard deviation) is blank: not hashed."""
COLOUR_WALL_TOLERANCE = 50
"""A pixel is the product's, not the wall's, when a channel differs from the outer ring's median by more."""
COLOUR_SHARE = 0.03
"""A colour bin is present in a photo when it holds at least this share of the product's pixels."""
COLOUR_HUES = 12
"""Hue bins of the colour code (each split by dark/bright and pale/vivid), after 4 grey bins: 52 bits."""
_UINT64_MASK = (1 << 64) - 1
_INT64_LIMIT = 1 << 63

Source = str | Path | bytes


class ImageError(ValueError):
    """An image that cannot be hashed; ``reason`` says why."""

    @property
    def reason(self) -> str:
        return str(self.args[0])


def _read(source: Source, max_bytes: int) -> bytes:
    if isinstance(source, bytes):
        data = source
    else:
        try:
            size = os.stat(source).st_size
            if size > max_bytes:
                raise ImageError(f"file is {size} bytes, over the {max_bytes}-byte limit")
            data = Path(source).read_bytes()
        except OSError as exc:
            raise ImageError(f"cannot read file: {exc}") from exc
    if len(data) > max_bytes:
        raise ImageError(f"image is {len(data)} bytes, over the {max_bytes}-byte limit")
    if not data:
        raise ImageError("empty file")
    return data


def _flatten_alpha(img: Image.Image) -> Image.Image:
    """Composite a transparent image onto white, as a shop page shows it."""
    if img.mode not in ("RGBA", "LA", "PA") and "transparency" not in img.info:
        return img
    rgba = img.convert("RGBA")
    return Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)


def open_image(
    source: Source,
    mode: str = "L",
    draft_size: int = DRAFT_SIZE,
    max_bytes: int = MAX_BYTES,
    max_pixels: int = MAX_PIXELS,
) -> Image.Image:
    """Decode an image once, at reduced size when it is a JPEG, upright (EXIF) and in ``mode``.

    Raises ImageError for files over ``max_bytes``, images declaring more than ``max_pixels``,
    and anything PIL cannot decode completely (truncated, corrupt, not an image).
    """
    data = _read(source, max_bytes)
    try:
        img = Image.open(io.BytesIO(data))
        width, height = img.size
        if width * height > max_pixels:
            raise ImageError(f"image declares {width}x{height} pixels, over the {max_pixels}-pixel limit")
        img.draft(mode, (draft_size, draft_size))
        img.load()
        img = ImageOps.exif_transpose(img)
        return _flatten_alpha(img).convert(mode)
    except ImageError:
        raise
    except UnidentifiedImageError as exc:
        raise ImageError("cannot decode image: not a format PIL can identify") from exc
    except Image.DecompressionBombError as exc:
        raise ImageError(f"decompression bomb: {exc}") from exc
    except Exception as exc:  # PIL's decoders raise many types (OSError, SyntaxError, struct.error, ...)
        raise ImageError(f"cannot decode image: {type(exc).__name__}: {exc}") from exc


def _border_width(lines: np.ndarray, tolerance: int, min_fraction: float, frames: bool) -> int:
    """How many of the outer half of ``lines`` (outermost first) are near-uniform, one after another; with
    ``frames`` also those that repeat the outermost line (the sides of a gradient frame)."""
    half = lines[: (len(lines) + 1) // 2]
    middle = half.shape[1] // 2
    median = np.partition(half, middle, axis=1)[:, middle : middle + 1]
    border = np.count_nonzero(np.abs(half - median) <= tolerance, axis=1) >= min_fraction * half.shape[1]
    if frames:
        repeated = np.abs(half - half[:1]) <= tolerance
        border |= np.count_nonzero(repeated, axis=1) >= min_fraction * half.shape[1]
    return len(border) if border.all() else int(np.argmin(border))


def _trim_box(
    img: Image.Image, tolerance: int, min_fraction: float, frames: bool
) -> tuple[int, int, int, int]:
    rows = np.asarray(img.convert("L"), dtype=np.int16)
    columns = np.ascontiguousarray(rows.T)
    return (
        _border_width(columns, tolerance, min_fraction, frames),
        _border_width(rows, tolerance, min_fraction, frames),
        img.width - _border_width(columns[::-1], tolerance, min_fraction, frames),
        img.height - _border_width(rows[::-1], tolerance, min_fraction, frames),
    )


def trim_border(
    img: Image.Image,
    tolerance: int = TRIM_TOLERANCE,
    min_fraction: float = TRIM_MIN_FRACTION,
    frames: bool = False,
) -> Image.Image:
    """Cut near-uniform outer rows and columns until none is left; an image without any, or all uniform,
    is returned as is. Repeated because a frame hides the uniform background inside it. ``frames``: the first
    round also cuts lines that repeat the outermost one, a gradient frame's sides (a query photo's part
    only: on a studio photo's gradient wall it would cut to a depth that moves with the tone)."""
    for round_ in range(TRIM_PASSES):
        left, top, right, bottom = _trim_box(img, tolerance, min_fraction, frames and round_ == 0)
        if (
            right - left < 2
            or bottom - top < 2
            or (left, top, right, bottom) == (0, 0, img.width, img.height)
        ):
            return img
        img = img.crop(_shaved((left, top, right, bottom), img.size))
    return img


def _shaved(box: tuple[int, int, int, int], size: tuple[int, int]) -> tuple[int, int, int, int]:
    """``box`` with TRIM_SHAVE more cut on every side where a border was found (never to nothing)."""
    left, top, right, bottom = box
    dx, dy = max(1, round(size[0] * TRIM_SHAVE)), max(1, round(size[1] * TRIM_SHAVE))
    shaved = (
        left + dx if left else 0,
        top + dy if top else 0,
        right - dx if right < size[0] else right,
        bottom - dy if bottom < size[1] else bottom,
    )
    return shaved if shaved[2] - shaved[0] >= 2 and shaved[3] - shaved[1] >= 2 else box


HashFunction = Callable[[Image.Image], imagehash.ImageHash]


def mirrored(fn: HashFunction) -> HashFunction:
    """The hash ``fn`` of the horizontally mirrored image, to find mirrored copies."""

    def hash_mirrored(img: Image.Image) -> imagehash.ImageHash:
        return fn(ImageOps.mirror(img))

    return hash_mirrored


HASHES: dict[str, HashFunction] = {
    "phash": imagehash.phash,
    "phash_mirror": mirrored(imagehash.phash),
    "dhash": imagehash.dhash,
    "dhash_mirror": mirrored(imagehash.dhash),
}
"""Every hash the matcher uses, by name. phash* see the image after trim_border, dhash* before it:
trimming undoes frames but a watermark near the edge changes where it stops (docs/hashing.md)."""
UNTRIMMED = frozenset({"dhash", "dhash_mirror"})
"""The hashes computed on the image as decoded, not trimmed."""


def hash_to_hex(value: imagehash.ImageHash) -> str:
    """The 16 hex digits of a 64-bit ImageHash (as ``str(hash)``)."""
    if value.hash.size != 64:
        raise ValueError(f"not a 64-bit hash: {value.hash.size} bits")
    return str(value)


def _check_hex(text: str) -> str:
    if len(text) != 16 or any(c not in "0123456789abcdefABCDEF" for c in text):
        raise ValueError(f"not 16 hex digits: {text!r}")
    return text.lower()


def hex_to_hash(text: str) -> imagehash.ImageHash:
    """The ImageHash (8x8 bits) of 16 hex digits."""
    return imagehash.hex_to_hash(_check_hex(text))


def hex_to_int64(text: str) -> int:
    """16 hex digits as a SIGNED 64-bit integer (SQLite's INTEGER), e.g. ``ffffffffffffffff`` -> -1."""
    value = int(_check_hex(text), 16)
    return value - (1 << 64) if value >= _INT64_LIMIT else value


def int64_to_hex(value: int) -> str:
    """The 16 hex digits of a signed (or unsigned) 64-bit integer."""
    if not -_INT64_LIMIT <= value <= _UINT64_MASK:
        raise ValueError(f"not a 64-bit integer: {value}")
    return f"{value & _UINT64_MASK:016x}"


def _band_height(rows: np.ndarray) -> int:
    """How many rows from the first are a banner: mostly the first row's colour, text allowed; 0 when none or
    when the strip is too high to be one."""
    colour = np.median(rows[0])
    banner = (
        np.count_nonzero(np.abs(rows - colour) <= TRIM_TOLERANCE, axis=1) >= BAND_MIN_FRACTION * rows.shape[1]
    )
    height = len(banner) if banner.all() else int(np.argmin(banner))
    return height if height <= BAND_MAX_HEIGHT * len(rows) else 0


def strip_bands(img: Image.Image) -> Image.Image:
    """The photo without a promo banner across its top or bottom (then trimmed), or as it is when it has none."""
    rows = np.asarray(img, dtype=np.int16)
    top, bottom = _band_height(rows), _band_height(rows[::-1])
    if not (top or bottom):
        return img
    return trim_border(img.crop(_shaved((0, top, img.width, img.height - bottom), img.size)))


def _windows(img: Image.Image, windows: dict[str, tuple[float, float, float, float]]) -> list[Image.Image]:
    """The windows (fractions of the sides) of the photo, each trimmed."""
    w, h = img.size
    return [
        trim_border(img.crop((round(w * left), round(h * top), round(w * right), round(h * bottom))))
        for left, top, right, bottom in windows.values()
    ]


def window_hashes(images: Sequence[Image.Image]) -> str:
    """The phash of each image that is not blank, as space-separated hex (each once)."""
    found = {
        hash_to_hex(imagehash.phash(img)): None
        for img in images
        if min(img.size) >= 8 and float(np.asarray(img, dtype=np.float32).std()) >= PART_MIN_SPREAD
    }
    return " ".join(found)


def colour_code(rgb: Image.Image) -> str:
    """Which colours the product shows, as 64 bits (hex): one bit per grey level or hue/brightness/vividness bin
    holding COLOUR_SHARE of the pixels that differ from the wall (all pixels when nearly none do). Two photos
    of one item, even re-shot, share their bits; a different product mostly does not (docs/hashing.md)."""
    pixels = np.asarray(rgb, dtype=np.int16)
    ring = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
    product = np.abs(pixels - np.median(ring, axis=0)).max(axis=2) > COLOUR_WALL_TOLERANCE
    if product.mean() < 0.02:
        product = np.ones(product.shape, bool)
    hsv = np.asarray(rgb.convert("HSV"), dtype=np.int16)[product]
    hue, vivid, value = hsv[:, 0], hsv[:, 1], hsv[:, 2]
    bins = np.where(
        vivid < 48,
        np.minimum(value // 64, 3),
        4 + (hue * COLOUR_HUES // 256) * 4 + (value >= 128) * 2 + (vivid >= 144),
    )
    present = np.flatnonzero(np.bincount(bins, minlength=64) >= COLOUR_SHARE * len(bins))
    return f"{sum(1 << int(b) for b in present):016x}"


def compute_hashes(source: Source, windows: str | None = "parts") -> dict[str, str]:
    """Every hash in HASHES and the ``colour`` code, as hex, from one decode and one border trim; and the
    windows' phashes: ``parts`` (a query photo's: ``phash_parts``, PARTS and the photo without banners),
    ``crops`` (a factory's main photo: ``phash_crops``, CROPS) or None. Raises ImageError."""
    rgb = open_image(source, "RGB")
    img = rgb.convert("L")
    trimmed = trim_border(img)
    hashes = {name: hash_to_hex(fn(img if name in UNTRIMMED else trimmed)) for name, fn in HASHES.items()}
    hashes["colour"] = colour_code(rgb)
    if windows == "parts":
        stripped = [strip_bands(img), trim_border(img, frames=True)]
        hashes["phash_parts"] = window_hashes([s for s in stripped if s is not img] + _windows(img, PARTS))
    elif windows == "crops":
        hashes["phash_crops"] = window_hashes(_windows(img, CROPS))
    elif windows is not None:
        raise ValueError(f"windows are parts, crops or None, not {windows!r}")
    return hashes


def _hash_or_error(source: Source, windows: str | None = None) -> dict[str, str] | ImageError:
    try:
        return compute_hashes(source, windows)
    except ImageError as exc:
        return exc


def hash_files(
    paths: Sequence[Source], workers: int | None = None, windows: str | None = None
) -> list[dict[str, str] | ImageError]:
    """compute_hashes for many files on a process pool, in order, with ``windows`` (None: as a crawl hashes
    every photo but a listing's main one); a file that fails gives its ImageError."""
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(paths) < 2 * workers:
        return [_hash_or_error(p, windows) for p in paths]
    chunksize = max(1, min(64, len(paths) // (workers * 4)))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(functools.partial(_hash_or_error, windows=windows), paths, chunksize=chunksize))
