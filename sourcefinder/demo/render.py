"""Product photos for the demo marketplace: studio shots of a ``Design`` rendered with PIL.

The renderer draws a shape's primitives in the product colour, shades the body (rounded edges, light
from the top left), adds a soft shadow on a light studio background and a seeded decoration pattern.
Everything is deterministic for a given ``Design`` and ``View``.
"""

from __future__ import annotations

import functools
import io
import math
import random

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from sourcefinder.demo.designs import SHAPES, Colour, Design, View, scaled_colour

SIZE = 600
_SUPER = 2  # shapes are drawn at twice the size, then reduced, for smooth edges
JPEG_QUALITY = 90


def _placement(
    design: Design, view: View, size: int
) -> tuple[float, float, float, list[tuple[float, float]]]:
    """Where the product goes: the group's centre, the span of one copy, and the centre of each copy."""
    copies = view.copies or design.copies
    span = size * 0.72 * design.scale * view.zoom * (1.0 if copies == 1 else 0.75 / copies**0.5)
    cx = size * (0.5 + design.offset[0] + view.shift[0])
    cy = size * (0.5 + design.offset[1] + view.shift[1])
    step = span * 0.8
    dx, dy = math.cos(design.spread) * step, math.sin(design.spread) * step * 0.6
    centres = [(cx + (i - (copies - 1) / 2) * dx, cy + (i - (copies - 1) / 2) * dy) for i in range(copies)]
    return cx, cy, span, centres


def _role_colour(role: str, design: Design) -> Colour:
    return {
        "body": design.colour,
        "shade": scaled_colour(design.colour, 0.82),
        "accent": design.accent,
        "dark": (40, 40, 44),
        "metal": (186, 189, 194),
        "light": (255, 255, 250),
    }[role]


def _ellipse_points(
    box: tuple[float, ...], start: float = 0.0, end: float = 360.0
) -> list[tuple[float, float]]:
    x0, y0, x1, y1 = box
    cx, cy, rx, ry = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2, (y1 - y0) / 2
    steps = max(8, round((end - start) / 7.5))
    return [
        (cx + rx * math.cos(math.radians(a)), cy + ry * math.sin(math.radians(a)))
        for a in np.linspace(start, end, steps + 1)
    ]


def _rounded_rect_points(box: tuple[float, ...]) -> list[tuple[float, float]]:
    x0, y0, x1, y1 = box
    r = min(x1 - x0, y1 - y0) * 0.22
    corners = ((x1 - r, y1 - r, 0), (x0 + r, y1 - r, 90), (x0 + r, y0 + r, 180), (x1 - r, y0 + r, 270))
    return [p for cx, cy, a in corners for p in _ellipse_points((cx - r, cy - r, cx + r, cy + r), a, a + 90)]


def _outline(prim: tuple) -> tuple[list[tuple[float, float]], float]:
    """A primitive as points in the unit square, and its stroke width (0 = a filled polygon)."""
    kind, coords, _role, *rest = prim
    width = rest[0] if rest else 0.0
    if kind in ("poly", "line"):
        return list(coords), width
    x0, y0, x1, y1 = coords
    points = {
        "ellipse": lambda: _ellipse_points(coords),
        "ring": lambda: _ellipse_points(coords),
        "pie": lambda: _ellipse_points(coords, 0, 180),
        "rect": lambda: [(x0, y0), (x1, y0), (x1, y1), (x0, y1)],
        "rrect": lambda: _rounded_rect_points(coords),
    }[kind]()
    return points, width


def _draw_outline(
    draw: ImageDraw.ImageDraw, points: list[tuple[float, float]], width: float, fill, closed: bool
):
    if not width:
        draw.polygon(points, fill=fill)
        return
    w = max(1, round(width))
    draw.line(points + points[:1] if closed else points, fill=fill, width=w, joint="curve")
    for x, y in (points[0], points[-1]):
        draw.ellipse((x - w / 2, y - w / 2, x + w / 2, y + w / 2), fill=fill)


