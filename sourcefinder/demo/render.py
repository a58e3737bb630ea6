"""Product photos for the demo marketplace: studio shots rendered with PIL, and the edits resellers make.

A shape is a list of primitives in the unit square; the renderer draws them in the product colour,
shades the body (rounded edges, light from the top left), adds a soft shadow on a light studio
background and a seeded decoration pattern. Everything is deterministic for a given ``Design``.
"""

from __future__ import annotations

import functools
import io
import math
import random
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageEnhance, ImageFilter, ImageFont, ImageOps

SIZE = 600
_SUPER = 2  # shapes are drawn at twice the size, then reduced, for smooth edges
JPEG_QUALITY = 90

Colour = tuple[int, int, int]

# (primitive, coordinates in the unit square, role[, width]); roles are coloured by _role_colour.
# "pie" is the lower half of an ellipse, "line" a polyline of the given width, "ring" an ellipse outline.
SHAPES: dict[str, list[tuple]] = {
    "spoon": [
        ("ellipse", (0.04, 0.30, 0.46, 0.70), "body"),
        ("poly", ((0.40, 0.45), (0.93, 0.47), (0.93, 0.53), (0.40, 0.55)), "body"),
        ("ellipse", (0.88, 0.455, 0.98, 0.545), "body"),
        ("ellipse", (0.09, 0.36, 0.41, 0.64), "shade"),
        ("ellipse", (0.13, 0.39, 0.24, 0.47), "light"),
    ],
    "bowl": [
        ("pie", (0.06, 0.08, 0.94, 0.86), "body"),
        ("rect", (0.36, 0.84, 0.64, 0.90), "shade"),
        ("ellipse", (0.06, 0.38, 0.94, 0.56), "shade"),
        ("ring", (0.06, 0.38, 0.94, 0.56), "accent", 0.012),
        ("ellipse", (0.16, 0.58, 0.30, 0.70), "light"),
    ],
    "plate": [
        ("ellipse", (0.02, 0.22, 0.98, 0.78), "body"),
        ("ring", (0.06, 0.25, 0.94, 0.75), "accent", 0.012),
        ("ellipse", (0.20, 0.33, 0.80, 0.67), "shade"),
        ("ellipse", (0.24, 0.35, 0.76, 0.65), "body"),
        ("ellipse", (0.30, 0.38, 0.44, 0.45), "light"),
    ],
    "bedding": [
        ("rect", (0.04, 0.46, 0.96, 0.88), "body"),
        ("rect", (0.08, 0.30, 0.92, 0.50), "body"),
        ("rrect", (0.10, 0.10, 0.48, 0.32), "accent"),
        ("rrect", (0.52, 0.10, 0.90, 0.32), "accent"),
        ("line", ((0.04, 0.67), (0.96, 0.67)), "shade", 0.01),
        ("line", ((0.08, 0.40), (0.92, 0.40)), "shade", 0.008),
    ],
    "boot": [
        (
            "poly",
            (
                (0.30, 0.04),
                (0.62, 0.04),
                (0.64, 0.54),
                (0.88, 0.66),
                (0.96, 0.78),
                (0.96, 0.87),
                (0.24, 0.87),
                (0.24, 0.55),
            ),
            "body",
        ),
        ("rect", (0.21, 0.85, 0.98, 0.95), "dark"),
        ("rect", (0.28, 0.04, 0.64, 0.10), "shade"),
        ("line", ((0.40, 0.18), (0.56, 0.18)), "light", 0.012),
        ("line", ((0.40, 0.28), (0.57, 0.28)), "light", 0.012),
        ("line", ((0.40, 0.38), (0.58, 0.38)), "light", 0.012),
        ("line", ((0.41, 0.48), (0.60, 0.48)), "light", 0.012),
        ("line", ((0.64, 0.56), (0.92, 0.72)), "accent", 0.012),
    ],
    "ring_light": [
        ("line", ((0.50, 0.70), (0.50, 0.96)), "dark", 0.025),
        ("poly", ((0.30, 0.98), (0.50, 0.92), (0.70, 0.98)), "dark"),
        ("ring", (0.14, 0.04, 0.86, 0.76), "body", 0.09),
        ("ring", (0.19, 0.09, 0.81, 0.71), "light", 0.03),
        ("rrect", (0.42, 0.22, 0.58, 0.58), "dark"),
        ("rrect", (0.44, 0.25, 0.56, 0.55), "accent"),
    ],
    "tripod": [
        ("line", ((0.50, 0.22), (0.14, 0.96)), "body", 0.025),
        ("line", ((0.50, 0.22), (0.86, 0.96)), "body", 0.025),
        ("line", ((0.50, 0.22), (0.52, 0.98)), "body", 0.025),
        ("line", ((0.50, 0.10), (0.50, 0.46)), "shade", 0.03),
        ("rrect", (0.36, 0.04, 0.64, 0.14), "dark"),
        ("rect", (0.46, 0.44, 0.54, 0.50), "accent"),
        ("line", ((0.32, 0.58), (0.68, 0.58)), "metal", 0.012),
    ],
    "phone_holder": [
        ("rrect", (0.44, 0.78, 0.56, 0.97), "body"),
        ("rrect", (0.26, 0.06, 0.74, 0.84), "dark"),
        ("rrect", (0.29, 0.09, 0.71, 0.81), "accent"),
        ("rrect", (0.16, 0.34, 0.30, 0.56), "body"),
        ("rrect", (0.70, 0.34, 0.84, 0.56), "body"),
        ("ellipse", (0.40, 0.62, 0.60, 0.82), "body"),
        ("ellipse", (0.46, 0.68, 0.54, 0.76), "light"),
    ],
    "car_charger": [
        ("rrect", (0.34, 0.16, 0.66, 0.88), "body"),
        ("ellipse", (0.32, 0.10, 0.68, 0.24), "shade"),
        ("ring", (0.32, 0.10, 0.68, 0.24), "accent", 0.018),
        ("rect", (0.41, 0.34, 0.59, 0.40), "dark"),
        ("rrect", (0.43, 0.46, 0.57, 0.52), "dark"),
        ("ellipse", (0.45, 0.86, 0.55, 0.96), "metal"),
        ("line", ((0.37, 0.30), (0.37, 0.80)), "light", 0.012),
    ],
    "mat_roll": [
        ("rect", (0.06, 0.34, 0.84, 0.76), "body"),
        ("ellipse", (0.76, 0.34, 0.96, 0.76), "shade"),
        ("ring", (0.80, 0.42, 0.92, 0.68), "body", 0.012),
        ("ring", (0.83, 0.48, 0.89, 0.62), "body", 0.010),
        ("rect", (0.30, 0.32, 0.36, 0.78), "dark"),
        ("rect", (0.56, 0.32, 0.62, 0.78), "dark"),
        ("line", ((0.08, 0.40), (0.80, 0.40)), "light", 0.012),
    ],
    "rope": [
        (
            "line",
            (
                (0.15, 0.42),
                (0.18, 0.66),
                (0.30, 0.84),
                (0.50, 0.90),
                (0.70, 0.84),
                (0.82, 0.66),
                (0.85, 0.42),
            ),
            "body",
            0.018,
        ),
        ("rrect", (0.09, 0.08, 0.21, 0.44), "accent"),
        ("rrect", (0.79, 0.08, 0.91, 0.44), "accent"),
        ("rect", (0.11, 0.20, 0.19, 0.26), "dark"),
        ("rect", (0.81, 0.20, 0.89, 0.26), "dark"),
    ],
    "cable_coil": [
        ("ring", (0.12, 0.20, 0.82, 0.86), "body", 0.03),
        ("ring", (0.18, 0.26, 0.78, 0.82), "body", 0.03),
        ("ring", (0.24, 0.30, 0.74, 0.78), "body", 0.03),
        ("line", ((0.74, 0.54), (0.86, 0.30), (0.88, 0.14)), "body", 0.03),
        ("rrect", (0.83, 0.04, 0.94, 0.18), "body"),
        ("rect", (0.855, 0.00, 0.915, 0.05), "metal"),
        ("line", ((0.16, 0.50), (0.08, 0.74), (0.10, 0.90)), "body", 0.03),
        ("rrect", (0.04, 0.88, 0.16, 0.99), "body"),
    ],
    "charger_brick": [
        ("rect", (0.35, 0.08, 0.42, 0.28), "metal"),
        ("rect", (0.58, 0.08, 0.65, 0.28), "metal"),
        ("rrect", (0.20, 0.24, 0.80, 0.88), "body"),
        ("rect", (0.24, 0.24, 0.76, 0.30), "shade"),
        ("rrect", (0.40, 0.62, 0.60, 0.68), "dark"),
        ("ellipse", (0.45, 0.42, 0.55, 0.52), "accent"),
        ("line", ((0.26, 0.36), (0.26, 0.80)), "light", 0.012),
    ],
}


