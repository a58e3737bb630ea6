"""Crawls through Scrapy of the saved real pages, replayed by a local server with walls on some requests."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from sourcefinder.store import database as store
from tests.mockserver import MockServer, Route
from tests.test_import import run_cli

REAL = __import__("pathlib").Path(__file__).parent / "fixtures" / "real-pages"
OFFER_ID = "769706957407"


def _search_page() -> bytes:
    config = (REAL / "taobao" / "search_g_page_config_q-nvbao_2017-2018.json").read_text(encoding="utf-8")
    return f"<html><body><script>g_page_config = {config};</script></body></html>".encode()


def _item_page() -> bytes:
    detail = (REAL / "taobao" / "tmall_h5_detail_item583789686010__DATA_Detail.json").read_text(
        encoding="utf-8"
    )
    mdskip = (REAL / "taobao" / "tmall_h5_detail_item583789686010__DATA_Mdskip.json").read_text(
        encoding="utf-8"
    )
    return f"<script>var _DATA_Detail = {detail};\nvar _DATA_Mdskip = {mdskip};</script>".encode()


@pytest.fixture
def site():
    wall = (REAL / "1688" / "antibot_login_jump_from_offer_search.html").read_bytes()
    offer = (REAL / "1688" / f"detail_pc_od2024_offer{OFFER_ID}.html").read_bytes()
    routes = {
        "/robots.txt": Route(b"User-agent: *\nAllow: /\n", "text/plain"),
        f"/offer/{OFFER_ID}.html": Route(offer, walls_first=1),
        "/offer/111111111111.html": Route(offer, walls_first=99),
        "/offers": Route(
            b'<a href="/offer/769706957407.html">a</a> <a href="/offer/111111111111.html">b</a>'
        ),
        "/search": Route(_search_page()),
        "/item.htm": Route(_item_page()),
    }
    with MockServer(routes, wall=wall) as server:
        yield server


OFFLINE = ["-s", "SOURCEFINDER_MAX_IMAGES=0", "-s", "SOURCEFINDER_WALL_BACKOFF=0.05", "-s", "LOG_LEVEL=DEBUG"]
OFFLINE += ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0"]


def _crawled_hosts(log: str) -> set[str]:
    return set(re.findall(r"Crawled \(\d+\) <GET https?://([^/:]+)", log))


def test_factory_crawl_retries_walls_and_stores_the_offer(site, tmp_path):
    db_path = tmp_path / "real.db"
    result = run_cli("crawl", "factory", "-a", f"start_url={site.url}/offers", "--db", str(db_path), *OFFLINE)
    assert result.returncode == 0, result.stderr
    log = (tmp_path / "crawl.log").read_text(encoding="utf-8")
    assert _crawled_hosts(log) == {"127.0.0.1"}
    database = store.open_db(db_path)
    rows = {row["item_id"]: row for row in store.listings(database)}
    assert set(rows) == {OFFER_ID}, "the walled offer must not be stored as a product"
    offer = rows[OFFER_ID]
    assert offer["role"] == "factory" and offer["source"] == "1688"
    assert "短袖" in offer["title"] and offer["price"] > 0 and offer["image_urls"]
    run = next(database["runs"].rows)
    # one wall before the real offer, then three for the offer that is always walled (two retries)
    assert run["pages_blocked"] == 4 and run["items_stored"] == 1
    assert site.hits[f"/offer/{OFFER_ID}.html"] == 2


def test_retail_crawl_reads_search_and_item_pages(site, tmp_path):
    db_path = tmp_path / "real.db"
    start = f"{site.url}/search?q=nvbao,{site.url}/item.htm?id=583789686010"
    args = ["-a", f"start_url={start}", "-a", "items=0", "-a", "max_pages=2"]
    result = run_cli("crawl", "retail", *args, "--db", str(db_path), *OFFLINE)
    assert result.returncode == 0, result.stderr
    assert _crawled_hosts((tmp_path / "crawl.log").read_text(encoding="utf-8")) == {"127.0.0.1"}
    database = store.open_db(db_path)
    rows = {row["item_id"]: row for row in store.listings(database, "retail")}
    assert len(rows) == 34  # 33 search hits with an item id (3 are theme blocks) and the Tmall item
    item = rows["583789686010"]
    assert item["price"] == 146.0 and item["shipping_fee"] == 10.0
    assert all("<span" not in row["title"] for row in rows.values())


def test_many_walls_in_a_row_stop_the_crawl_with_advice(tmp_path):
    wall = (REAL / "taobao" / "antibot_tmall_detail_login_jump.html").read_bytes()
    links = " ".join(f'<a href="/offer/{n}.html">x</a>' for n in range(100000000001, 100000000021))
    routes = {"/offers": Route(links.encode())}
    routes.update({f"/offer/{n}.html": Route(b"", walls_first=99) for n in range(100000000001, 100000000021)})
    with MockServer(routes, wall=wall) as server:
        db_path = tmp_path / "blocked.db"
        result = run_cli(
            "crawl",
            "factory",
            "-a",
            f"start_url={server.url}/offers",
            "--db",
            str(db_path),
            *OFFLINE,
            "-s",
            "CONCURRENT_REQUESTS=1",
        )
        requests = sum(server.hits.values())
    assert result.returncode == 0, result.stderr
    assert "cookies" in result.stderr and "Slow down" in result.stderr
    run = next(store.open_db(db_path)["runs"].rows)
    assert run["status"] == "blocked" and run["pages_blocked"] == 5
    assert requests < 12, "a blocked crawl must stop, not walk through every page"


def test_cookies_file_is_sent_and_never_logged(site, tmp_path):
    cookies = tmp_path / "cookies.txt"
    cookies.write_text(
        "# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\tcookie2\tSECRET-SESSION-VALUE\n",
        encoding="utf-8",
    )
    db_path = tmp_path / "c.db"
    start = f"start_url={site.url}/offer/{OFFER_ID}.html"
    result = run_cli(
        "crawl", "factory", "-a", start, "--cookies", str(cookies), "--db", str(db_path), *OFFLINE
    )
    assert result.returncode == 0, result.stderr
    assert any("SECRET-SESSION-VALUE" in c for c in site.cookies_seen)
    log = (tmp_path / "crawl.log").read_text(encoding="utf-8")
    assert "SECRET-SESSION-VALUE" not in log + result.stdout + result.stderr
    database = store.open_db(db_path)
    assert "SECRET" not in json.dumps(list(database["runs"].rows))


def test_scrapy_crawl_from_the_repository_root_works_too(site, tmp_path):
    root = REAL.parent.parent.parent
    db_path = tmp_path / "scrapy.db"
    settings = [
        f"SOURCEFINDER_DB={db_path}",
        f"IMAGES_STORE={tmp_path / 'images'}",
        f"LOG_FILE={tmp_path / 'log'}",
    ]
    command = [sys.executable, "-m", "scrapy", "crawl", "factory", "-a", f"start_url={site.url}/offers"]
    for setting in settings + OFFLINE[1::2]:
        command += ["-s", setting]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=root)
    assert result.returncode == 0, result.stderr
    assert [row["item_id"] for row in store.listings(store.open_db(db_path))] == [OFFER_ID]
