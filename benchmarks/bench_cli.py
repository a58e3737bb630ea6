"""The matcher on the user's path: ``sourcefinder import`` then ``sourcefinder match`` on SQLite, as the README
tells a user to run them, beside the in-process figure (FactoryIndex.build + match on the same listings) and the
machine check, in one run.

    python benchmarks/bench_cli.py                       # 100k factory x 100k retail, phash + titles
    python benchmarks/bench_cli.py --factories 20000 --retail 20000

It prints: import speed (listings/s), ``match`` wall time and peak memory (PSS of the command and its worker
processes), recall of the planted copies and precision of the pairs at the default threshold, then a
re-match after adding 1,000 listings (``sourcefinder match``, incremental) against a full re-match
(``sourcefinder match --full``) of the same database: its time and whether both store the same pairs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_match import _children, _pss_gb, machine_line, make_listings, run_machine_check  # noqa: E402

from sourcefinder.match.index import DEFAULT_MIN_CONFIDENCE, FactoryIndex  # noqa: E402
from sourcefinder.match.workers import Workers  # noqa: E402


def _feed_line(listing: dict, role: str) -> str:
    row = {**listing, "role": role, "price": round(random.uniform(5, 200), 2)}
    return json.dumps(row, ensure_ascii=False)


def write_feed(path: Path, factories: list[dict], retail: list[dict]) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for listing in factories:
            out.write(_feed_line(listing, "factory") + "\n")
        for listing in retail:
            out.write(_feed_line(listing, "retail") + "\n")
    return path


class TreePeak:
    """The largest PSS of a process and its descendants, sampled on a thread (at most ~5% of one core)."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        wait = 0.1
        while not self._stop.wait(wait):
            started = time.perf_counter()
            self.peak = max(self.peak, sum(_pss_gb(p) for p in [self.pid, *_children(self.pid)]))
            wait = max(0.1, (time.perf_counter() - started) * 19)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak


def cli(*args: str) -> tuple[float, float, str]:
    """Run ``python -m sourcefinder ARGS``: (wall seconds, peak GB of its process tree, its output)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "sourcefinder", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    peak = TreePeak(process.pid)
    output, _ = process.communicate()
    wall = time.perf_counter() - started
    gb = peak.stop()
    if process.returncode:
        raise SystemExit(f"sourcefinder {' '.join(args)} failed:\n{output}")
    return wall, gb, output.strip().splitlines()[-1] if output.strip() else ""


def stored_pairs(db: Path, threshold: float) -> set[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("select retail_id, factory_id from matches where confidence >= ?", [threshold])
        return {(r, f) for r, f in rows}


def quality(pairs: set[tuple[str, str]], truth: set[tuple[str, str]]) -> str:
    hits = len(pairs & truth)
    precision = hits / len(pairs) if pairs else 0.0
    return (
        f"recall of planted copies {hits / len(truth):.4f}, precision {precision:.4f} ({len(pairs):,} pairs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--factories", type=int, default=100_000)
    parser.add_argument("--retail", type=int, default=100_000)
    parser.add_argument("--added", type=int, default=1_000, help="listings added before the re-match")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(machine_line(run_machine_check()))
    n_f, n_r = args.factories, args.retail
    factories, retail, truth = make_listings(n_f + args.added // 2, n_r + args.added // 2, args.seed, "phash")
    base_f, base_r = factories[:n_f], retail[:n_r]
    truth_in_base = {(r, f) for r, f in truth if int(r.split(":")[1]) < n_r and int(f.split(":")[1]) < n_f}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = work / "bench.db"
        feed = write_feed(work / "feed.jsonl", base_f, base_r)
        wall, gb, said = cli("import", str(feed), "--db", str(db))
        print(
            f"sourcefinder import: {n_f + n_r:,} listings in {wall:.1f} s = {(n_f + n_r) / wall:,.0f} listings/s, peak {gb:.2f} GB  [{said}]"
        )
        wall, gb, said = cli("match", "--db", str(db))
        print(
            f"sourcefinder match (first run, indexes built): {n_f:,} x {n_r:,} in {wall:.1f} s, peak {gb:.2f} GB  [{said}]"
        )
        print("  " + quality(stored_pairs(db, DEFAULT_MIN_CONFIDENCE), truth_in_base))
        started = time.perf_counter()
        with Workers() as workers:
            index = FactoryIndex.build(base_f, workers)
            found = index.match(base_r, workers=workers)
        print(f"in-process FactoryIndex.build + match, same listings: {time.perf_counter() - started:.1f} s")
        del index, found
        added = write_feed(work / "added.jsonl", factories[n_f:], retail[n_r:])
        cli("import", str(added), "--db", str(db))
        wall, gb, said = cli("match", "--db", str(db))
        incremental = stored_pairs(db, 0.0)
        print(
            f"sourcefinder match after adding {args.added:,} listings: {wall:.1f} s, peak {gb:.2f} GB  [{said}]"
        )
        full_wall, _, said = cli("match", "--full", "--db", str(db))
        full = stored_pairs(db, 0.0)
        same = (
            "the same pairs"
            if incremental == full
            else f"{len(incremental ^ full)} pairs differ of {len(full):,}"
        )
        print(
            f"sourcefinder match --full of the same database: {full_wall:.1f} s; incremental and full store {same}"
        )
        print(f"  (cores: {os.cpu_count()})")


if __name__ == "__main__":
    main()
