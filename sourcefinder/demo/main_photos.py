"""A reseller's main photo (the first retail image): which kind of rework it is, and the job that draws it.

Kinds (labelled per retail listing in ``photo_edits.csv``): ``edited`` (``random_edit``: resize, recompress,
small crop, tone, mirror, thin border, watermark; the most common), the layouts of
sourcefinder.demo.photo_layouts (``border``, ``pad``, ``banner``, ``crop``, ``stretch``, ``collage``),
``reshoot`` (the seller's own photo of the same item: the design rendered again in another set-up, no pixel
of the factory's photo), and ``own_photo`` for listings no factory here sells.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from sourcefinder.demo.designs import WALLS, Design, View
from sourcefinder.demo.photo_edits import random_edit
from sourcefinder.demo.photo_layouts import LAYOUT_KINDS, random_layout
from sourcefinder.demo.plan import Plan

# The share of reselling listings whose main photo is of each kind (percent; "edited" takes the rest).
MAIN_PHOTO_WEIGHTS: dict[str, int] = {"edited": 51} | {kind: 7 for kind in (*LAYOUT_KINDS, "reshoot")}
OWN_PHOTO = "own_photo"
PHOTO_KINDS = (*MAIN_PHOTO_WEIGHTS, OWN_PHOTO)


def reshoot_view(rng: random.Random, design: Design) -> View:
    """The reseller's own shot of the item: another wall, a turn, a zoom and a shift."""
    return View(
        zoom=rng.uniform(0.8, 1.25),
        turn=rng.choice((-1, 1)) * rng.uniform(8, 30),
        shift=(rng.uniform(-0.08, 0.08), rng.uniform(-0.06, 0.06)),
        wall=rng.choice([wall for wall in WALLS if wall != design.wall]),
    )


def main_photo_kinds(rng: random.Random, count: int) -> list[str]:
    """The kinds of ``count`` resellers' main photos in MAIN_PHOTO_WEIGHTS' shares (up to rounding), shuffled."""
    kinds = [kind for kind, weight in MAIN_PHOTO_WEIGHTS.items() for _ in range(round(count * weight / 100))]
    kinds = [kind for kind in kinds if kind != "edited"]
    kinds += ["edited"] * (count - len(kinds))
    rng.shuffle(kinds)
    return kinds


def plan_main_photo(
    rng: random.Random,
    kind: str,
    plan: Plan,
    paths: tuple[str, str],
    design: Design,
    others: Sequence[str],
    seller: tuple[str, float],
) -> None:
    """Add the job drawing a reseller's main photo of ``kind`` to the plan.

    ``paths`` are the photo's and the factory's main photo of the product (of ``design``), ``others``
    photos a collage may use, ``seller`` the shop's watermark handle and the listing's price (for banners)."""
    path, source = paths
    handle, price = seller
    if kind == "reshoot":
        plan.renders.append((path, design, reshoot_view(rng, design)))
    elif kind == "edited":
        plan.edits.append((path, source, random_edit(rng, handle)))
    else:
        plan.edits.append((path, source, random_layout(rng, kind, others, price)))
