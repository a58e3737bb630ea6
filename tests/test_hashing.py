"""Image hashing: trimming, robustness to retail edits, safe loading, hex/int conversions, bulk hashing."""

from __future__ import annotations

import io
import random
from pathlib import Path

import imagehash
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageOps

from sourcefinder.demo.designs import WALLS, View, random_design
from sourcefinder.demo.render import jpeg_bytes, render_product
from sourcefinder.match.image_hashes import (
    HASHES,
    PARTS,
    TRIM_SHAVE,
    ImageError,
    compute_hashes,
    hash_files,
    hash_to_hex,
    hex_to_hash,
    hex_to_int64,
    int64_to_hex,
    open_image,
    trim_border,
)
from tests.badimages import png_header


def _photo(seed: int, size: int = 480) -> Image.Image:
    """A full-bleed product-like picture: a diagonal two-colour gradient scene with a few shapes."""
    rng = random.Random(seed)
    ramp = np.add.outer(np.arange(size), np.arange(size))[..., None] / (2 * size - 2)
    top, bottom = (np.array([rng.randint(0, 255) for _ in range(3)]) for _ in range(2))
    img = Image.fromarray(((1 - ramp) * top + ramp * bottom).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(img)
    for _ in range(6):
        x, y, r = rng.randint(0, size), rng.randint(0, size), rng.randint(size // 12, size // 4)
        colour = (rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)((x - r, y - r, x + r, y + r), fill=colour)
    return img


def _jpeg(img: Image.Image, quality: int = 85) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def _distance(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


@pytest.fixture(scope="module")
def original() -> Image.Image:
    return _photo(1)


@pytest.fixture(scope="module")
def original_hashes(original: Image.Image) -> dict[str, str]:
    return compute_hashes(_jpeg(original, 90))


def test_compute_hashes_gives_every_hash_as_16_hex_digits(
    original: Image.Image, original_hashes: dict[str, str]
) -> None:
    assert set(original_hashes) == set(HASHES) | {"phash_parts", "colour"}
    assert all(
        len(original_hashes[name]) == 16 and int(original_hashes[name], 16) >= 0
        for name in [*HASHES, "colour"]
    )
    parts = original_hashes["phash_parts"].split()
    assert 1 < len(parts) <= len(PARTS) + 1 and all(len(h) == 16 and int(h, 16) >= 0 for h in parts)
    assert set(compute_hashes(_jpeg(original, 90), windows=None)) == set(HASHES) | {"colour"}  # the factory's


def test_trim_border_removes_a_frame_and_leaves_a_full_bleed_picture_alone(original: Image.Image) -> None:
    assert trim_border(original) is original
    framed = ImageOps.expand(original, border=40, fill=(250, 250, 250))
    shaved = 2 * round(framed.width * TRIM_SHAVE)  # a line more on each side: the frame's blend
    assert trim_border(framed).size == (original.width - shaved, original.height - shaved)
    nested = ImageOps.expand(ImageOps.expand(original, border=20, fill="white"), border=6, fill="red")
    assert original.width - 2 * shaved <= trim_border(nested).width <= original.width - shaved
    blank = Image.new("L", (50, 50), 128)
    assert trim_border(blank) is blank


def test_trim_border_tolerates_jpeg_noise(original: Image.Image) -> None:
    framed = Image.open(io.BytesIO(_jpeg(ImageOps.expand(original, border=48, fill=(200, 30, 30)), 60)))
    assert abs(trim_border(framed).width - original.width) <= 4 + 2 * round(original.width * TRIM_SHAVE)


def _on_wall(img: Image.Image) -> Image.Image:
    """A studio shot: the picture small in the middle of a plain light wall (the demo's and many shops' look)."""
    wall = Image.new("RGB", (img.width, img.height), (236, 232, 226))
    wall.paste(img.resize((img.width // 2, img.height // 2)), (img.width // 4, img.height // 5))
    return wall


def _banner(img: Image.Image, top: bool, over: bool) -> Image.Image:
    """A red promo strip with white text, 15 % of the height: painted over the photo or added to the canvas."""
    height = int(img.height * 0.15)
    canvas = img.copy() if over else Image.new("RGB", (img.width, img.height + height))
    if not over:
        canvas.paste(img, (0, height if top else 0))
    y = 0 if top else canvas.height - height
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((0, y, canvas.width, y + height), fill=(214, 32, 40))
    draw.text((12, y + 8), "SALE 9.9 FREE SHIPPING", fill="white", font_size=height // 2)
    return canvas


def _collage(img: Image.Image, others: list[Image.Image], columns: int) -> Image.Image:
    """``img`` as the last tile of a grid of ``columns`` x (1 + len(others)) // columns, white gutters."""
    tiles, side = [*others, img], img.width // 2
    rows = len(tiles) // columns
    sheet = Image.new("RGB", (columns * side + 8 * (columns - 1), rows * side + 8 * (rows - 1)), "white")
    for i, tile in enumerate(tiles):
        sheet.paste(tile.resize((side, side)), ((i % columns) * (side + 8), (i // columns) * (side + 8)))
    return sheet


def _gradient_frame(img: Image.Image) -> Image.Image:
    """A red-to-white gradient frame, 14 % of the side: each of its rows is uniform, its columns are not."""
    width = int(img.width * 0.14)
    ramp = np.linspace(0.0, 1.0, img.height + 2 * width)[:, None, None]
    rows = (1 - ramp) * np.array([200, 30, 40]) + ramp * np.array([250, 250, 250])
    frame = Image.fromarray(np.repeat(rows, img.width + 2 * width, axis=1).astype(np.uint8), "RGB")
    frame.paste(img, (width, width))
    return frame


def _nearest(edited: bytes, source: bytes) -> int:
    """The smallest distance of the edited photo's phash or parts to the source photo's phash."""
    hashes, phash = compute_hashes(edited), compute_hashes(source, windows=None)["phash"]
    return min(_distance(h, phash) for h in [hashes["phash"], *hashes["phash_parts"].split()])


@pytest.mark.parametrize(
    ("studio", "edit", "limit"),
    [
        (False, lambda img: ImageOps.expand(img.resize((400, 400)), border=40, fill=(200, 40, 40)), 6),
        (True, lambda img: ImageOps.expand(img, border=30, fill=(30, 30, 30)), 6),
        (True, _gradient_frame, 6),
        (False, lambda img: _banner(img, top=True, over=False), 6),
        (False, lambda img: _banner(img, top=False, over=False), 6),
        (True, lambda img: _banner(img, top=True, over=True), 6),
        (True, lambda img: _banner(img, top=False, over=True), 6),
        (False, lambda img: _collage(img, [_photo(5), _photo(6), _photo(7)], 2), 8),
        (False, lambda img: _collage(img, [_photo(5)], 2), 8),
        (False, lambda img: _collage(img, [_photo(5)], 1), 8),
    ],
    ids=[
        "frame",
        "frame-on-studio-shot",
        "gradient-frame",
        "banner-added-top",
        "banner-added-bottom",
        "banner-over-studio-shot-top",
        "banner-over-studio-shot-bottom",
        "collage-2x2",
        "collage-1x2",
        "collage-2x1",
    ],
)
def test_a_query_photos_parts_find_the_source_of_a_banner_frame_or_collage(
    original: Image.Image, studio: bool, edit, limit: int
) -> None:
    source = _on_wall(original) if studio else original
    assert _nearest(_jpeg(edit(source), 70), _jpeg(source, 90)) <= limit


def test_the_parts_of_unrelated_photos_stay_far(original_hashes: dict[str, str]) -> None:
    for seed in range(20, 40):
        hashes = compute_hashes(_jpeg(_photo(seed), 80))
        found = [hashes["phash"], *hashes["phash_parts"].split()]
        assert min(_distance(h, original_hashes["phash"]) for h in found) > 12


def test_bordered_copy_is_close_after_trimming_and_far_without(
    original: Image.Image, original_hashes: dict[str, str]
) -> None:
    framed = _jpeg(ImageOps.expand(original, border=40, fill="white"), 75)
    assert _distance(compute_hashes(framed)["phash"], original_hashes["phash"]) <= 4
    untrimmed = imagehash.phash(open_image(framed)) - imagehash.phash(open_image(_jpeg(original, 90)))
    assert untrimmed >= 10


@pytest.mark.parametrize(
    ("edit", "name", "limit"),
    [
        (lambda img: img.resize((300, 300), Image.BICUBIC), "phash", 4),
        (lambda img: img, "phash", 2),  # recompressed at quality 60
        (lambda img: img.crop((0, 0, int(img.width * 0.94), img.height)), "phash", 10),
        (lambda img: img.crop((19, 19, img.width - 19, img.height - 19)), "phash", 10),
        (lambda img: img.point(lambda v: min(255, int(v * 1.1) + 8)), "phash", 4),
    ],
    ids=["resized", "recompressed", "cropped-6%-one-side", "cropped-8%-all-round", "tone-shifted"],
)
def test_edited_copies_stay_close(
    original: Image.Image, original_hashes: dict[str, str], edit, name: str, limit: int
) -> None:
    assert _distance(compute_hashes(_jpeg(edit(original), 60))[name], original_hashes[name]) <= limit


def test_watermarked_copy_is_close_by_dhash(original: Image.Image, original_hashes: dict[str, str]) -> None:
    marked = original.copy()
    ImageDraw.Draw(marked).text((40, 200), "SHOP 12345", fill="white", font_size=48)
    ImageDraw.Draw(marked).rectangle((380, 0, 480, 40), fill=(220, 0, 0))
    assert _distance(compute_hashes(_jpeg(marked, 70))["dhash"], original_hashes["dhash"]) <= 8


def test_mirrored_copy_is_close_by_the_mirror_hash(
    original: Image.Image, original_hashes: dict[str, str]
) -> None:
    mirrored = compute_hashes(_jpeg(ImageOps.mirror(original), 80))
    for name in ("phash", "dhash"):
        assert _distance(mirrored[name + "_mirror"], original_hashes[name]) <= 4
        assert _distance(mirrored[name], original_hashes[name]) > 12


def test_different_pictures_are_far(original_hashes: dict[str, str]) -> None:
    for seed in range(2, 8):
        other = compute_hashes(_jpeg(_photo(seed), 90))
        assert _distance(other["phash"], original_hashes["phash"]) > 14
        assert _distance(other["dhash"], original_hashes["dhash"]) > 14


def test_phash_equals_imagehash_without_draft_and_is_close_with_it(
    original: Image.Image, tmp_path: Path
) -> None:
    png, jpg = tmp_path / "p.png", tmp_path / "p.jpg"
    original.resize((800, 800)).save(png)
    original.resize((800, 800)).save(jpg, quality=90)
    assert compute_hashes(png)["phash"] == str(imagehash.phash(Image.open(png)))
    assert _distance(compute_hashes(jpg)["phash"], str(imagehash.phash(Image.open(jpg)))) <= 4


def test_open_image_uses_draft_mode_and_flattens_transparency() -> None:
    assert open_image(_jpeg(_photo(1, 800))).size == (100, 100)
    transparent = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    buffer = io.BytesIO()
    transparent.save(buffer, "PNG")
    assert open_image(buffer.getvalue()).getextrema() == (255, 255)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\xff\xd8\xff\xe0 this is not really a jpeg" * 10, "cannot decode"),
        (b"just some text, not an image\n", "cannot decode"),
        (b"", "empty"),
        (png_header(50_000, 50_000), "decompression bomb"),  # PIL's own limit, caught
        (png_header(9_000, 9_000), "pixel limit"),  # ours, below PIL's
    ],
    ids=["corrupt", "text", "empty", "bomb-pil", "bomb-ours"],
)
def test_bad_input_gives_image_error_with_a_reason(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "bad.jpg"
    path.write_bytes(data)
    with pytest.raises(ImageError, match=reason) as raised:
        compute_hashes(path)
    assert isinstance(raised.value, ValueError) and reason in raised.value.reason
    assert Image.MAX_IMAGE_PIXELS == 89_478_485  # PIL's global is left alone


def test_truncated_jpeg_gives_image_error(original: Image.Image) -> None:
    data = _jpeg(original)
    with pytest.raises(ImageError, match="truncated"):
        compute_hashes(data[: len(data) // 2])


def test_oversize_and_missing_files_give_image_error(tmp_path: Path) -> None:
    path = tmp_path / "big.jpg"
    path.write_bytes(_jpeg(_photo(1)))
    with pytest.raises(ImageError, match="byte limit"):
        open_image(path, max_bytes=1000)
    with pytest.raises(ImageError, match="byte limit"):
        open_image(path.read_bytes(), max_bytes=1000)
    with pytest.raises(ImageError, match="cannot read"):
        open_image(tmp_path / "missing.jpg")


@pytest.mark.parametrize(
    "text",
    ["0000000000000000", "0123456789abcdef", "7fffffffffffffff", "8000000000000000", "ffffffffffffffff"],
)
def test_hex_round_trips(text: str) -> None:
    value = hex_to_int64(text)
    assert -(2**63) <= value < 2**63
    assert int64_to_hex(value) == text
    assert hash_to_hex(hex_to_hash(text)) == text
    assert hex_to_hash(text.upper()) == hex_to_hash(text)


def test_signed_values_and_bad_input() -> None:
    assert hex_to_int64("ffffffffffffffff") == -1
    assert hex_to_int64("8000000000000000") == -(2**63)
    assert int64_to_hex(2**64 - 1) == "ffffffffffffffff"
    for bad in ("fff", "g000000000000000", "0x00000000000000"):
        with pytest.raises(ValueError):
            hex_to_int64(bad)
    with pytest.raises(ValueError):
        int64_to_hex(2**64)


def test_top_bit_hash_round_trips_from_an_image(original_hashes: dict[str, str]) -> None:
    for text in (original_hashes[name] for name in HASHES):
        assert int64_to_hex(hex_to_int64(text)) == text
        assert str(hex_to_hash(text)) == text


def test_hash_files_keeps_order_and_returns_errors(tmp_path: Path) -> None:
    paths = []
    for i in range(6):
        path = tmp_path / f"{i}.jpg"
        path.write_bytes(_jpeg(_photo(i)) if i != 3 else b"broken")
        paths.append(path)
    results = hash_files(paths, workers=2)
    assert isinstance(results[3], ImageError)
    assert [r for i, r in enumerate(results) if i != 3] == [
        compute_hashes(p, windows=None) for i, p in enumerate(paths) if i != 3
    ]
    assert [str(r) for r in hash_files(paths, workers=1)] == [str(r) for r in results]
    with_parts = hash_files(paths, workers=2, windows="parts")
    assert [r for i, r in enumerate(with_parts) if i != 3] == [
        compute_hashes(p) for i, p in enumerate(paths) if i != 3
    ]


def _render(colour: tuple[int, int, int], view: View | None = None, shape: str = "bowl") -> bytes:
    design = random_design(random.Random(3), shape, colour, (250, 250, 245), "dots")
    return jpeg_bytes(render_product(design, view), 80)


def _colour_distance(a: bytes, b: bytes) -> int:
    return _distance(compute_hashes(a, windows=None)["colour"], compute_hashes(b, windows=None)["colour"])


@pytest.mark.parametrize(
    ("view", "colour", "same"),
    [
        (View(wall=WALLS[9], zoom=1.3), (200, 40, 40), True),  # re-shot on another wall, closer
        (View(turn=50, shift=(0.1, 0.05)), (200, 40, 40), True),  # turned and moved
        (View(copies=2, zoom=0.9), (200, 40, 40), True),  # two of them
        (None, (40, 90, 200), False),  # the blue one
        (None, (40, 150, 60), False),  # the green one
    ],
    ids=["other-wall-closer", "turned", "two-copies", "other-colour-blue", "other-colour-green"],
)
def test_colour_code_keeps_a_reshot_item_and_tells_another_colour(
    view: View | None, colour: tuple[int, int, int], same: bool
) -> None:
    red = _render((200, 40, 40))
    distance = _colour_distance(red, _render(colour, view))
    assert distance <= 2 if same else distance >= 3


@pytest.mark.parametrize(
    "box",
    [(0.15, 0.15, 1.0, 1.0), (0.0, 0.0, 0.85, 0.88), (0.12, 0.02, 0.97, 0.9), (0.08, 0.08, 0.92, 0.92)],
    ids=["lower-right", "upper-left", "off-centre", "centre"],
)
def test_a_factory_main_photos_crops_find_a_resellers_crop_of_it(original: Image.Image, box) -> None:
    w, h = original.size
    cropped = original.crop((round(w * box[0]), round(h * box[1]), round(w * box[2]), round(h * box[3])))
    retail = compute_hashes(_jpeg(cropped.resize((500, 500)), 75))
    factory = compute_hashes(_jpeg(original, 90), windows="crops")
    found = [retail["phash"], *retail["phash_parts"].split()]
    whole = min(_distance(h, factory["phash"]) for h in found)
    by_crops = min(_distance(a, b) for a in found for b in factory["phash_crops"].split())
    assert by_crops <= 12 and by_crops < whole  # within the radius of a near photo, where the whole is not