# Studio set-ups: wall colours (light and pastel), and props placed behind or under the product.
WALLS: tuple[Colour, ...] = (
    (247, 245, 241),
    (242, 242, 244),
    (250, 248, 240),
    (236, 226, 214),
    (222, 232, 236),
    (238, 224, 228),
    (226, 234, 220),
    (214, 214, 218),
    (246, 232, 206),
    (200, 214, 226),
)
PROPS = ("none", "none", "podium", "box", "disc")


@dataclass(frozen=True)
class Design:
    """How one product looks: its shape, proportions, decoration, and how its photos are set up."""

    shape: str
    colour: Colour
    accent: Colour
    pattern: str
    pattern_colour: Colour
    pattern_scale: float
    stretch: tuple[float, float]
    angle: float
    offset: tuple[float, float]
    scale: float
    copies: int
    spread: float
    wall: Colour
    floor: Colour
    horizon: float
    prop: str
    prop_colour: Colour
    seed: int


@dataclass(frozen=True)
class View:
    """One photo of a product: zoom, extra turn, shift, a different number of copies, another wall colour."""

    zoom: float = 1.0
    turn: float = 0.0
    shift: tuple[float, float] = (0.0, 0.0)
    copies: int | None = None
    wall: Colour | None = None


def random_design(rng: random.Random, shape: str, colour: Colour, accent: Colour, pattern: str) -> Design:
    """A new look for a product of the given shape, photographed in a new set-up."""
    wall = rng.choice(WALLS)
    return Design(
        shape=shape,
        colour=colour,
        accent=accent,
        pattern=pattern,
        pattern_colour=_contrast(accent, colour),
        pattern_scale=rng.uniform(0.6, 1.5),
        stretch=(rng.uniform(0.8, 1.15), rng.uniform(0.8, 1.15)),
        angle=rng.uniform(-45, 45),
        offset=(rng.uniform(-0.1, 0.1), rng.uniform(-0.08, 0.08)),
        scale=rng.uniform(0.7, 1.05),
        copies=rng.choices((1, 2, 3), (60, 25, 15))[0],
        spread=rng.uniform(0, math.pi),
        wall=wall,
        floor=_scaled(wall, rng.uniform(0.82, 0.97)),
        horizon=rng.uniform(0.5, 0.85),
        prop=rng.choice(PROPS),
        prop_colour=_scaled(rng.choice(WALLS), rng.uniform(0.7, 0.95)),
        seed=rng.getrandbits(32),
    )


