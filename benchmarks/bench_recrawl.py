"""Benchmark a re-crawl of the unchanged demo marketplace against its first crawl.

Builds the demo marketplace (default size: 150 factory offers, 450 retail listings), serves it on 127.0.0.1 and
crawls it twice into the same database, as the demo job does (``sourcefinder.crawling.process.crawl`` in a
child process, the demo's settings). The first crawl is the baseline; the second should reuse what the first
stored. Prints, per crawl, the wall time, the pages fetched, the image bodies downloaded, the images hashed,
the listings stored, and the peak memory of the crawl processes (getrusage of the children).
Targets (issue 15): the re-crawl fetches <= 10% of the image bodies and takes <= 25% of the time.

Run from the repository root: python -m benchmarks.bench_recrawl [--size default]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from sourcefinder.crawling import process as crawling
from sourcefinder.demo.catalogue import build_marketplace
from sourcefinder.demo.job import crawl_settings, demo_spiders
from sourcefinder.demo.server import DemoServer
from sourcefinder.store import database as store

COLUMNS = ("pages_fetched", "images_downloaded", "images_hashed", "items_stored")


def crawl_once(server: DemoServer, db_path: Path) -> dict[str, float]:
    """One crawl of both sides into ``db_path``: its wall seconds and the summed counts of its runs."""
    first_run = (store.open_db(db_path).execute("select max(id) from runs").fetchone()[0] or 0) + 1
    start = time.perf_counter()
    code = crawling.crawl(demo_spiders(server), db_path, crawl_settings(db_path))
    seconds = time.perf_counter() - start
    if code:
        raise SystemExit(f"the crawl failed with exit code {code}; see {db_path.parent / 'crawl.log'}")
    runs = list(store.open_db(db_path)["runs"].rows_where("id >= ?", [first_run]))
    return {"seconds": seconds, **{c: sum(run.get(c) or 0 for run in runs) for c in COLUMNS}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="default", help="demo marketplace size: small or default")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "data" / "recrawl.db"
        store.open_db(db_path).close()
        root = build_marketplace(Path(tmp) / "demo-marketplace", size=args.size)
        with DemoServer(root) as server:
            first = crawl_once(server, db_path)
            again = crawl_once(server, db_path)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{'':<22}{'seconds':>9}{'pages':>8}{'image bodies':>14}{'hashed':>8}{'listings':>10}")
    for label, numbers in (("first crawl (baseline)", first), ("re-crawl, unchanged", again)):
        print(
            f"{label:<22}{numbers['seconds']:>9.1f}{numbers['pages_fetched']:>8.0f}"
            f"{numbers['images_downloaded']:>14.0f}{numbers['images_hashed']:>8.0f}{numbers['items_stored']:>10.0f}"
        )
    for column, label in (
        ("seconds", "time"),
        ("pages_fetched", "pages"),
        ("images_downloaded", "image bodies"),
    ):
        share = again[column] / first[column] if first[column] else 0.0
        print(f"re-crawl / first crawl, {label}: {share:.0%}")
    print(f"peak memory of a crawl process: {peak:,.0f} MB")


if __name__ == "__main__":
    main()
