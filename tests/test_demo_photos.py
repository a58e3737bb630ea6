"""Resellers' main photos in the demo marketplace: issue 14's reworks (frames, padding, banners, crops, stretches,
collages, re-shoots), each changing the factory photo as intended, and the labels that say which is which."""

from __future__ import annotations

import io
import random
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from sourcefinder.demo import build_marketplace, load_catalogue, read_photo_edits
from sourcefinder.demo.designs import Design, random_design
from sourcefinder.demo.generator import Generator
from sourcefinder.demo.main_photos import (
    MAIN_PHOTO_WEIGHTS,
    OWN_PHOTO,
    PHOTO_KINDS,
    main_photo_kinds,
    reshoot_view,
)
from sourcefinder.demo.photo_edits import edited_jpeg
from sourcefinder.demo.photo_layouts import (
    LAYOUT_KINDS,
    Banner,
    Border,
    Collage,
    Crop,
    Layout,
    Pad,
    Stretch,
    random_layout,
)
from sourcefinder.demo.render import jpeg_bytes, render_product

RED, WHITE, CREAM, BLACK, YELLOW = (
    (222, 32, 40),
    (255, 255, 255),
    (250, 240, 228),
    (20, 20, 20),
    (255, 214, 0),
)


def _design(seed: int, shape: str = "bowl", colour: tuple[int, int, int] = (112, 146, 178)) -> Design:
    return random_design(random.Random(seed), shape, colour, (214, 64, 58), "dots")


@pytest.fixture(scope="module")
def source() -> bytes:
    """A factory's main photo: 600x600, as the generator renders it."""
    return jpeg_bytes(render_product(_design(3)))


@pytest.fixture(scope="module")
def other() -> bytes:
    """Another photo, of another product, for collages."""
    return jpeg_bytes(render_product(_design(4, "spoon", (232, 158, 172))))


def _image(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.float32)


def _apply(layout: Layout, source: bytes, tiles: tuple[bytes, ...] = ()) -> np.ndarray:
    return _image(edited_jpeg(source, layout, tiles))


def _resized(data: bytes, size: tuple[int, int]) -> np.ndarray:
    return np.asarray(
        Image.open(io.BytesIO(data)).convert("RGB").resize(size, Image.BILINEAR), dtype=np.float32
    )


def _near(region: np.ndarray, colour: tuple[int, int, int], tolerance: float = 12.0) -> bool:
    """Whether the region's median colour is the given one (up to JPEG noise)."""
    return bool(np.abs(np.median(region.reshape(-1, 3), axis=0) - colour).max() <= tolerance)


