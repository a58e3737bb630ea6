"""Resumable crawls of the demo marketplace: killed with SIGKILL half-way, the next run finishes the job;
and the database stays readable while a crawl writes."""

from __future__ import annotations

import os
import signal
import sqlite3
import time

import pytest

from sourcefinder.crawling import process as crawling
from sourcefinder.demo.catalogue import build_marketplace
from sourcefinder.demo.job import CRAWL_SETTINGS, demo_spiders
from sourcefinder.demo.server import DemoServer
from sourcefinder.store import database as store

# Slow enough to be killed half-way: one request at a time per spider, a short delay.
SETTINGS = {**CRAWL_SETTINGS, "CONCURRENT_REQUESTS_PER_DOMAIN": 1, "DOWNLOAD_DELAY": 0.05}


@pytest.fixture(scope="module")
def marketplace(tmp_path_factory):
    root = build_marketplace(tmp_path_factory.mktemp("market") / "demo", size="small")
    with DemoServer(root) as server:
        yield server


def _settings(db_path):
    db_path.parent.mkdir(parents=True, exist_ok=True)
    return {**SETTINGS, "LOG_FILE": str(db_path.parent / "crawl.log")}


def _runs(db_path):
    return list(store.open_db(db_path)["runs"].rows)


def _listings(db_path):
    database = store.open_db(db_path)
    ids = [row["id"] for row in database.query("select id from listings order by id")]
    return ids, database["price_history"].count


def _kill_when_stored(process, db_path, at_least):
    deadline = time.monotonic() + 240
    while process.is_alive() and time.monotonic() < deadline:
        if sum(store.role_counts(db_path).values()) >= at_least:
            os.kill(process.pid, signal.SIGKILL)
            break
        time.sleep(0.05)
    process.join(30)
    return process.exitcode


def test_a_killed_crawl_resumes_without_losing_or_repeating_work(marketplace, tmp_path):
    spiders = demo_spiders(marketplace)
    whole = tmp_path / "whole" / "db.sqlite"
    assert crawling.crawl(spiders, whole, _settings(whole)) == 0
    whole_ids, whole_history = _listings(whole)
    whole_pages = sum(run["pages_fetched"] for run in _runs(whole))
    assert len(whole_ids) == 110 and whole_history == 110

    killed = tmp_path / "killed" / "db.sqlite"
    process = crawling.start_crawl(spiders, killed, _settings(killed))
    assert _kill_when_stored(process, killed, 40) == -signal.SIGKILL
    database = store.open_db(killed)
    stored_before, _ = _listings(killed)
    assert 40 <= len(stored_before) < 110
    done = database.execute("select count(*) from crawl_frontier where done = 1").fetchone()[0]
    database.close()

    assert crawling.crawl(spiders, killed, _settings(killed)) == 0
    ids, history = _listings(killed)
    assert ids == whole_ids and history == whole_history  # nothing lost, nothing stored twice
    resumed = [run for run in _runs(killed) if run["status"] == "finished"]
    assert {run["spider"] for run in resumed} == {"factory", "retail"}
    assert all(run["requests_resumed"] for run in resumed)
    # the resumed run fetched exactly the pages the killed one had not finished
    assert sum(run["pages_fetched"] for run in resumed) == whole_pages - done
    database = store.open_db(killed)
    assert database.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert database["crawl_frontier"].count == 0  # a finished crawl clears its frontier


def test_the_database_is_readable_while_a_crawl_writes(marketplace, tmp_path):
    db_path = tmp_path / "db.sqlite"
    store.open_db(db_path).close()
    process = crawling.start_crawl(demo_spiders(marketplace), db_path, _settings(db_path))
    reads, seen = 0, set()
    while process.is_alive():
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
        try:
            seen.add(conn.execute("select count(*) from listings").fetchone()[0])
            conn.execute("select * from price_history order by rowid desc limit 5").fetchall()
        finally:
            conn.close()
        reads += 1
    process.join()
    assert process.exitcode == 0
    assert store.open_db(db_path).execute("pragma journal_mode").fetchone()[0] == "wal"
    assert reads > 10 and len(seen) > 3 and max(seen) == 110  # read many times, while the count grew


def test_a_recrawl_neither_downloads_nor_hashes_an_unchanged_image_again(marketplace, tmp_path):
    db_path = tmp_path / "db.sqlite"
    spiders = demo_spiders(marketplace)
    assert crawling.crawl(spiders, db_path, _settings(db_path)) == 0
    first_hashes = {row["id"]: row["image_hashes"] for row in store.listings(store.open_db(db_path))}
    assert crawling.crawl(spiders, db_path, _settings(db_path)) == 0
    first, again = _runs(db_path)[:2], _runs(db_path)[2:]
    assert sum(run["images_downloaded"] for run in first) >= 110
    assert sum(run["images_downloaded"] + run["images_hashed"] for run in again) == 0
    assert sum(run["items_stored"] for run in again) == 110
    assert {row["id"]: row["image_hashes"] for row in store.listings(store.open_db(db_path))} == first_hashes
    assert all(entry["checksum"] for hashes in first_hashes.values() for entry in hashes)


def test_a_request_that_cannot_be_saved_runs_untracked(tmp_path):
    from scrapy import Request, Spider
    from scrapy.utils.test import get_crawler

    from sourcefinder.crawling.resume import FRONTIER_META, CommittedRequests, ensure_frontier

    crawler = get_crawler(Spider, {"SOURCEFINDER_DB": str(tmp_path / "f.db")})
    crawler.spider = Spider("plain")
    middleware = CommittedRequests.from_crawler(crawler)
    middleware.db = store.open_db(tmp_path / "f.db")
    ensure_frontier(middleware.db)
    kept = middleware._record(Request("https://shop.example/a", callback=crawler.spider.parse))
    untracked = middleware._record(Request("https://shop.example/b", callback=lambda response: None))
    assert FRONTIER_META in kept.meta and FRONTIER_META not in untracked.meta
    assert middleware.db["crawl_frontier"].count == 1
    assert crawler.stats.get_value("sourcefinder/requests_not_resumable") == 1
