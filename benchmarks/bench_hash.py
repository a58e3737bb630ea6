"""Benchmark image hashing on synthetic product photos: speed, fidelity to imagehash, robustness.

Makes 1,000 seeded 800x800 product-like JPEGs in a temp dir, then reports
1. throughput of the baseline ``imagehash.phash(Image.open(p))`` vs ``hash_files`` (every hash the
   matcher uses, draft-mode decode, border trim, process pool) and the ratio;
2. the Hamming distance between our draft-mode phash and imagehash's full-decode phash;
3. per hash, the distance between an original and its retail edits (border, crop, watermark, ...)
   against the distance between different products.

Run from the repository root: python -m benchmarks.bench_hash [--images 1000] [--workers 2]
"""

from __future__ import annotations

import argparse
import io
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import imagehash
import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageOps

from sourcefinder.match.image_hashes import HASHES, compute_hashes, hash_files, open_image

SIZE = 800


def _gradient(size: tuple[int, int], top: tuple[int, ...], bottom: tuple[int, ...]) -> Image.Image:
    ramp = np.linspace(0.0, 1.0, size[1])[:, None, None]
    rows = (1 - ramp) * np.array(top) + ramp * np.array(bottom)
    return Image.fromarray(np.repeat(rows, size[0], axis=1).astype(np.uint8), "RGB")