def _share(region: np.ndarray, colour: tuple[int, int, int]) -> float:
    """The share of the region's pixels that have the given colour (up to JPEG noise)."""
    return float((np.abs(region - colour).max(axis=2) < 40).mean())


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two images show the same pixels (up to resampling and JPEG noise)."""
    return a.shape == b.shape and float(np.abs(a - b).mean()) < 6.0


# --- each kind changes the photo as intended --------------------------------------------------------------


@pytest.mark.parametrize(
    "layout, frame_colour, band_colour",
    [
        (Border(width=600, frame=0.1, colour=WHITE), WHITE, WHITE),
        (Border(width=640, frame=0.15, colour=(200, 30, 40)), (200, 30, 40), (200, 30, 40)),
        (Border(width=500, frame=0.12, colour=CREAM, inner=BLACK), CREAM, BLACK),
    ],
)
def test_a_border_frames_the_whole_photo(layout: Border, frame_colour, band_colour, source: bytes) -> None:
    out, pad = _apply(layout, source), layout.pad()
    assert out.shape[1] == layout.width and 0.05 <= pad / layout.width <= 0.15
    assert _near(out[: pad // 3], frame_colour) and _near(out[-(pad // 3) :], frame_colour)
    assert _near(out[:, : pad // 3], frame_colour) and _near(out[:, -(pad // 3) :], frame_colour)
    assert _near(out[pad - 2 : pad, pad:-pad], band_colour, 20)
    inner = out[pad:-pad, pad:-pad]
    assert _same(inner, _resized(source, (inner.shape[1], inner.shape[0])))


def test_a_gradient_border_fades_from_one_colour_to_the_other(source: bytes) -> None:
    layout = Border(width=600, frame=0.1, colour=(252, 228, 232), inner=(232, 240, 250), gradient=True)
    out = _apply(layout, source)
    assert _near(out[:4, :], (252, 228, 232), 6) and _near(out[-4:, :], (232, 240, 250), 6)


@pytest.mark.parametrize(
    "layout",
    [
        Pad(
            width=600, crop_aspect=1.0, canvas_aspect=0.75, colour=WHITE
        ),  # square photo, 3:4 canvas: letterbox
        Pad(width=640, crop_aspect=1.0, canvas_aspect=4 / 3, colour=CREAM),  # 4:3 canvas: pillarbox
        Pad(
            width=600, crop_aspect=4 / 3, canvas_aspect=1.0, colour=BLACK
        ),  # cropped wide, padded back to square
        Pad(width=480, crop_aspect=0.75, canvas_aspect=1.0, colour=(200, 30, 40)),  # cropped tall, pillarbox
        Pad(width=750, crop_aspect=4 / 3, canvas_aspect=0.75, colour=WHITE),  # wide photo on a tall canvas
    ],
)
def test_padding_changes_the_aspect_of_the_photo(layout: Pad, source: bytes) -> None:
    out = _apply(layout, source)
    left, top, right, bottom = layout.photo_box()
    assert out.shape[:2] == (round(layout.width / layout.canvas_aspect), layout.width)
    assert abs((right - left) / (bottom - top) - layout.crop_aspect) < 0.01
    assert (right - left) / (bottom - top) != pytest.approx(out.shape[1] / out.shape[0], abs=0.05)
    bands = [out[: top - 2], out[bottom + 2 :]] if top > 2 else [out[:, : left - 2], out[:, right + 2 :]]
    assert all(_near(band, layout.colour) for band in bands)
    assert not _near(out[top + 20 : bottom - 20, left + 20 : right - 20], layout.colour, 30)


@pytest.mark.parametrize(
    "width, text, colours, place, height, extend",
    [
        (600, "包邮 厂家直销", (RED, WHITE), "top", 0.15, False),
        (750, "限时特价 到手价¥19.9", (YELLOW, RED), "bottom", 0.12, False),
        (600, "新品上市", (BLACK, YELLOW), "top", 0.2, True),
        (480, "爆款热卖 到手价¥5.5", (RED, WHITE), "bottom", 0.1, True),
        (600, "包邮 ¥29.9", ((255, 90, 0), WHITE), "corner", 0.26, False),
    ],
)
def test_a_banner_carries_its_colour_and_text(width, text, colours, place, height, extend, source) -> None:
    layout = Banner(
        width=width,
        text=text,
        colour=colours[0],
        text_colour=colours[1],
        place=place,
        height=height,
        extend=extend,
    )
    out = _apply(layout, source)
    left, top, right, bottom = layout.box(layout.width)
    grown = layout.extend and layout.place != "corner"
    assert out.shape[:2] == (layout.width + (bottom - top if grown else 0), layout.width)
    strip = out[top:bottom, left:right]
    assert _share(strip, layout.colour) > 0.4 and _share(strip, layout.text_colour) > 0.03  # text on colour
    if layout.place != "corner":  # the rest is the photo, untouched
        expected, band = _resized(source, (layout.width, layout.width)), bottom - top
        if grown:
            photo = out[band:] if layout.place == "top" else out[:-band]
        else:
            keep = slice(band, None) if layout.place == "top" else slice(0, -band)
            photo, expected = out[keep], expected[keep]
        assert _same(photo, expected)


@pytest.mark.parametrize(
    "box",
    [(0.0, 0.05, 0.9, 0.95), (0.12, 0.0, 1.0, 0.86), (0.05, 0.12, 0.95, 1.0)],
)
def test_a_heavy_crop_keeps_an_off_centre_part(box: tuple[float, float, float, float], source: bytes) -> None:
    out = _apply(Crop(width=600, box=box), source)
    left, top, right, bottom = box
    assert 0.10 <= 1 - (right - left) * (bottom - top) <= 0.25
    assert out.shape[:2] == (round(600 * (bottom - top) / (right - left)), 600)
    full = Image.open(io.BytesIO(source)).convert("RGB")
    kept = full.resize(
        (600, out.shape[0]), Image.BILINEAR, box=(600 * left, 600 * top, 600 * right, 600 * bottom)
    )
    assert _same(out, np.asarray(kept, dtype=np.float32))
    assert not _same(out, _resized(source, (600, out.shape[0])))


@pytest.mark.parametrize("aspect", [0.75, 0.85, 1.15, 1.33])
def test_a_stretch_changes_the_aspect_of_the_whole_photo(aspect: float, source: bytes) -> None:
    out = _apply(Stretch(width=600, aspect=aspect), source)
    assert out.shape[:2] == (round(600 / aspect), 600)
    assert _same(out, _resized(source, (600, round(600 / aspect))))


@pytest.mark.parametrize("grid, slot", [((2, 1), 0), ((1, 2), 1), ((2, 2), 3), ((2, 2), 1)])
def test_a_collage_holds_the_photo_as_one_tile(grid, slot: int, source: bytes, other: bytes) -> None:
    count = grid[0] * grid[1]
    layout = Collage(
        width=600, grid=grid, slot=slot, gutter=8, colour=WHITE, frame=1, tiles=("x.jpg",) * (count - 1)
    )
    out = _apply(layout, source, (other,) * (count - 1))
    cell = layout.cell()
    for index in range(count):
        left, top, right, bottom = layout.tile_box(index)
        tile = out[top:bottom, left:right]
        assert _same(tile, _resized(source if index == slot else other, (cell, cell)))
    assert layout.sources() == layout.tiles and _near(out[:3, :], WHITE)


def test_a_reshoot_is_the_same_item_in_another_photo_not_a_copy(source: bytes) -> None:
    design = _design(3)
    for seed in range(4):
        view = reshoot_view(random.Random(seed), design)
        shot = _image(jpeg_bytes(render_product(design, view)))
        assert view.wall != design.wall and shot.shape == (600, 600, 3)
        assert float(np.abs(shot - _image(source)).mean()) > 5  # not the factory's pixels, edited or not
        body = np.all(np.abs(shot - (112 * 1.1, 146 * 1.1, 178 * 1.1)) < 40, axis=2)
        assert body.mean() > 0.02, "the product (its colour) is in the re-shot photo"


@pytest.mark.parametrize("kind", LAYOUT_KINDS)
def test_random_layouts_stay_in_the_ranges_resellers_use(kind: str) -> None:
    others = ["img/1688/1_1.jpg", "img/1688/1_2.jpg", "img/1688/2_0.jpg"]
    for seed in range(60):
        layout = random_layout(random.Random(seed), kind, others, 19.9)
        assert 480 <= layout.width <= 800 and 70 <= layout.quality <= 90
        if isinstance(layout, Border):
            assert 0.05 <= layout.frame <= 0.15
        elif isinstance(layout, Pad):
            assert layout.crop_aspect != layout.canvas_aspect
        elif isinstance(layout, Banner):
            assert layout.text and (0.10 <= layout.height <= 0.20 or layout.place == "corner")
        elif isinstance(layout, Crop):
            left, top, right, bottom = layout.box
            assert 0 <= left < right <= 1 and 0 <= top < bottom <= 1
            assert 0.10 <= 1 - (right - left) * (bottom - top) <= 0.25 + 1e-9
        elif isinstance(layout, Stretch):
            assert 0.75 <= layout.aspect <= 1.33 and abs(layout.aspect - 1) >= 0.1
        else:
            assert isinstance(layout, Collage) and len(layout.tiles) == layout.grid[0] * layout.grid[1] - 1
            assert set(layout.tiles) <= set(others) and len(set(layout.tiles)) == len(layout.tiles)


# --- the labels --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_marketplace(tmp_path_factory.mktemp("demo"), seed=7, size="small")


def test_every_retail_listing_has_its_main_photo_kind(root: Path) -> None:
    kinds = read_photo_edits(root / "photo_edits.csv")
    catalogue = load_catalogue(root)
    assert set(kinds) == {f"demotaobao:{item['id']}" for item in catalogue["retail"]}
    assert set(kinds.values()) <= set(PHOTO_KINDS)
    with (root / "cases.csv").open(encoding="utf-8") as handle:
        cases = dict(line.strip().split(",") for line in list(handle)[1:])
    for retail_id, kind in kinds.items():
        assert (kind == OWN_PHOTO) == (cases[retail_id] in ("look_alike", "no_source")), retail_id
    for item in catalogue["retail"]:  # every main photo was drawn, whatever its kind
        with Image.open(root / item["images"][0]) as img:
            assert img.format == "JPEG" and img.width >= 400


def test_the_plan_draws_each_main_photo_as_its_label_says() -> None:
    plan = Generator(random.Random(7), 60, 180).plan()
    kinds = dict(plan.photo_kinds)
    rendered = {path for path, _, _ in plan.renders}
    edits = {path: edit for path, _, edit in plan.edits}
    classes = {
        "border": Border,
        "pad": Pad,
        "banner": Banner,
        "crop": Crop,
        "stretch": Stretch,
        "collage": Collage,
    }
    for item in plan.retail:
        kind, main = kinds[f"demotaobao:{item['id']}"], item["images"][0]
        if kind in ("reshoot", OWN_PHOTO):
            assert main in rendered and main not in edits
        elif kind == "edited":
            assert main in edits and not isinstance(edits[main], Layout)
        else:
            assert isinstance(edits[main], classes[kind])


@pytest.mark.parametrize("count, each", [(5, 0), (20, 1), (72, 5), (410, 29)])
def test_each_new_kind_is_seven_percent_of_the_main_photos(count: int, each: int) -> None:
    kinds = main_photo_kinds(random.Random(count), count)
    counts = Counter(kinds)
    assert len(kinds) == count and counts["edited"] == count - 7 * each
    assert all(counts[kind] == each for kind in (*LAYOUT_KINDS, "reshoot"))
    assert main_photo_kinds(random.Random(count), count) == kinds


def test_the_catalogue_resells_in_those_shares() -> None:
    plan = Generator(random.Random(7), 150, 450).plan()
    counts = Counter(kind for _, kind in plan.photo_kinds if kind != OWN_PHOTO)
    assert set(counts) == set(MAIN_PHOTO_WEIGHTS) and counts.most_common(1)[0][0] == "edited"
    resold = sum(counts.values())
    assert all(counts[kind] == round(resold * 0.07) for kind in (*LAYOUT_KINDS, "reshoot")), counts
