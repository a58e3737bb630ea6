"""What resellers do to a factory photo: resize, crop, tone, mirror, border and watermark, then recompress.

The heavier reworks (wide frames, padding, banners, collages...) are in sourcefinder.demo.photo_layouts.
"""

from __future__ import annotations

import io
import random
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageEnhance, ImageFont, ImageOps

from sourcefinder.demo.designs import Colour
from sourcefinder.demo.photo_layouts import Layout
from sourcefinder.demo.render import SIZE, jpeg_bytes


@dataclass(frozen=True)
class Edit:
    """How a reseller changed a photo; fields left at their defaults mean "not done"."""

    width: int = SIZE
    quality: int = 80
    crop: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    brightness: float = 1.0
    contrast: float = 1.0
    saturation: float = 1.0
    mirror: bool = False
    border: int = 0
    border_colour: Colour = (255, 255, 255)
    watermark: str = ""


def random_edit(rng: random.Random, handle: str) -> Edit:
    """A typical reseller edit: always resized and recompressed, plus a random mix of the other changes."""
    crop_total = rng.uniform(0.02, 0.08) if rng.random() < 0.5 else 0.0
    left, top = rng.uniform(0, crop_total), rng.uniform(0, crop_total)
    toned = rng.random() < 0.5
    return Edit(
        width=rng.choice((440, 480, 500, 600, 640, 750, 800)),
        quality=rng.randint(60, 85),
        crop=(left, top, crop_total - left, crop_total - top),
        brightness=rng.uniform(0.9, 1.12) if toned else 1.0,
        contrast=rng.uniform(0.9, 1.12) if toned else 1.0,
        saturation=rng.uniform(0.85, 1.2) if toned else 1.0,
        mirror=rng.random() < 0.1,
        border=rng.choice((8, 12, 16, 24)) if rng.random() < 0.25 else 0,
        border_colour=rng.choice(((255, 255, 255), (250, 236, 236), (236, 240, 250), (30, 30, 30))),
        watermark=f"@{handle}" if rng.random() < 0.5 else "",
    )


def light_edit(rng: random.Random, handle: str) -> Edit:
    """A small edit: another factory re-posting a photo with its own mark, or a reseller's detail photo."""
    return Edit(
        width=rng.choice((560, 600, 640, 750)),
        quality=rng.randint(78, 90),
        crop=(0.02, 0.02, 0.02, 0.02) if rng.random() < 0.5 else (0.0, 0.0, 0.0, 0.0),
        brightness=rng.uniform(0.96, 1.05),
        watermark=handle if rng.random() < 0.5 else "",
    )


def _tone_table(brightness: float, contrast: float) -> list[int]:
    """A lookup table for a brightness then contrast change (contrast around mid-grey)."""
    return [max(0, min(255, round((v * brightness - 128) * contrast + 128))) for v in range(256)]


def apply_edit(img: Image.Image, edit: Edit) -> Image.Image:
    """The photo as the reseller posts it (before JPEG compression at ``edit.quality``)."""
    w, h = img.size
    left, top, right, bottom = edit.crop
    box = (w * left, h * top, w * (1 - right), h * (1 - bottom))
    inner = edit.width - 2 * edit.border
    img = img.resize((inner, round(inner * (box[3] - box[1]) / (box[2] - box[0]))), Image.BILINEAR, box=box)
    if edit.mirror:
        img = ImageOps.mirror(img)
    if (edit.brightness, edit.contrast) != (1.0, 1.0):
        img = img.point(_tone_table(edit.brightness, edit.contrast) * 3)
    if edit.saturation != 1.0:
        img = ImageEnhance.Color(img).enhance(edit.saturation)
    if edit.border:
        img = ImageOps.expand(img, border=edit.border, fill=edit.border_colour)
    if edit.watermark:
        img = _watermarked(img, edit.watermark)
    return img


def _watermarked(img: Image.Image, text: str) -> Image.Image:
    """The shop's name stamped semi-transparent across the lower middle of the photo."""
    w, h = img.size
    font = ImageFont.load_default(size=max(14, w // 18))
    _, _, right, bottom = font.getbbox(text, stroke_width=1)
    x, y = (w - right) // 2, int(h * 0.72)
    region = (x, y, x + right, y + bottom)
    mark = Image.new("RGBA", (right, bottom), (0, 0, 0, 0))
    ImageDraw.Draw(mark).text(
        (0, 0), text, font=font, fill=(255, 255, 255, 150), stroke_width=1, stroke_fill=(90, 90, 90, 110)
    )
    img.paste(Image.alpha_composite(img.crop(region).convert("RGBA"), mark).convert("RGB"), region[:2])
    return img


def edited_jpeg(source: bytes, edit: Edit | Layout, tiles: Sequence[bytes] = ()) -> bytes:
    """The JPEG bytes of a photo after a reseller's edit or layout (``tiles``: a collage's other photos)."""
    with Image.open(io.BytesIO(source)) as img:
        img = img.convert("RGB")
        if isinstance(edit, Edit):
            return jpeg_bytes(apply_edit(img, edit), edit.quality)
        others = [Image.open(io.BytesIO(tile)).convert("RGB") for tile in tiles]
        return jpeg_bytes(edit.apply(img, others), edit.quality)