@functools.cache
def _solid(colour: Colour) -> Image.Image:
    return Image.new("RGB", (SIZE, SIZE), colour)


def _pattern_mask(design: Design, size: int = SIZE) -> Image.Image:
    """Where the decoration is printed (255) over the whole canvas; the body mask clips it later."""
    mask = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mask)
    step = max(8, round(size * 0.05 * design.pattern_scale))
    rng = random.Random(design.seed)
    if design.pattern == "stripes":
        for x in range(-size, size * 2, step * 2):
            draw.line([(x, 0), (x + size // 3, size)], fill=255, width=max(2, step // 2))
    elif design.pattern == "checks":
        for v in range(0, size, step * 2):
            draw.rectangle((v, 0, v + step // 2, size), fill=255)
            draw.rectangle((0, v, size, v + step // 2), fill=255)
    elif design.pattern == "dots":
        for y in range(step // 2, size, step):
            for x in range(step // 2 + (y // step % 2) * step // 2, size, step):
                draw.ellipse((x - step * 0.2, y - step * 0.2, x + step * 0.2, y + step * 0.2), fill=255)
    elif design.pattern == "flowers":
        for _ in range(int((size / step) ** 2 * 0.35)):
            x, y, r = rng.uniform(0, size), rng.uniform(0, size), step * rng.uniform(0.25, 0.45)
            for k in range(5):
                px, py = x + r * math.cos(2 * math.pi * k / 5), y + r * math.sin(2 * math.pi * k / 5)
                draw.ellipse((px - r * 0.55, py - r * 0.55, px + r * 0.55, py + r * 0.55), fill=255)
            draw.ellipse((x - r * 0.3, y - r * 0.3, x + r * 0.3, y + r * 0.3), fill=0)
    elif design.pattern == "waves":
        for y0 in range(0, size, step * 2):
            points = [(x, y0 + step * 0.5 * math.sin(x / step)) for x in range(0, size + 8, 8)]
            draw.line(points, fill=255, width=max(2, step // 3))
    elif design.pattern == "band":
        y = size * rng.uniform(0.4, 0.6)
        draw.rectangle((0, y, size, y + step * 1.2), fill=255)
    return mask


def _object_layer(design: Design, view: View, size: int) -> tuple[Image.Image, Image.Image, Image.Image]:
    """The product (one or more copies) drawn flat in its colours at ``size``, its alpha and body masks."""
    rgb = Image.new("RGB", (size, size), design.colour)
    alpha, body = Image.new("L", (size, size), 0), Image.new("L", (size, size), 0)
    draws = ImageDraw.Draw(rgb), ImageDraw.Draw(alpha), ImageDraw.Draw(body)
    _, _, span, centres = _placement(design, view, size)
    sx, sy = design.stretch
    turn = math.radians(design.angle + view.turn)
    cos, sin = math.cos(turn), math.sin(turn)
    for cx, cy in centres:
        for prim in SHAPES[design.shape]:
            unit_points, width = _outline(prim)
            points = []
            for x, y in unit_points:
                px, py = (x - 0.5) * span * sx, (y - 0.5) * span * sy
                points.append((cx + px * cos + py * sin, cy - px * sin + py * cos))
            role = prim[2]
            fills = (_role_colour(role, design), 255, 255 if role == "body" else 0)
            for draw, fill in zip(draws, fills, strict=True):
                _draw_outline(draw, points, width * span, fill, closed=prim[0] == "ring")
    return rgb, alpha, body


def _shifted(mask: Image.Image, dx: int, dy: int) -> Image.Image:
    """The mask moved right by dx and down by dy (no wrap-around)."""
    moved = Image.new("L", mask.size, 0)
    moved.paste(mask, (dx, dy))
    return moved


def _soft(mask: Image.Image, radius: float) -> Image.Image:
    """The mask blurred by ``radius`` pixels (blurred at a quarter size, for speed)."""
    small = mask.resize((mask.width // 4, mask.height // 4), Image.BILINEAR)
    return small.filter(ImageFilter.GaussianBlur(radius / 4)).resize(mask.size, Image.BILINEAR)


@functools.cache
def _sweep() -> Image.Image:
    """The studio light on the backdrop: brighter at the top (255 = full light)."""
    y = np.linspace(0.0, 1.0, SIZE, dtype=np.float32)[:, None]
    return Image.fromarray((255 * (1.0 - 0.08 * y)).astype(np.uint8).repeat(SIZE, axis=1), "L")


def _studio(design: Design, view: View) -> Image.Image:
    """The backdrop: wall, floor from the horizon down, and the set-up's prop behind or under the product."""
    wall = view.wall or design.wall
    img = Image.new("RGB", (SIZE, SIZE), wall)
    draw = ImageDraw.Draw(img)
    floor = design.floor if view.wall is None else scaled_colour(wall, 0.9)
    draw.rectangle((0, round(SIZE * design.horizon), SIZE, SIZE), fill=floor)
    cx, cy, span, _ = _placement(design, view, SIZE)
    colour = design.prop_colour
    if design.prop == "podium":
        top = min(cy + span * 0.3, SIZE)
        draw.rectangle((cx - span * 0.6, top, cx + span * 0.6, SIZE), fill=scaled_colour(colour, 0.85))
        draw.ellipse((cx - span * 0.6, top - span * 0.12, cx + span * 0.6, top + span * 0.12), fill=colour)
    elif design.prop == "box":
        box = (cx - span * 0.7, cy - span * 0.55, cx + span * 0.15, cy + span * 0.35)
        draw.rectangle(box, fill=colour)
        draw.polygon(
            [
                (box[2], box[1]),
                (box[2] + span * 0.18, box[1] - span * 0.1),
                (box[2] + span * 0.18, box[3] - span * 0.1),
                (box[2], box[3]),
            ],
            fill=scaled_colour(colour, 0.8),
        )
    elif design.prop == "disc":
        r = span * 0.62
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour)
    return img


@functools.cache
def _key_light() -> Image.Image:
    """Light falling from the top left: full there, darker to the bottom right (255 = full light)."""
    yy, xx = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32) / SIZE
    return Image.fromarray((255 * (1.0 - 0.11 * (xx + yy))).astype(np.uint8), "L")


# Lookup tables: the rim of a shape is darker than its middle (it looks round); a shadow darkens 38%.
_RIM_SHADE = [round(255 * (0.62 + 0.38 * v / 255)) for v in range(256)]
_SHADOW = [round(255 * (1 - 0.38 * v / 255)) for v in range(256)]
_LIFT = [min(255, round(v * 1.1)) for v in range(256)]


def _times(img: Image.Image, factor: Image.Image) -> Image.Image:
    """The RGB image times a grey factor image (255 = 1.0)."""
    return ImageChops.multiply(img, factor.convert("RGB"))


def render_product(design: Design, view: View | None = None) -> Image.Image:
    """A 600x600 studio photo of the product."""
    view = view or View()
    rgb, alpha, body = (img.reduce(_SUPER) for img in _object_layer(design, view, SIZE * _SUPER))
    if design.pattern != "plain":
        rgb = Image.composite(
            _solid(design.pattern_colour), rgb, ImageChops.multiply(_pattern_mask(design), body)
        )
    soft = _soft(alpha, 24)
    shade = ImageChops.multiply(soft.point(_RIM_SHADE), _key_light())
    shadow = ImageChops.multiply(_shifted(soft, SIZE // 40, SIZE // 28).point(_SHADOW), _sweep())
    scene = Image.composite(rgb.point(_LIFT * 3), _studio(design, view), alpha)
    return _times(scene, Image.composite(shade, shadow, alpha))


def jpeg_bytes(img: Image.Image, quality: int = JPEG_QUALITY) -> bytes:
    """The image as baseline JPEG bytes (deterministic for a given Pillow version)."""
    buffer = io.BytesIO()
    img.convert("RGB").save(buffer, "JPEG", quality=quality, optimize=False, progressive=False)
    return buffer.getvalue()
