"""The main job end to end: `sourcefinder demo` crawls the demo marketplace on 127.0.0.1 through Scrapy."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys

from sourcefinder.demo.job import marketplace_root
from sourcefinder.match.evaluation import read_truth, score_pairs, stored_pairs
from sourcefinder.match.index import DEFAULT_MIN_CONFIDENCE
from sourcefinder.store import database as store


def test_demo_finds_the_sources_offline(tmp_path):
    db_path = tmp_path / "data" / "demo.db"
    # Any request that tried to leave 127.0.0.1 would go to a dead proxy and be logged as an error.
    env = {**os.environ, "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"}
    env["no_proxy"] = "127.0.0.1,localhost"
    result = subprocess.run(
        [sys.executable, "-m", "sourcefinder", "demo", "--size", "small", "--db", str(db_path)],
        capture_output=True, text=True, timeout=600, cwd=tmp_path, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Top" in result.stdout and "deals" in result.stdout

    database = store.open_db(db_path)
    runs = {run["spider"]: run for run in database["runs"].rows}
    assert set(runs) == {"factory", "retail"}
    assert all(run["status"] == "finished" and run["errors"] == 0 for run in runs.values())
    assert runs["factory"]["items_stored"] == 30 and runs["retail"]["items_stored"] == 80
    hashed = database.execute("select count(*) from listings where image_hashes is not null").fetchone()[0]
    assert hashed == 110

    truth = read_truth(marketplace_root(db_path) / "ground_truth.csv")
    scores = score_pairs(stored_pairs(database, DEFAULT_MIN_CONFIDENCE), truth)
    assert scores.f1 >= 0.95, scores
    printed = re.search(r"F1 (\d\.\d+)", result.stdout)
    assert printed and abs(float(printed.group(1)) - scores.f1) < 1e-3

    with (tmp_path / "deals.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(stored_pairs(database, DEFAULT_MIN_CONFIDENCE))
    known = [r for r in rows if r["landed_cost"]]  # empty where shipping is unknown on either side
    assert known and all(float(r["landed_cost"]) >= float(r["unit_price"]) for r in known)
    assert all(r["buy_mode"] in ("one_piece", "wholesale") for r in rows)