def views_for(rng: random.Random, count: int) -> list[View]:
    """The photo set of an offer: the main shot, then close-ups, other angles, pairs and other walls."""
    extras = [
        View(zoom=rng.uniform(1.5, 1.9), shift=(rng.uniform(-0.2, 0.2), rng.uniform(-0.15, 0.15)), copies=1),
        View(turn=rng.choice((-1, 1)) * rng.uniform(35, 70), zoom=0.85),
        View(copies=2, zoom=0.9),
        View(wall=rng.choice(WALLS)),
    ]
    rng.shuffle(extras)
    return [View()] + extras[: count - 1]


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


def _contrast(accent: Colour, colour: Colour) -> Colour:
    if _luma(accent) - _luma(colour) > 40 or _luma(colour) - _luma(accent) > 40:
        return accent
    return (250, 250, 245) if _luma(colour) < 128 else (50, 50, 56)


def _luma(c: Colour) -> float:
    return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]


def _scaled(c: Colour, factor: float) -> Colour:
    return tuple(max(0, min(255, round(v * factor))) for v in c)  # type: ignore[return-value]


def _role_colour(role: str, design: Design) -> Colour:
    return {
        "body": design.colour,
        "shade": _scaled(design.colour, 0.82),
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
    floor = design.floor if view.wall is None else _scaled(wall, 0.9)
    draw.rectangle((0, round(SIZE * design.horizon), SIZE, SIZE), fill=floor)
    cx, cy, span, _ = _placement(design, view, SIZE)
    colour = design.prop_colour
    if design.prop == "podium":
        top = min(cy + span * 0.3, SIZE)
        draw.rectangle((cx - span * 0.6, top, cx + span * 0.6, SIZE), fill=_scaled(colour, 0.85))
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
            fill=_scaled(colour, 0.8),
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


def recolour(design: Design, colour: Colour) -> Design:
    """The same design in another colour (a colour sibling)."""
    return replace(design, colour=colour, pattern_colour=_contrast(design.accent, colour))


# --- what resellers do to a factory photo ---------------------------------------------------------


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


def edited_jpeg(source: bytes, edit: Edit) -> bytes:
    """The JPEG bytes of a photo after a reseller's edit."""
    with Image.open(io.BytesIO(source)) as img:
        return jpeg_bytes(apply_edit(img.convert("RGB"), edit), edit.quality)
