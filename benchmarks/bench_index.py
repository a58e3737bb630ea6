"""A saved factory index: how long it takes to load (in a fresh process, as ``sourcefinder serve`` or
``lookup`` would), its memory, and its first and following queries, beside rebuilding it from the listings.

    python benchmarks/bench_index.py --factories 1000000   # the issue's size (builds for many minutes first)
    python benchmarks/bench_index.py --factories 100000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_match import make_listings  # noqa: E402

from sourcefinder.match.index import FactoryIndex  # noqa: E402
from sourcefinder.match.workers import Workers  # noqa: E402

LOAD = """
import json, sys, time
started = time.perf_counter()
from sourcefinder.match.index import FactoryIndex
imported = time.perf_counter()
index = FactoryIndex.load(sys.argv[1])
loaded = time.perf_counter()
queries = json.loads(sys.argv[2])
times = []
for q in queries:
    t = time.perf_counter(); index.query(**q); times.append(time.perf_counter() - t)
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the (large) parent that started this process
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"import": imported - started, "load": loaded - imported, "queries": times, "maxrss_gb": hwm / 2**20}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--factories", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--chunk", type=int, default=0, help="build by adding this many listings at a time")
    parser.add_argument(
        "--keep", type=Path, help="save the index here and keep it (else in a temporary folder)"
    )
    args = parser.parse_args()
    factories, retail, _ = make_listings(args.factories, 20, args.seed, "phash")
    with tempfile.TemporaryDirectory() as tmp, Workers() as workers:
        started = time.perf_counter()
        step = args.chunk or len(factories)
        index = FactoryIndex.build(factories[:step], workers)
        for start in range(step, len(factories), step):
            index.add(factories[start : start + step], workers)
        built = time.perf_counter() - started
        path = index.save(args.keep or Path(tmp) / "factory.index")
        size = sum(f.stat().st_size for f in path.iterdir()) / 2**30
        del index
        queries = [{"title": r["title"], "image_hashes": r["image_hashes"]} for r in retail[:10]]
        queries += [{"image_hashes": r["image_hashes"]} for r in retail[10:20]]
        out = subprocess.run(
            [sys.executable, "-c", LOAD, str(path), json.dumps(queries, ensure_ascii=False)],
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(out.stdout)
    times = sorted(result["queries"][1:])
    print(
        f"{args.factories:,} factory listings: built in {built:.1f} s (baseline: what a process without a saved index pays)"
    )
    print(
        f"saved index {size:.2f} GB; loaded in a fresh process in {result['load']:.2f} s (imports {result['import']:.2f} s), max RSS {result['maxrss_gb']:.2f} GB"
    )
    print(
        f"first query {result['queries'][0] * 1000:.0f} ms; next {len(times)}: median {times[len(times) // 2] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms (titles + photos, then photos alone)"
    )


if __name__ == "__main__":
    main()