def _background(rng: random.Random) -> Image.Image:
    kind = rng.choice(["white", "white", "studio", "scene"])
    if kind == "white":
        return Image.new("RGB", (SIZE, SIZE), (255, 255, 255))
    if kind == "studio":
        base = tuple(rng.randint(200, 250) for _ in range(3))
        return _gradient((SIZE, SIZE), base, tuple(c - 40 for c in base))
    noise = np.random.default_rng(rng.randint(0, 2**32)).normal(0, 1, (SIZE // 40, SIZE // 40, 3))
    scene = Image.fromarray(np.clip(128 + 60 * noise, 0, 255).astype(np.uint8), "RGB")
    return scene.resize((SIZE, SIZE), Image.BICUBIC).filter(ImageFilter.GaussianBlur(6))


def _colour(rng: random.Random) -> tuple[int, int, int]:
    return (rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255))


def product_photo(seed: int) -> Image.Image:
    """A seeded 800x800 product-like photo: background, shaded product body, details, label, shadow."""
    rng = random.Random(seed)
    img = _background(rng)
    cx, cy = SIZE // 2 + rng.randint(-80, 80), SIZE // 2 + rng.randint(-60, 60)
    w, h = rng.randint(180, 340), rng.randint(180, 340)
    shadow = Image.new("L", (SIZE, SIZE), 0)
    ImageDraw.Draw(shadow).ellipse((cx - w, cy + h - 30, cx + w, cy + h + 30), fill=110)
    img.paste((60, 60, 60), mask=shadow.filter(ImageFilter.GaussianBlur(18)))
    body_colour = _colour(rng)
    body = _gradient((SIZE, SIZE), body_colour, tuple(c // 3 for c in body_colour))
    mask = Image.new("L", (SIZE, SIZE), 0)
    draw = ImageDraw.Draw(mask)
    box = (cx - w, cy - h, cx + w, cy + h)
    shape = rng.choice(["ellipse", "rounded", "polygon"])
    if shape == "ellipse":
        draw.ellipse(box, fill=255)
    elif shape == "rounded":
        draw.rounded_rectangle(box, radius=rng.randint(10, 120), fill=255)
    else:
        points = [
            (cx + w * np.cos(a) * rng.uniform(0.6, 1), cy + h * np.sin(a) * rng.uniform(0.6, 1))
            for a in np.linspace(0, 2 * np.pi, rng.randint(5, 9), endpoint=False)
        ]
        draw.polygon(points, fill=255)
    img.paste(body, mask=mask.filter(ImageFilter.GaussianBlur(1.5)))
    draw = ImageDraw.Draw(img)
    for _ in range(rng.randint(2, 6)):
        x, y, r = cx + rng.randint(-w // 2, w // 2), cy + rng.randint(-h // 2, h // 2), rng.randint(8, 60)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=_colour(rng))
    for _ in range(rng.randint(0, 4)):
        y = cy + rng.randint(-h // 2, h // 2)
        draw.rectangle((cx - w // 2, y, cx + w // 2, y + rng.randint(4, 24)), fill=_colour(rng))
    draw.text(
        (cx - w // 2, cy + h // 3), f"MODEL {seed % 9973}", fill=_colour(rng), font_size=rng.randint(24, 56)
    )
    noise = np.random.default_rng(seed).normal(0, 3, (SIZE, SIZE, 3))
    return Image.fromarray(np.clip(np.asarray(img) + noise, 0, 255).astype(np.uint8), "RGB")


def _jpeg(img: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    img.convert("RGB").save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def _border(img: Image.Image, rng: random.Random) -> Image.Image:
    width = int(img.width * rng.uniform(0.04, 0.12))
    return ImageOps.expand(img, border=width, fill=rng.choice([(255, 255, 255), (200, 20, 30), (20, 20, 20)]))


def _crop(img: Image.Image, rng: random.Random) -> Image.Image:
    cut = [int(img.width * rng.uniform(0, 0.04)) for _ in range(4)]
    return img.crop((cut[0], cut[1], img.width - cut[2], img.height - cut[3]))


def _watermark(img: Image.Image, rng: random.Random) -> Image.Image:
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    draw.text(
        (img.width * 0.1, img.height * 0.45),
        f"SHOP {rng.randint(0, 999)}",
        fill=(255, 255, 255, 140),
        font_size=img.width // 12,
    )
    draw.rectangle((img.width * 0.7, 0, img.width, img.height * 0.1), fill=(220, 0, 0, 230))
    return Image.alpha_composite(img.convert("RGBA"), layer).convert("RGB")


def _tone(img: Image.Image, rng: random.Random) -> Image.Image:
    img = ImageEnhance.Brightness(img).enhance(rng.uniform(0.85, 1.15))
    img = ImageEnhance.Contrast(img).enhance(rng.uniform(0.85, 1.2))
    return ImageEnhance.Color(img).enhance(rng.uniform(0.7, 1.3))


def _heavy_crop(img: Image.Image, rng: random.Random) -> Image.Image:
    """An off-centre crop that keeps 75-90 % of each side (issue 14's crops)."""
    keep = rng.uniform(0.75, 0.9)
    left, top = rng.uniform(0, 1 - keep), rng.uniform(0, 1 - keep)
    w, h = img.size
    return img.crop((int(w * left), int(h * top), int(w * (left + keep)), int(h * (top + keep))))


def _banner(img: Image.Image, rng: random.Random) -> Image.Image:
    """A solid promo strip with text, 10-20 % of the height, over the top or bottom or added to the canvas."""
    height = int(img.height * rng.uniform(0.1, 0.2))
    added = rng.random() < 0.5
    canvas = Image.new("RGB", (img.width, img.height + height)) if added else img.copy()
    top = rng.random() < 0.5
    if added:
        canvas.paste(img, (0, height if top else 0))
    y = 0 if top else canvas.height - height
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((0, y, canvas.width, y + height), fill=_colour(rng))
    draw.text((20, y + height // 4), "SALE 9.9 FREE SHIPPING", fill=(255, 255, 255), font_size=height // 2)
    return canvas


def _collage(img: Image.Image, rng: random.Random) -> Image.Image:
    """The photo as one tile of a 2x1, 1x2 or 2x2 grid of other products' photos, with white gutters."""
    columns, rows = rng.choice(((2, 1), (1, 2), (2, 2)))
    tiles = [product_photo(rng.randint(10**6, 2 * 10**6)) for _ in range(columns * rows - 1)]
    tiles.insert(rng.randint(0, len(tiles)), img)
    side, gutter = img.width // 2, 10
    sheet = Image.new(
        "RGB", (columns * side + gutter * (columns - 1), rows * side + gutter * (rows - 1)), "white"
    )
    for k, tile in enumerate(tiles):
        sheet.paste(
            tile.resize((side, side)), ((k % columns) * (side + gutter), (k // columns) * (side + gutter))
        )
    return sheet


def _pad(img: Image.Image, rng: random.Random) -> Image.Image:
    """Padded to a 4:3 or 3:4 canvas, white or coloured."""
    wide = rng.random() < 0.5
    size = (img.width * 4 // 3, img.height) if wide else (img.width, img.height * 4 // 3)
    canvas = Image.new("RGB", size, rng.choice([(255, 255, 255), _colour(rng)]))
    canvas.paste(img, ((size[0] - img.width) // 2, (size[1] - img.height) // 2))
    return canvas


def _frame(img: Image.Image, rng: random.Random) -> Image.Image:
    """A decorative two-tone gradient frame, 6-12 % of the side: not uniform, so trimming does not undo it."""
    width = int(img.width * rng.uniform(0.06, 0.12))
    canvas = _gradient((img.width + 2 * width, img.height + 2 * width), _colour(rng), _colour(rng))
    canvas.paste(img, (width, width))
    return canvas


EDITS: dict[str, Callable[[Image.Image, random.Random], Image.Image]] = {
    "resize+q70": lambda img, rng: img.resize((rng.randint(400, 750),) * 2, Image.BICUBIC),
    "border": _border,
    "crop<=8%": _crop,
    "watermark": _watermark,
    "tone": _tone,
    "mirror": lambda img, rng: ImageOps.mirror(img),
    "all": lambda img, rng: _border(_watermark(_tone(_crop(img, rng), rng), rng), rng).resize((640, 640)),
    "crop 10-25%": _heavy_crop,
    "banner": _banner,
    "collage": _collage,
    "pad": _pad,
    "frame": _frame,
    "stretch": lambda img, rng: img.resize((img.width, int(img.height * rng.uniform(0.75, 1.33)))),
}


def make_photos(folder: Path, count: int) -> list[Path]:
    """Write ``count`` seeded product photos as JPEG (quality 88) and return their paths."""
    paths = []
    for seed in range(count):
        path = folder / f"p{seed:05d}.jpg"
        product_photo(seed).save(path, "JPEG", quality=88)
        paths.append(path)
    return paths


def bench_throughput(paths: list[Path], workers: int) -> None:
    start = time.perf_counter()
    for path in paths:
        imagehash.phash(Image.open(path))
    baseline = len(paths) / (time.perf_counter() - start)
    start = time.perf_counter()
    results = hash_files(paths, workers=workers)
    ours = len(paths) / (time.perf_counter() - start)
    print(f"baseline imagehash.phash(Image.open(p)), 1 process: {baseline:8.1f} images/s")
    print(f"hash_files ({', '.join(HASHES)}, colour), {workers} workers: {ours:8.1f} images/s")
    print(f"ratio: {ours / baseline:.2f}x  (errors: {sum(isinstance(r, Exception) for r in results)})")
    start = time.perf_counter()
    hash_files(paths, workers=1)
    print(f"hash_files, 1 worker (no pool): {len(paths) / (time.perf_counter() - start):8.1f} images/s")
    for windows in ("parts", "crops"):
        start = time.perf_counter()
        hash_files(paths, workers=1, windows=windows)
        rate = len(paths) / (time.perf_counter() - start)
        print(f"hash_files, 1 worker, with the {windows} of a main photo: {rate:8.1f} images/s")


def bench_fidelity(paths: list[Path]) -> None:
    distances = np.array(
        [imagehash.phash(Image.open(p)) - HASHES["phash"](open_image(p)) for p in paths], dtype=int
    )
    counts = np.bincount(distances)
    print(f"draft-mode phash vs imagehash.phash(Image.open(p)) on {len(paths)} JPEGs (no trim):")
    print(
        f"  mean {distances.mean():.2f} bits, max {distances.max()} bits, histogram {dict(enumerate(counts.tolist()))}"
    )


def _distance(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def _family_distance(copy: dict[str, str], original: dict[str, str], name: str) -> int:
    """The best distance of ``name`` or its mirror hash in ``copy`` to ``name`` in ``original``."""
    return min(_distance(copy[name], original[name]), _distance(copy[name + "_mirror"], original[name]))


def _windowed(copy: dict[str, str], original: dict[str, str]) -> int:
    """The best phash distance of the copy's phash, mirror and parts to the original's phash and crops."""
    found = [copy["phash"], copy["phash_mirror"], *copy["phash_parts"].split()]
    return min(_distance(a, b) for a in found for b in [original["phash"], *original["phash_crops"].split()])


def bench_robustness(count: int, quality: int = 70) -> None:
    rng = random.Random(7)
    originals = [product_photo(100_000 + seed) for seed in range(count)]
    base = [compute_hashes(_jpeg(img, 88), windows="crops") for img in originals]
    families = ["phash", "dhash"]
    pairs = [(i, j) for i in range(count) for j in range(count) if i != j]
    different = {f: np.array([_family_distance(base[i], base[j], f) for i, j in pairs]) for f in families}
    limits = {f: np.quantile(different[f], 0.005) - 0.5 for f in families}
    print(
        f"{count} products (JPEG q88) vs their retail edits (JPEG q{quality}); distance = best of hash and its mirror"
    )
    print(
        f"{'edit':<12}"
        + "".join(f"{f + ' med/p95/max':>22}" for f in families)
        + f"{'recall phash|dhash':>22}"
        + f"{'with parts + crops':>20}"
    )
    for edit, fn in EDITS.items():
        copies = [compute_hashes(_jpeg(fn(img, rng), quality)) for img in originals]
        d = {
            f: np.array([_family_distance(c, b, f) for c, b in zip(copies, base, strict=True)])
            for f in families
        }
        cells = "".join(
            f"{f'{int(np.median(v))} / {int(np.percentile(v, 95))} / {v.max()}':>22}" for v in d.values()
        )
        recall = np.mean(np.any([d[f] <= limits[f] for f in families], axis=0))
        windowed = np.array([_windowed(c, b) for c, b in zip(copies, base, strict=True)])
        with_windows = np.mean((windowed <= limits["phash"]) | (d["dhash"] <= limits["dhash"]))
        print(f"{edit:<12}{cells}{recall:>22.2f}{with_windows:>20.2f}")
    bordered = [_jpeg(_border(img, rng), quality) for img in originals]
    raw = [
        imagehash.phash(open_image(_jpeg(img, 88))) - imagehash.phash(open_image(b))
        for img, b in zip(originals, bordered, strict=True)
    ]
    print(
        f"border, phash WITHOUT trim_border: median {int(np.median(raw))}, p95 {int(np.percentile(raw, 95))}"
    )
    both = np.mean(np.any([different[f] <= limits[f] for f in families], axis=0))
    print(
        "different products (ordered pairs): "
        + ", ".join(
            f"{f} min {v.min()} p0.5 {limits[f] + 0.5:.0f} p5 {np.percentile(v, 5):.0f} median {np.median(v):.0f}"
            for f, v in different.items()
        )
    )
    print(
        f"recall thresholds: phash <= {limits['phash']:.0f}, dhash <= {limits['dhash']:.0f}; false-positive rate of 'phash or dhash': {both:.2%}"
    )
    queries = [
        compute_hashes(_jpeg(img, quality)) for img in originals
    ]  # each product asked as a retail photo
    windowed = np.array([_windowed(queries[i], base[j]) for i, j in pairs])
    false = np.mean((windowed <= limits["phash"]) | (different["dhash"] <= limits["dhash"]))
    print(f"false-positive rate with parts + crops (compared with candidate pairs only): {false:.2%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--products", type=int, default=150, help="products for the robustness table")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        paths = make_photos(Path(folder), args.images)
        size = sum(p.stat().st_size for p in paths) / len(paths) / 1024
        print(
            f"made {len(paths)} {SIZE}x{SIZE} JPEGs (mean {size:.0f} KiB) in {time.perf_counter() - start:.1f} s"
        )
        bench_throughput(paths, args.workers)
        bench_fidelity(paths)
    bench_robustness(args.products)


if __name__ == "__main__":
    main()
