"""The matcher at scale: N factory x M retail listings (real Taobao titles with reseller noise, perceptual
hashes), timed by stage on the real path (``FactoryIndex(factories)`` then ``.match(retail)``), beside an
exhaustive all-pairs baseline and its recall on a sample. Each configuration runs in a fresh subprocess, so
the peak memory (ru_maxrss of the run plus its largest pool worker) is its own.

    python benchmarks/bench_match.py [--factories 100000 --retail 100000] [--million] [--sample 10000]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sourcefinder import titles  # noqa: E402
from sourcefinder.matcher import DEFAULT_MIN_CONFIDENCE, FactoryIndex, prepare_listings  # noqa: E402

DATA = Path("/work/shared/data/ali-title-pairs")
MARKETING = ("新款", "包邮", "网红同款", "爆款", "2024", "热卖", "ins风", "厂家直销")
COLOURS = ("红色", "黑色", "白色", "蓝色", "粉色", "灰色", "绿色", "黄色", "紫色", "卡其色")
UNITS = ("cm", "ml", "码", "mm", "g", "W")
TARGET_SECONDS, TARGET_GB, TARGET_RECALL = 60.0, 3.0, 0.99


# --- synthetic listings -----------------------------------------------------------------------------------


def real_listings() -> list[tuple[str, dict[str, str], str]]:
    """Unique (title, attributes, category) of both sides of the train and val pairs."""
    seen: dict[str, tuple[str, dict[str, str], str]] = {}
    for name in ("train.csv", "val.csv"):
        with open(DATA / name, encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                for side in ("left", "right"):
                    attributes = titles.parse_pv_pairs(row[f"pv_pairs_{side}"])
                    seen.setdefault(
                        row[f"id_{side}"], (row[f"title_{side}"], attributes, row[f"cate_name_{side}"])
                    )
    return list(seen.values())


def _spliced(
    real: list[tuple[str, dict[str, str], str]], by_category: dict[str, list[int]], rng: random.Random
):
    """A new product of a real category: the first half of a real title, the second half of another title
    of the same category, and the first one's attributes (2,573 real listings give millions of titles)."""
    first = real[rng.randrange(len(real))]
    second = real[rng.choice(by_category[first[2]])]
    return first[0][: len(first[0]) // 2] + second[0][len(second[0]) // 2 :], first[1]


def _variant(title: str, rng: random.Random) -> str:
    """The title with a colour or a size added or changed: a look-alike item, not the same one."""
    if rng.random() < 0.5:
        return f"{title} {rng.choice(COLOURS)}"
    return f"{title} {rng.randint(2, 300)}{rng.choice(UNITS)}"


def _resold(title: str, rng: random.Random) -> str:
    """A reseller's copy of a title: marketing words in, pieces reordered."""
    cut = sorted(rng.sample(range(1, max(len(title), 3)), min(2, max(len(title) - 2, 1))))
    pieces = [title[i:j] for i, j in zip([0, *cut], [*cut, len(title)], strict=True)]
    rng.shuffle(pieces)
    for _ in range(rng.randint(1, 3)):
        pieces.insert(rng.randint(0, len(pieces)), rng.choice(MARKETING))
    return "".join(pieces)


def _flipped(value: int, bits: int, rng: random.Random) -> int:
    for bit in rng.sample(range(64), bits):
        value ^= 1 << bit
    return value


def _image(phash: int, dhash: int, rng: random.Random) -> dict[str, str]:
    """An image_hashes entry: the given hashes and random mirror hashes."""
    mirror_p, mirror_d = rng.getrandbits(64), rng.getrandbits(64)
    return {
        "phash": f"{phash:016x}",
        "dhash": f"{dhash:016x}",
        "phash_mirror": f"{mirror_p:016x}",
        "dhash_mirror": f"{mirror_d:016x}",
    }


def make_listings(n_factories: int, n_retail: int, seed: int) -> tuple[list[dict], list[dict]]:
    """Factories (spliced real titles, half with a colour or size added) and retail listings: about half resold from a
    factory (title noise, hash with 0-10 flipped bits, a fifth of them mirrored), a tenth look-alikes of one,
    the rest other products."""
    rng = random.Random(seed)
    real = real_listings()
    by_category: dict[str, list[int]] = {}
    for position, (_, _, category) in enumerate(real):
        by_category.setdefault(category, []).append(position)
    factories = []
    for i in range(n_factories):
        title, attributes = _spliced(real, by_category, rng)
        if rng.random() < 0.5:
            title = _variant(title, rng)
        image = _image(rng.getrandbits(64), rng.getrandbits(64), rng)
        factories.append(
            {
                "source": "factory",
                "item_id": str(i),
                "title": title,
                "attributes": attributes,
                "image_hashes": [image],
            }
        )
    retail = []
    for j in range(n_retail):
        roll = rng.random()
        source = rng.choice(factories)
        if roll < 0.5:
            title, attributes = _resold(source["title"], rng), dict(source["attributes"])
            mirrored = rng.random() < 0.2
            factory_image = source["image_hashes"][0]
            phash = int(factory_image["phash_mirror" if mirrored else "phash"], 16)
            dhash = int(factory_image["dhash_mirror" if mirrored else "dhash"], 16)
            image = _image(
                _flipped(phash, rng.randint(0, 10), rng), _flipped(dhash, rng.randint(0, 10), rng), rng
            )
        else:
            if roll < 0.6:
                title, attributes = _resold(_variant(source["title"], rng), rng), dict(source["attributes"])
            else:
                title, attributes = _spliced(real, by_category, rng)
                title = _resold(title, rng)
            image = _image(rng.getrandbits(64), rng.getrandbits(64), rng)
        retail.append(
            {
                "source": "retail",
                "item_id": str(j),
                "title": title,
                "attributes": attributes,
                "image_hashes": [image],
            }
        )
    return factories, retail


# --- one configuration, in its own process ----------------------------------------------------------------


def peak_gb() -> tuple[float, float]:
    """(this process's peak RSS, the largest waited-for child's) in GB."""
    return (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20,
    )


def run_scale(n_factories: int, n_retail: int, seed: int) -> dict[str, Any]:
    """Time FactoryIndex(factories).match(retail) by stage."""
    factories, retail = make_listings(n_factories, n_retail, seed)
    started = time.perf_counter()
    index = FactoryIndex(factories)
    found = index.match(retail)
    wall = time.perf_counter() - started
    self_gb, child_gb = peak_gb()
    return {
        "factories": n_factories,
        "retail": n_retail,
        "wall": wall,
        "stages": index.timings,
        "pairs_scored": index.pairs_scored,
        "matches": sum(m.confidence >= DEFAULT_MIN_CONFIDENCE for m in found),
        "peak_gb": self_gb,
        "worker_peak_gb": child_gb,
    }


def _key_set(matches: list, threshold: float) -> set[tuple[str, str]]:
    return {(m.retail_id, m.factory_id) for m in matches if m.confidence >= threshold}


def run_sample(n_factories: int, n_retail: int, seed: int) -> dict[str, Any]:
    """Exhaustive scoring of n_retail x n_factories (every pair through compare + the model) against the
    indexed path on the same listings: its throughput and what the indexed path recalls of it."""
    factories, retail = make_listings(n_factories, n_retail, seed)
    index = FactoryIndex(factories)
    infos = prepare_listings(retail)
    ri = np.repeat(np.arange(n_retail), n_factories)
    fi = np.tile(np.arange(n_factories), n_retail)
    started = time.perf_counter()
    exhaustive = index.score(retail, infos, index.with_distances(retail, ri, fi), DEFAULT_MIN_CONFIDENCE)
    seconds = time.perf_counter() - started
    indexed = index.match(retail, DEFAULT_MIN_CONFIDENCE)
    truth, got = _key_set(exhaustive, DEFAULT_MIN_CONFIDENCE), _key_set(indexed, DEFAULT_MIN_CONFIDENCE)
    return {
        "factories": n_factories,
        "retail": n_retail,
        "pairs": len(ri),
        "seconds": seconds,
        "exhaustive_found": len(truth),
        "indexed_found": len(got),
        "recalled": len(truth & got),
    }


# --- report -----------------------------------------------------------------------------------------------


def _child(args: list[str]) -> dict[str, Any]:
    """Run one configuration in a fresh interpreter and read its JSON."""
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def report_scale(result: dict[str, Any], targets: bool) -> list[str]:
    peak = result["peak_gb"] + result["worker_peak_gb"]
    lines = [f"{result['factories']:,} factory x {result['retail']:,} retail"]
    lines += [f"  {stage:30s} {seconds:7.1f} s" for stage, seconds in result["stages"].items()]
    lines.append(
        f"  wall {result['wall']:.1f} s, {result['pairs_scored']:,} pairs scored "
        f"({result['pairs_scored'] / result['retail']:.1f} per retail listing), {result['matches']:,} matches"
    )
    lines.append(
        f"  peak RSS {result['peak_gb']:.2f} GB (main) + {result['worker_peak_gb']:.2f} GB (largest pool worker, "
        f"pages shared with main counted again) = {peak:.2f} GB"
    )
    if targets:
        lines.append(
            f"  target wall <= {TARGET_SECONDS:.0f} s: {result['wall']:.1f} s  {_verdict(result['wall'] <= TARGET_SECONDS)}"
        )
        lines.append(f"  target peak <= {TARGET_GB:.0f} GB: {peak:.2f} GB  {_verdict(peak <= TARGET_GB)}")
    return lines


def report_sample(sample: dict[str, Any], scale: dict[str, Any]) -> list[str]:
    per_pair = sample["seconds"] / sample["pairs"]
    all_pairs = scale["factories"] * scale["retail"]
    extrapolated = per_pair * all_pairs
    recall = sample["recalled"] / sample["exhaustive_found"] if sample["exhaustive_found"] else 1.0
    return [
        f"baseline: exhaustive scoring, {sample['retail']:,} retail x {sample['factories']:,} factory = "
        f"{sample['pairs']:,} pairs in {sample['seconds']:.1f} s ({per_pair * 1e6:.1f} us/pair on all cores)",
        f"  extrapolated to {scale['factories']:,} x {scale['retail']:,} = {all_pairs:.1e} pairs: "
        f"{extrapolated:,.0f} s ({extrapolated / 3600:.1f} h); indexed path {scale['wall']:.1f} s: "
        f"{extrapolated / scale['wall']:,.0f}x faster",
        f"recall on the sample: exhaustive finds {sample['exhaustive_found']} pairs at >= {DEFAULT_MIN_CONFIDENCE}, "
        f"indexed path {sample['indexed_found']}, of them {sample['recalled']}",
        f"  target recall >= {TARGET_RECALL}: {recall:.4f}  {_verdict(recall >= TARGET_RECALL)}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--factories", type=int, default=100_000)
    parser.add_argument("--retail", type=int, default=100_000)
    parser.add_argument("--million", action="store_true", help="also 1,000,000 factory x --retail")
    parser.add_argument("--sample", type=int, default=10_000, help="factories in the recall sample")
    parser.add_argument("--sample-retail", type=int, default=500, help="retail listings scored exhaustively")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--run", choices=("scale", "sample"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run == "scale":
        print(json.dumps(run_scale(args.factories, args.retail, args.seed)))
        return
    if args.run == "sample":
        print(json.dumps(run_sample(args.factories, args.retail, args.seed)))
        return
    common = ["--seed", str(args.seed)]
    scale = _child(
        ["--run", "scale", "--factories", str(args.factories), "--retail", str(args.retail), *common]
    )
    print("\n".join(report_scale(scale, targets=True)))
    sample = _child(
        ["--run", "sample", "--factories", str(args.sample), "--retail", str(args.sample_retail), *common]
    )
    print("\n".join(report_sample(sample, scale)))
    if args.million:
        million = _child(["--run", "scale", "--factories", "1000000", "--retail", str(args.retail), *common])
        print("\n".join(report_scale(million, targets=False)))


if __name__ == "__main__":
    main()
