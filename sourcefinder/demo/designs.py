"""How demo products look: shape primitives, studio set-ups, ``Design`` and ``View``, and their random choice.

A shape is a list of primitives in the unit square (drawn by sourcefinder.demo.render); a ``Design``
fixes a product's shape, colours, decoration and photo set-up, a ``View`` one photo of it.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace

Colour = tuple[int, int, int]

# (primitive, coordinates in the unit square, role[, width]); the renderer colours each role.
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
    "power_bank": [
        ("rrect", (0.26, 0.06, 0.74, 0.94), "body"),
        ("rrect", (0.38, 0.02, 0.47, 0.08), "dark"),
        ("rrect", (0.53, 0.02, 0.62, 0.08), "dark"),
        ("rrect", (0.36, 0.28, 0.64, 0.50), "dark"),
        ("rect", (0.40, 0.34, 0.60, 0.44), "accent"),
        *[("ellipse", (x, 0.70, x + 0.04, 0.74), "accent") for x in (0.38, 0.45, 0.52, 0.59)],
        ("line", ((0.29, 0.14), (0.29, 0.86)), "light", 0.012),
    ],
    "earbuds": [
        ("rrect", (0.18, 0.44, 0.82, 0.92), "body"),
        ("line", ((0.18, 0.62), (0.82, 0.62)), "shade", 0.01),
        ("ellipse", (0.47, 0.72, 0.53, 0.76), "accent"),
        ("rrect", (0.33, 0.18, 0.41, 0.40), "body"),
        ("ellipse", (0.20, 0.04, 0.42, 0.26), "body"),
        ("ellipse", (0.25, 0.10, 0.33, 0.18), "dark"),
        ("rrect", (0.59, 0.18, 0.67, 0.40), "body"),
        ("ellipse", (0.58, 0.04, 0.80, 0.26), "body"),
        ("ellipse", (0.67, 0.10, 0.75, 0.18), "dark"),
    ],
    "bulb": [
        ("ellipse", (0.22, 0.04, 0.78, 0.62), "body"),
        ("poly", ((0.32, 0.50), (0.68, 0.50), (0.62, 0.70), (0.38, 0.70)), "body"),
        ("rect", (0.38, 0.68, 0.62, 0.86), "metal"),
        ("line", ((0.38, 0.73), (0.62, 0.75)), "shade", 0.012),
        ("line", ((0.38, 0.79), (0.62, 0.81)), "shade", 0.012),
        ("pie", (0.42, 0.80, 0.58, 0.96), "dark"),
        ("ellipse", (0.32, 0.14, 0.42, 0.28), "light"),
        ("ring", (0.30, 0.30, 0.70, 0.42), "accent", 0.01),
    ],
    "drill": [
        (
            "poly",
            (
                (0.18, 0.22),
                (0.78, 0.22),
                (0.82, 0.30),
                (0.78, 0.42),
                (0.52, 0.42),
                (0.50, 0.74),
                (0.36, 0.74),
                (0.34, 0.42),
                (0.18, 0.42),
            ),
            "body",
        ),
        ("rect", (0.18, 0.22, 0.30, 0.42), "accent"),
        ("rect", (0.78, 0.27, 0.90, 0.37), "dark"),
        ("line", ((0.90, 0.32), (0.99, 0.32)), "metal", 0.012),
        ("rrect", (0.26, 0.72, 0.60, 0.88), "dark"),
        ("rrect", (0.46, 0.44, 0.52, 0.54), "accent"),
        ("line", ((0.36, 0.27), (0.36, 0.37)), "shade", 0.01),
        ("line", ((0.40, 0.27), (0.40, 0.37)), "shade", 0.01),
    ],
    "phone_case": [
        ("rrect", (0.26, 0.04, 0.74, 0.96), "body"),
        ("rrect", (0.31, 0.09, 0.52, 0.30), "dark"),
        ("ellipse", (0.33, 0.11, 0.41, 0.19), "metal"),
        ("ellipse", (0.42, 0.20, 0.50, 0.28), "metal"),
        ("ellipse", (0.33, 0.21, 0.40, 0.28), "metal"),
        ("ring", (0.42, 0.48, 0.58, 0.60), "accent", 0.012),
        ("line", ((0.745, 0.25), (0.745, 0.35)), "shade", 0.01),
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
        floor=scaled_colour(wall, rng.uniform(0.82, 0.97)),
        horizon=rng.uniform(0.5, 0.85),
        prop=rng.choice(PROPS),
        prop_colour=scaled_colour(rng.choice(WALLS), rng.uniform(0.7, 0.95)),
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


def _contrast(accent: Colour, colour: Colour) -> Colour:
    if _luma(accent) - _luma(colour) > 40 or _luma(colour) - _luma(accent) > 40:
        return accent
    return (250, 250, 245) if _luma(colour) < 128 else (50, 50, 56)


def _luma(c: Colour) -> float:
    return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]


def scaled_colour(c: Colour, factor: float) -> Colour:
    """The colour with each channel times ``factor`` (clipped to 0..255)."""
    return tuple(max(0, min(255, round(v * factor))) for v in c)  # type: ignore[return-value]


def recolour(design: Design, colour: Colour) -> Design:
    """The same design in another colour (a colour sibling)."""
    return replace(design, colour=colour, pattern_colour=_contrast(design.accent, colour))
