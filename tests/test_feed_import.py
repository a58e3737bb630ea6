"""The bulk side of `sourcefinder import`: which lines are saved in bulk, bad lines by number, parallel parsing."""

from __future__ import annotations

import io
import json

from sourcefinder.crawling import feed_import
from sourcefinder.store import database as store


def _feed(tmp_path, count=23):
    lines = []
    for number in range(count):
        listing = {
            "source": "s",
            "role": "retail",
            "item_id": str(number),
            "title": f"勺子 {number}",
            "price": 3,
        }
        listing["crawled_at"] = "2026-12-01T06:00:00+00:00"
        if number % 5 == 1:
            listing["image_urls"] = [f"https://img.example/{number}.jpg"]  # to fetch: left to the spider
        if number % 5 == 2:
            listing["image_urls"] = [f"https://img.example/{number}.jpg"]
            listing["image_phash"] = "00ff00ff00ff00ff"  # hashed already: saved in bulk
        lines.append(json.dumps(listing, ensure_ascii=False))
    lines[6] = '{"broken": '
    lines[13] = json.dumps({"source": "s", "role": "retail", "item_id": "x", "title": "t", "price": -1})
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_parallel_parsing_gives_the_same_chunks_in_order(tmp_path, monkeypatch):
    monkeypatch.setattr(feed_import, "CHUNK_LINES", 4)
    path = _feed(tmp_path)
    alone = list(feed_import.parsed_chunks(path, 1))
    pooled = list(feed_import.parsed_chunks(path, 2))
    assert alone == pooled and len(alone) == 6
    bad = [entry for chunk in alone for entry in chunk.bad]
    assert [number for number, _ in bad] == [7, 14]
    assert "not JSON" in bad[0][1] and "negative" in bad[1][1]


def test_import_ready_saves_hashed_and_imageless_lines_and_sets_the_rest_aside(tmp_path):
    path = _feed(tmp_path)
    database = store.open_db(tmp_path / "f.db")
    pending, reported = io.StringIO(), []
    result = feed_import.import_ready(database, path, pending, reported.append)
    left = [json.loads(line)["item_id"] for line in pending.getvalue().splitlines()]
    assert left == ["1", "11", "16", "21"]  # 6 is the broken line
    saved = {row["item_id"] for row in store.listings(database)}
    assert saved == {str(n) for n in range(23)} - set(left) - {"6", "13"}
    assert len(reported) == 2
    assert reported[0].startswith(f"{path} line 7 skipped: not JSON")
    assert reported[1] == feed_import.bad_line_message(path, 14, "price is negative: -1")
    run = database["runs"].get(1)
    assert (run["spider"], run["items_stored"], run["items_new"], run["items_dropped"]) == (
        "import",
        17,
        17,
        2,
    )
    assert result.pending == 4 and database["price_history"].count == 17
