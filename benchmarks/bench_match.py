"""The matcher at scale: N factory x M retail listings (synthetic distinct products built on real Taobao
titles, resold copies with reseller noise, perceptual hashes; see "synthetic listings" below), timed by stage
on the real path (``FactoryIndex.build(factories)`` then ``.match(retail)``), and the recall of that path against an
exhaustive all-pairs scoring of a sample (``run_sample`` says exactly what recall means). Each configuration
runs in a fresh subprocess; its peak memory is the largest total PSS of the process and its fork-pool workers
(pages shared after fork counted once), sampled on a thread that takes at most ~5 % of one core. The main
configuration runs with the hashes the issue names (phash, with its mirror) and with all four a crawl stores.

    python benchmarks/bench_match.py [--factories 100000 --retail 100000] [--repeat 3] [--million] [--sample 10000]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from sourcefinder.match import prepare  # noqa: E402
from sourcefinder.match.hamming import HammingIndex, faiss  # noqa: E402
from sourcefinder.match.index import DEFAULT_MIN_CONFIDENCE, DEFAULT_TITLE_TOP_N, FactoryIndex  # noqa: E402
from sourcefinder.match.workers import Workers  # noqa: E402

WORKERS = os.cpu_count() or 1

DATA = Path("/work/shared/data/ali-title-pairs")
MARKETING = ("新款", "包邮", "网红同款", "爆款", "2024", "热卖", "ins风", "厂家直销")
COLOURS = ("红色", "黑色", "白色", "蓝色", "粉色", "灰色", "绿色", "黄色", "紫色", "卡其色")
MATERIALS = ("纯棉", "涤纶", "不锈钢", "硅胶", "实木", "真皮", "亚麻", "陶瓷", "玻璃", "竹纤维")
UNITS = ("cm", "ml", "mm", "g", "W")
MODEL_PREFIXES = ("KX", "HT", "ZM", "QY", "JB", "LS", "YT", "RX", "BN", "DF")
CODE_KEYS = ("型号", "货号", "款号", "model")
REAL_CODE = re.compile(r"[A-Za-z0-9-]*(?:[A-Za-z][A-Za-z0-9-]*[0-9]|[0-9][A-Za-z0-9-]*[A-Za-z])[A-Za-z0-9-]*")
LOOKALIKE_FACTORIES = 0.05  # share of factories that are another factory's item in another colour or size
TARGET_SECONDS, TARGET_GB, TARGET_RECALL = 60.0, 3.0, 0.99
# The reference for this machine kind: numpy XOR + popcount ~0.37 G pairs/s, faiss IndexBinaryFlat ~1.6
# G pairs/s (the machine is shared and its speed varies; run_machine_check measures both in the same run, so the
# wall time can be read against them).
REFERENCE_GPAIRS = {"numpy XOR + popcount": 0.37, "faiss IndexBinaryFlat, 1 thread": 1.6}


# --- synthetic listings -----------------------------------------------------------------------------------
#
# Factories are distinct products: a real Taobao title (the start of one and the rest of another of the same
# category, cut at random, from the 2,573 unique listings of ali-title-pairs train + val, their own model and
# article numbers removed) with the first one's attributes, plus a model number of its own (fixed width, so no
# two factories' numbers contain one another) and, drawn at random, a colour, a size and a material. A small share (LOOKALIKE_FACTORIES) are planted look-alikes: an
# earlier factory's item with only the colour or the size changed (another SKU of one product). Each has one
# photo (random 64-bit phash and dhash).
#
# Retail listings: half are resold copies of a factory (title pieces reordered, one to three marketing words
# in, the model number dropped one time in five, phash/dhash with 0-10 bits flipped, a fifth taken from the
# mirrored photo); a tenth are look-alikes of a factory (its title resold with the colour or size changed,
# another photo); the rest are unrelated products (a spliced real title with a model number no factory has).


def _without_codes(title: str, attributes: dict[str, str]) -> tuple[str, dict[str, str]]:
    """A real listing without its own model and article numbers (the synthetic product gets one of its own)."""
    kept = {k: v for k, v in attributes.items() if k not in CODE_KEYS}
    return REAL_CODE.sub("", title), kept


def real_listings() -> list[tuple[str, dict[str, str], str]]:
    """Unique (title, attributes, category) of both sides of the train and val pairs, codes removed."""
    seen: dict[str, tuple[str, dict[str, str], str]] = {}
    for name in ("train.csv", "val.csv"):
        with open(DATA / name, encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                for side in ("left", "right"):
                    attributes = prepare.parse_pv_pairs(row[f"pv_pairs_{side}"])
                    title, attributes = _without_codes(row[f"title_{side}"], attributes)
                    seen.setdefault(row[f"id_{side}"], (title, attributes, row[f"cate_name_{side}"]))
    return list(seen.values())


def _spliced(
    real: list[tuple[str, dict[str, str], str]], by_category: dict[str, list[int]], rng: random.Random
) -> tuple[str, dict[str, str]]:
    """A new title of a real category: the start of one real title (cut at a random third to two thirds) and
    the rest of another of the same category, with the first one's attributes."""
    first = real[rng.randrange(len(real))]
    second = real[rng.choice(by_category[first[2]])]
    cut_first = rng.randint(len(first[0]) // 3, 2 * len(first[0]) // 3)
    cut_second = rng.randint(len(second[0]) // 3, 2 * len(second[0]) // 3)
    return first[0][:cut_first] + second[0][cut_second:], first[1]


def _by_category(real: Sequence[tuple[str, dict[str, str], str]]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for position, (_, _, category) in enumerate(real):
        found.setdefault(category, []).append(position)
    return found


def _size(rng: random.Random) -> str:
    return f"{rng.randint(2, 300)}{rng.choice(UNITS)}"


def _product(base: tuple[str, dict[str, str]], model: int, rng: random.Random) -> dict[str, Any]:
    """A product: a real title and attributes with its own model number, maybe a colour, size and material."""
    parts = {"base": base[0], "model": f"{MODEL_PREFIXES[model % 10]}-{model // 10:07d}"}
    for name, chance, draw in (
        ("colour", 0.7, lambda: rng.choice(COLOURS)),
        ("size", 0.6, lambda: _size(rng)),
        ("material", 0.5, lambda: rng.choice(MATERIALS)),
    ):
        if rng.random() < chance:
            parts[name] = draw()
    return {"parts": parts, "attributes": dict(base[1])}


def _lookalike(product: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """The same product in another colour or size: a different item."""
    parts = dict(product["parts"])
    if rng.random() < 0.5:
        parts["colour"] = rng.choice([c for c in COLOURS if c != parts.get("colour")])
    else:
        parts["size"] = _size(rng)
    return {"parts": parts, "attributes": product["attributes"]}


def _title(parts: dict[str, str]) -> str:
    return " ".join(parts.values())


def _resold(parts: dict[str, str], rng: random.Random) -> str:
    """A reseller's title: the pieces reordered (the real title cut in two), marketing words in, the model
    number dropped one time in five."""
    base = parts["base"]
    cut = rng.randint(1, max(len(base) - 1, 1))
    pieces = [base[:cut], base[cut:], *(v for k, v in parts.items() if k != "base")]
    if rng.random() < 0.2:
        pieces.remove(parts["model"])
    rng.shuffle(pieces)
    for _ in range(rng.randint(1, 3)):
        pieces.insert(rng.randint(0, len(pieces)), rng.choice(MARKETING))
    return " ".join(p for p in pieces if p)


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


def _listing(source: str, i: int, title: str, attributes: dict[str, str], image: dict) -> dict[str, Any]:
    return {
        "source": source,
        "item_id": str(i),
        "title": title,
        "attributes": dict(attributes),
        "image_hashes": [image],
    }


def _copied_image(factory: dict[str, Any], rng: random.Random) -> dict[str, str]:
    """The factory's photo (or its mirror, one time in five) with 0-10 bits flipped per hash."""
    mirrored = rng.random() < 0.2
    image = factory["image_hashes"][0]
    phash = int(image["phash_mirror" if mirrored else "phash"], 16)
    dhash = int(image["dhash_mirror" if mirrored else "dhash"], 16)
    return _image(_flipped(phash, rng.randint(0, 10), rng), _flipped(dhash, rng.randint(0, 10), rng), rng)


# The hashes a listing carries: the configuration ("phash + real-looking titles"; the mirror is the
# matcher's own requirement), or all four as a crawl stores them (phash, dhash and their mirrors).
HASH_SETS = {"phash": ("phash", "phash_mirror"), "all": ("phash", "phash_mirror", "dhash", "dhash_mirror")}


def _keep_hashes(listings: list[dict[str, Any]], kinds: Sequence[str]) -> list[dict[str, Any]]:
    for listing in listings:
        listing["image_hashes"] = [
            {k: v for k, v in h.items() if k in kinds} for h in listing["image_hashes"]
        ]
    return listings


def make_listings(
    n_factories: int, n_retail: int, seed: int, hashes: str = "all"
) -> tuple[list[dict], list[dict], set[tuple]]:
    """Distinct factory products and retail listings (resold copies, look-alikes, unrelated items) carrying
    the hashes of HASH_SETS[hashes], and the true pairs: each resold copy with the factory it was copied from
    (the same listings and pairs whatever ``hashes``)."""
    rng = random.Random(seed)
    real = real_listings()
    by_category = _by_category(real)
    models = rng.sample(range(10 * (n_factories + n_retail)), n_factories + n_retail)
    products: list[dict[str, Any]] = []
    for i in range(n_factories):
        if products and rng.random() < LOOKALIKE_FACTORIES:
            products.append(_lookalike(rng.choice(products), rng))
        else:
            products.append(_product(_spliced(real, by_category, rng), models[i], rng))
    factories = [
        _listing(
            "factory",
            i,
            _title(p["parts"]),
            p["attributes"],
            _image(rng.getrandbits(64), rng.getrandbits(64), rng),
        )
        for i, p in enumerate(products)
    ]
    retail, truth = [], set()
    for j in range(n_retail):
        roll, source = rng.random(), rng.randrange(n_factories)
        if roll < 0.5:
            product, image = products[source], _copied_image(factories[source], rng)
            truth.add((f"retail:{j}", f"factory:{source}"))
        else:
            if roll < 0.6:
                product = _lookalike(products[source], rng)
            else:
                product = _product(_spliced(real, by_category, rng), models[n_factories + j], rng)
            image = _image(rng.getrandbits(64), rng.getrandbits(64), rng)
        retail.append(_listing("retail", j, _resold(product["parts"], rng), product["attributes"], image))
    kinds = HASH_SETS[hashes]
    return _keep_hashes(factories, kinds), _keep_hashes(retail, kinds), truth


# --- one configuration, in its own process ----------------------------------------------------------------


def _children(pid: int) -> list[int]:
    """The process's children and their descendants."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found + [d for c in found for d in _children(c)]


def _pss_gb(pid: int) -> float:
    """Proportional set size: each page shared between processes counted once, split among them."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return 0.0


class PeakMemory:
    """The largest total PSS of this process and its pool workers, sampled on a thread.

    Reading ``smaps_rollup`` walks a process's page tables (~10 ms for a 2 GB process): sampled every 0.1 s,
    it took ~11 % of the machine's CPU from the run it measured (perf). So the sampler waits 0.1 s or 19 times
    as long as its last sample took, whichever is longer: at most ~5 % of one core. ``cpu_seconds`` is what
    the sampler cost, reported with the peak."""

    SHARE = 0.05

    def __init__(self) -> None:
        self.peak = 0.0
        self.samples = 0
        self.cpu_seconds = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        pid, wait = os.getpid(), 0.1
        while not self._stop.wait(wait):
            started, cpu = time.perf_counter(), time.thread_time()
            self.peak = max(self.peak, sum(_pss_gb(p) for p in [pid, *_children(pid)]))
            self.samples += 1
            self.cpu_seconds += time.thread_time() - cpu
            wait = max(0.1, (time.perf_counter() - started) * (1 - self.SHARE) / self.SHARE)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_scale(n_factories: int, n_retail: int, seed: int, hashes: str) -> dict[str, Any]:
    """Time FactoryIndex.build(factories) then .match(retail) by stage."""
    factories, retail, truth = make_listings(n_factories, n_retail, seed, hashes)
    with PeakMemory() as memory:
        started = time.perf_counter()
        with Workers() as workers:
            index = FactoryIndex.build(factories, workers)
            built = time.perf_counter() - started
            found = index.match(retail, workers=workers)
        wall = time.perf_counter() - started
    return {
        "factories": n_factories,
        "retail": n_retail,
        "hashes": hashes,
        "wall": wall,
        "built": built,
        "stages": index.timings,
        "pairs_scored": index.pairs_scored,
        "matches": sum(m.confidence >= DEFAULT_MIN_CONFIDENCE for m in found),
        "true_pairs": len(truth),
        "true_found": len(_key_set(found, DEFAULT_MIN_CONFIDENCE) & truth),
        "peak_gb": memory.peak,
        "memory_samples": memory.samples,
        "sampler_cpu": memory.cpu_seconds,
        "main_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
    }


def _key_set(matches: list, threshold: float) -> set[tuple[str, str]]:
    return {(m.retail_id, m.factory_id) for m in matches if m.confidence >= threshold}


def run_sample(n_factories: int, n_retail: int, seed: int) -> dict[str, Any]:
    """Recall of the indexed path against exhaustive scoring on the same listings.

    Exhaustive: every (retail, factory) pair through the evidence and the model, so the gap features are
    measured against the best of all factory listings. Recall: of the pairs it finds at or above the default
    threshold, the share the indexed path also returns at or above it (for DEFAULT_TITLE_TOP_N and 10 titles
    per retail listing). Its gaps are measured against fewer candidates, so they are never larger and a pair
    it has as a candidate never scores lower: recall is the recall of candidate generation."""
    factories, retail, truth = make_listings(n_factories, n_retail, seed)
    workers = Workers()
    index = FactoryIndex.build(factories, workers)
    started = time.perf_counter()
    exhaustive = index.match(retail, DEFAULT_MIN_CONFIDENCE, top_n=None, workers=workers)
    seconds = time.perf_counter() - started
    found = _key_set(exhaustive, DEFAULT_MIN_CONFIDENCE)
    recalled = {}
    for top_n in sorted({5, DEFAULT_TITLE_TOP_N, 20}):
        got = _key_set(index.match(retail, DEFAULT_MIN_CONFIDENCE, top_n, workers), DEFAULT_MIN_CONFIDENCE)
        recalled[top_n] = (len(got), len(found & got), len(truth & got))
    return {
        "factories": n_factories,
        "retail": n_retail,
        "pairs": n_factories * n_retail,
        "seconds": seconds,
        "exhaustive_found": len(found),
        "exhaustive_true": len(found & truth),
        "true_pairs": len(truth),
        "recalled": recalled,
    }


def run_machine_check(seed: int = 0) -> dict[str, float]:
    """Hamming search throughput (G pairs/s), numpy and (when installed) faiss on one thread, on 2,000 x 100,000
    random hashes at radius 12: the operations the issue gives this machine's reference speeds for."""
    rng = np.random.default_rng(seed)
    queries = rng.integers(0, 2**63, 2_000, dtype=np.int64).view(np.uint64)
    entries = rng.integers(0, 2**63, 100_000, dtype=np.int64).view(np.uint64)
    speeds = {}
    for name, backend in zip(REFERENCE_GPAIRS, ("numpy", "faiss"), strict=True):
        if backend == "faiss":
            if faiss is None:
                continue
            faiss.omp_set_num_threads(1)
        index = HammingIndex(entries, backend=backend)
        started = time.perf_counter()
        index.search_arrays(queries, 12)
        speeds[name] = len(queries) * len(entries) / (time.perf_counter() - started) / 1e9
    return speeds


def machine_line(speeds: dict[str, float]) -> str:
    return "machine check: " + "; ".join(
        f"{name} {speed:.3f} G pairs/s (the issue's reference: {REFERENCE_GPAIRS[name]}, "
        f"{REFERENCE_GPAIRS[name] / speed:.2f}x this one)"
        for name, speed in speeds.items()
    )


# --- report -----------------------------------------------------------------------------------------------


def _child(args: list[str]) -> dict[str, Any]:
    """Run one configuration in a fresh interpreter and read its JSON."""
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def report_scale(result: dict[str, Any]) -> list[str]:
    """One scale run: its stages, wall time, pairs and peak memory."""
    lines = [
        f"{result['factories']:,} factory x {result['retail']:,} retail, hashes: "
        f"{', '.join(HASH_SETS[result['hashes']])} (retail stages: seconds summed over the {WORKERS} pool "
        f"workers; the image indexes are built in the main process while the pool prepares the factory titles)"
    ]
    lines += [f"  {stage:30s} {seconds:7.1f} s" for stage, seconds in result["stages"].items()]
    lines.append(
        f"  wall {result['wall']:.1f} s (factory index {result['built']:.1f} s), {result['pairs_scored']:,} pairs "
        f"scored ({result['pairs_scored'] / result['retail']:.1f} per retail listing), {result['matches']:,} matches, "
        f"{result['true_found']:,} of the {result['true_pairs']:,} true pairs"
    )
    lines.append(
        f"  peak memory {result['peak_gb']:.2f} GB (PSS of main + pool workers, {result['memory_samples']} samples "
        f"costing {result['sampler_cpu']:.1f} s of CPU; main process alone: max RSS {result['main_rss_gb']:.2f} GB)"
    )
    return lines


def report_targets(results: list[dict[str, Any]]) -> list[str]:
    """The targets, judged on the median wall time and the largest peak of the runs (the machine is shared:
    one run can be several seconds off)."""
    walls = sorted(r["wall"] for r in results)
    peaks = [r["peak_gb"] for r in results]
    wall, peak = float(np.median(walls)), max(peaks)
    return [
        f"  {len(results)} runs: wall {', '.join(f'{w:.1f}' for w in walls)} s; "
        f"peaks {', '.join(f'{p:.2f}' for p in peaks)} GB",
        f"  target wall <= {TARGET_SECONDS:.0f} s (median of the runs): {wall:.1f} s  {_verdict(wall <= TARGET_SECONDS)}",
        f"  target peak <= {TARGET_GB:.0f} GB (largest of the runs): {peak:.2f} GB  {_verdict(peak <= TARGET_GB)}",
    ]


def report_sample(sample: dict[str, Any], scale: dict[str, Any]) -> list[str]:
    per_pair = sample["seconds"] / sample["pairs"]
    all_pairs = scale["factories"] * scale["retail"]
    extrapolated = per_pair * all_pairs
    found = sample["exhaustive_found"]
    lines = [
        f"exhaustive: every pair of {sample['retail']:,} retail x {sample['factories']:,} factory = "
        f"{sample['pairs']:,} pairs scored in {sample['seconds']:.1f} s ({per_pair * 1e6:.1f} us/pair on {WORKERS} workers)",
        f"  extrapolated to {scale['factories']:,} x {scale['retail']:,} = {all_pairs:.1e} pairs: "
        f"{extrapolated:,.0f} s ({extrapolated / 3600:.1f} h); indexed path {scale['wall']:.1f} s",
        f"recall: exhaustive finds {found} pairs at >= {DEFAULT_MIN_CONFIDENCE}, "
        f"{sample['exhaustive_true']} of the {sample['true_pairs']} true pairs (resold copies)",
    ]
    for top_n, (got, recalled, true) in sorted(sample["recalled"].items(), key=lambda item: int(item[0])):
        recall = recalled / found if found else 1.0
        verdict = f"  {_verdict(recall >= TARGET_RECALL)}" if int(top_n) == DEFAULT_TITLE_TOP_N else ""
        lines.append(
            f"  indexed, top {top_n:>2} titles: {got} pairs, {recalled} of the exhaustive ones, recall "
            f"{recall:.4f} (target >= {TARGET_RECALL}){verdict}; {true} true pairs"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--factories", type=int, default=100_000)
    parser.add_argument("--retail", type=int, default=100_000)
    parser.add_argument("--million", action="store_true", help="also 1,000,000 factory x --retail")
    parser.add_argument("--sample", type=int, default=10_000, help="factories in the recall sample")
    parser.add_argument(
        "--sample-retail",
        type=int,
        default=10_000,
        help="retail listings scored exhaustively (~9 min at 10k)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of the main configuration (the median run is shown)"
    )
    parser.add_argument("--run", choices=("scale", "sample"), help=argparse.SUPPRESS)
    parser.add_argument("--hashes", choices=HASH_SETS, default="all", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run == "scale":
        print(json.dumps(run_scale(args.factories, args.retail, args.seed, args.hashes)))
        return
    if args.run == "sample":
        print(json.dumps(run_sample(args.factories, args.retail, args.seed)))
        return
    common = ["--seed", str(args.seed)]
    print(machine_line(run_machine_check()))
    sizes = ["--factories", str(args.factories), "--retail", str(args.retail)]
    for hashes, what in (
        ("phash", "the issue's configuration, phash (and its mirror) + real-looking titles"),
        ("all", "as a crawl stores them: all four hashes"),
    ):
        runs = [_child(["--run", "scale", *sizes, "--hashes", hashes, *common]) for _ in range(args.repeat)]
        scale = sorted(runs, key=lambda r: r["wall"])[len(runs) // 2]
        print(f"{what} (the median of {len(runs)} runs):")
        print("\n".join(report_scale(scale) + report_targets(runs)))
    sample = _child(
        ["--run", "sample", "--factories", str(args.sample), "--retail", str(args.sample_retail), *common]
    )
    print("\n".join(report_sample(sample, scale)))
    if args.million:
        million = _child(["--run", "scale", "--factories", "1000000", "--retail", str(args.retail), *common])
        print("\n".join(report_scale(million)))


if __name__ == "__main__":
    main()
