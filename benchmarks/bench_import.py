"""Benchmark `sourcefinder import` of a feed whose listings carry their image hashes (as another crawler's do).

Writes a seeded feed of N listings (default 200,000; retail and factory, with phash/dhash hashes, tier prices,
attributes), then times, each in a child process with its peak memory (the child's maximum RSS, from wait4):
1. the user's command: ``python -m sourcefinder import FEED --db DB`` (the bulk path);
2. the baseline, same rows through a bare sqlite-utils ``insert_all`` (no normalisation, no history);
3. the old path, one ``save_listing`` per listing, on the first ``--old`` listings (default 20,000; 0 = skip).

Run from the repository root: python -m benchmarks.bench_import [--listings 200000] [--old 20000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = (
    "陶瓷 勺子 不锈钢 收纳盒 保温杯 家用 加厚 北欧 简约 创意 儿童 厨房 餐具 ins风 日式 大号 小号 便携".split()
)


def _hex(rng: random.Random) -> str:
    return f"{rng.getrandbits(64):016x}"


def feed_line(number: int, rng: random.Random) -> str:
    """One listing of the feed, with its image hashes."""
    role = "factory" if number % 3 == 0 else "retail"
    price = round(rng.uniform(2, 200), 2)
    url = f"https://img.example/{number}.jpg"
    hashes = {"url": url, "phash": _hex(rng), "dhash": _hex(rng), "phash_mirror": _hex(rng)}
    listing = {
        "source": "demo1688" if role == "factory" else "demotaobao",
        "role": role,
        "item_id": str(10_000_000 + number),
        "url": f"https://shop.example/item/{number}",
        "title": " ".join(rng.choices(WORDS, k=6)) + f" {rng.randint(10, 99)}cm",
        "price": price,
        "price_tiers": [{"min_qty": 1, "price": price}, {"min_qty": 100, "price": round(price * 0.9, 2)}],
        "shipping_fee": rng.choice([0, 5, 8]),
        "seller": f"shop {number % 997}",
        "attributes": {"材质": rng.choice(["陶瓷", "不锈钢", "塑料"]), "规格": f"{rng.randint(1, 9)}件"},
        "image_urls": [url],
        "image_phash": hashes["phash"],
        "image_hashes": [hashes],
        "crawled_at": "2026-12-01T06:00:00+00:00",
    }
    return json.dumps(listing, ensure_ascii=False)


def write_feed(path: Path, count: int, seed: int = 11) -> None:
    """Write ``count`` listings as JSON lines."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for number in range(count):
            out.write(feed_line(number, rng) + "\n")


BASELINE = """
import json, sys, sqlite_utils
from sourcefinder.store.database import LISTING_COLUMNS
db = sqlite_utils.Database(sys.argv[2]); db.execute("PRAGMA journal_mode=WAL")
db["listings"].create(LISTING_COLUMNS, pk="id")
def rows():
    with open(sys.argv[1], encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            row["id"] = row["source"] + ":" + row["item_id"]
            yield {k: v for k, v in row.items() if k in LISTING_COLUMNS}
with db.conn:
    db["listings"].insert_all(rows(), batch_size=2000)
"""

OLD_PATH = """
import json, sys
from sourcefinder.listing import normalize_listing
from sourcefinder.store import database as store
db = store.open_db(sys.argv[2])
with open(sys.argv[1], encoding="utf-8") as lines:
    for line in lines:
        store.save_listing(db, normalize_listing(json.loads(line)))
"""


def timed(command: list[str]) -> tuple[float, float]:
    """Run ``command``; its wall seconds and its peak RSS in MB (``wait4``: that child and its own children)."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{command[:4]} failed: {child.stderr.read().decode()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def report(label: str, count: int, seconds: float, peak_mb: float) -> None:
    """Print one measured line."""
    print(
        f"{label:<44} {count:>8,} listings {seconds:7.1f} s {count / seconds:>9,.0f}/s  peak {peak_mb:,.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listings", type=int, default=200_000)
    parser.add_argument("--old", type=int, default=20_000, help="listings through save_listing (0 = skip)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        feed = tmp_path / "feed.jsonl"
        write_feed(feed, args.listings)
        seconds, peak = timed([sys.executable, "-c", BASELINE, str(feed), str(tmp_path / "base.db")])
        report("baseline: bare sqlite-utils insert_all", args.listings, seconds, peak)
        command = [sys.executable, "-m", "sourcefinder", "import", str(feed), "--db", str(tmp_path / "i.db")]
        seconds, peak = timed(command)
        report("sourcefinder import (CLI)", args.listings, seconds, peak)
        if args.old:
            old_feed = tmp_path / "old.jsonl"
            write_feed(old_feed, args.old)
            seconds, peak = timed([sys.executable, "-c", OLD_PATH, str(old_feed), str(tmp_path / "old.db")])
            report("old path: save_listing per listing", args.old, seconds, peak)


if __name__ == "__main__":
    main()
