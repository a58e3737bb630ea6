"""Benchmark `sourcefinder export` of many matched pairs: time and peak memory, beside plain baselines.

Builds a seeded database of N matched pairs (default 200,000: N retail and N/4 factory listings, each retail
listing matched to one factory offer; tiers, MOQs, known, free and unknown shipping, 一件代发 badges) in a
spawned process (so that the measured children do not inherit a large parent), then times, each in a child
process with its own peak memory and CPU time (os.wait4's rusage):
1. the user's command: ``python -m sourcefinder export OUT.csv --db DB --min-confidence 0`` (priced, streamed);
2. the same command to .jsonl and to .xlsx;
3. baseline A, the raw join dumped by the sqlite3 shell (no pricing: the floor of reading and writing);
4. baseline B, the same join read whole into pandas and written with ``to_csv`` (everything in memory).

Run from the repository root:
    python -m benchmarks.bench_export [--pairs 200000] [--formats csv,jsonl,xlsx] [--keep DB]
``--keep DB`` builds the database at DB, or reuses it when it exists.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sourcefinder.store import database as store

JOIN_SQL = (
    "select m.*, r.title, r.price, r.shipping_fee, r.url, f.title, f.price, f.price_tiers, f.moq, f.shipping_fee, "
    "f.url, f.seller, f.location, f.badges from matches m join listings r on r.id = m.retail_id "
    "join listings f on f.id = m.factory_id"
)
PANDAS_BASELINE = (
    "import sqlite3, sys, pandas as pd; c = sqlite3.connect(sys.argv[1]); "
    f"pd.read_sql_query({JOIN_SQL!r}, c).to_csv(sys.argv[2], index=False, encoding='utf-8-sig')"
)
CITIES = ("江苏 南通", "广东 佛山", "浙江 义乌", "广东 潮州", "广东 东莞", None)


def listing_rows(pairs: int, rng: random.Random) -> tuple[list[dict], list[dict]]:
    """(listings rows, matches rows) of ``pairs`` retail listings, each matched to one of pairs/4 factories."""
    factories = max(1, pairs // 4)
    rows = []
    for number in range(factories):
        price = round(rng.uniform(2, 150), 2)
        moq = rng.choice((1, 1, 1, 2, 10, 50))
        rows.append(
            {
                "id": f"demo1688:{number}",
                "source": "demo1688",
                "role": "factory",
                "item_id": str(number),
                "title": f"工厂直供 陶瓷勺子 {number}",
                "price": price,
                "price_tiers": json.dumps(
                    [{"min_qty": moq, "price": price}, {"min_qty": 200, "price": price * 0.9}]
                ),
                "moq": moq,
                "shipping_fee": rng.choice((None, 0.0, 4.0, 6.5)),
                "location": rng.choice(CITIES),
                "badges": json.dumps(
                    ["一件代发"] if rng.random() < 0.2 else ["实力商家"], ensure_ascii=False
                ),
                "url": f"https://detail.1688.com/offer/{number}.html",
            }
        )
    matches = []
    for number in range(pairs):
        rows.append(
            {
                "id": f"demotaobao:{number}",
                "source": "demotaobao",
                "role": "retail",
                "item_id": str(number),
                "title": f"=网红同款 陶瓷勺子 {number}"
                if number % 50 == 0
                else f"网红同款 陶瓷勺子 {number}",
                "price": round(rng.uniform(5, 300), 2),
                "shipping_fee": rng.choice((None, 0.0, 0.0, 5.0)),
                "url": f"https://item.taobao.com/item.htm?id={number}",
                "updated_at": "2026-12-01T00:00:00+00:00",
            }
        )
        matches.append(
            {
                "retail_id": f"demotaobao:{number}",
                "factory_id": f"demo1688:{rng.randrange(factories)}",
                "confidence": round(rng.uniform(0.5, 1.0), 3),
                "agreeing": '["photo"]',
                "conflicting": "[]",
            }
        )
    return rows, matches


def build_db(path: Path, pairs: int) -> None:
    """A database of ``pairs`` matched pairs (bulk inserts; the listings' own columns)."""
    database = store.open_db(path)
    rows, matches = listing_rows(pairs, random.Random(13))
    with database.conn:
        database["listings"].insert_all(rows, batch_size=5000, alter=True)
        database["matches"].insert_all(matches, batch_size=5000)
    database.close()


def measure(command: list[str], stdout: Path | None = None) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak resident MB) of one child process."""
    started = time.perf_counter()
    out = stdout.open("wb") if stdout else subprocess.DEVNULL
    try:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        if stdout:
            out.close()
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}: {process.stderr.read().decode()[-500:]}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=200_000)
    parser.add_argument("--formats", default="csv,jsonl,xlsx", help="comma-separated: csv, jsonl, xlsx")
    parser.add_argument("--keep", type=Path, help="build the database here (or reuse it) and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-export-") as folder:
        root = Path(folder)
        db = args.keep or root / "pairs.db"
        if not db.exists():
            started = time.perf_counter()
            builder = multiprocessing.get_context("spawn").Process(target=build_db, args=(db, args.pairs))
            builder.start()
            builder.join()
            print(f"{args.pairs:,} matched pairs built in {time.perf_counter() - started:.1f} s")
        (pairs,) = sqlite3.connect(db).execute("select count(*) from matches").fetchone()
        print(f"{pairs:,} matched pairs in {db}")
        runs = []
        for extension in args.formats.split(","):
            command = [sys.executable, "-m", "sourcefinder", "export", str(root / f"out.{extension}")]
            runs.append(
                (
                    f"sourcefinder export .{extension}",
                    [*command, "--db", str(db), "--min-confidence", "0"],
                    None,
                )
            )
        if shutil.which("sqlite3"):
            runs.append(
                (
                    "baseline A: sqlite3 -csv (raw join)",
                    ["sqlite3", "-csv", str(db), JOIN_SQL],
                    root / "raw.csv",
                )
            )
        runs.append(
            (
                "baseline B: pandas read_sql + to_csv",
                [sys.executable, "-c", PANDAS_BASELINE, str(db), str(root / "p.csv")],
                None,
            )
        )
        print(f"{'command':40} {'wall s':>8} {'cpu s':>8} {'peak MB':>8}")
        for name, command, stdout in runs:
            seconds, cpu, peak = measure(command, stdout)
            print(f"{name:40} {seconds:8.1f} {cpu:8.1f} {peak:8.0f}", flush=True)


if __name__ == "__main__":
    main()
