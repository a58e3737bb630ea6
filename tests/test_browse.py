"""sourcefinder browse: real Datasette on 127.0.0.1, read-only, with its canned queries and photo thumbnails."""

from __future__ import annotations

import hashlib
import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from PIL import Image

from sourcefinder.browse.plugin import first_url, photo_cell
from sourcefinder.store import database as store
from tests.dealsdb import store_pairs

SHOP_PHOTO = "https://img.example/r1.jpg"


@pytest.fixture
def browse_db(tmp_path, make_listing):
    """Two shop listings, each with a one-piece and a wholesale source; one photo downloaded by the crawl."""
    images = tmp_path / "images" / "full"
    images.mkdir(parents=True)
    Image.new("RGB", (64, 64), "teal").save(images / f"{hashlib.sha1(SHOP_PHOTO.encode()).hexdigest()}.jpg")
    database = store.open_db(tmp_path / "shop.db")
    listings = [
        make_listing("r1", price=99.0, shipping_fee=0, title="纯棉四件套 1.8m", image_urls=[SHOP_PHOTO]),
        make_listing("r2", price=30.0, shipping_fee=5, title="仿古砖 600x600"),
        make_listing(
            "sheets", role="factory", price=35.0, shipping_fee=0, location="江苏 南通", badges=["一件代发"]
        ),
        make_listing("sheets_bulk", role="factory", price=20.0, moq=50, shipping_fee=0, location="江苏 南通"),
        make_listing("tile", role="factory", price=10.0, shipping_fee=5, location="广东 佛山"),
        make_listing("tile_nofee", role="factory", price=6.0, location="广东 佛山"),
    ]
    pairs = [
        ("r1", "sheets", 0.9),
        ("r1", "sheets_bulk", 0.9),
        ("r2", "tile", 0.9),
        ("r2", "tile_nofee", 0.9),
    ]
    store_pairs(database, listings, pairs)
    database.close()
    return tmp_path / "shop.db"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


@pytest.fixture
def datasette(browse_db):
    """``sourcefinder browse`` in a child process on a free port; its base URL; stopped afterwards."""
    port = free_port()
    before = set(Path(tempfile.gettempdir()).glob("sourcefinder-browse-*"))
    process = subprocess.Popen(
        [sys.executable, "-m", "sourcefinder", "browse", "--db", str(browse_db), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            get_json(base + "/-/versions.json")
            break
        except (urllib.error.URLError, ConnectionError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("browse did not start: " + process.stdout.read().decode(errors="replace"))
            time.sleep(0.3)
    assert set(Path(tempfile.gettempdir()).glob("sourcefinder-browse-*")) - before  # its priced deals
    yield base
    process.terminate()
    assert process.wait(timeout=20) == 0
    # The priced-deals folder of this server is gone with it.
    assert not (set(Path(tempfile.gettempdir()).glob("sourcefinder-browse-*")) - before)


def test_canned_best_one_piece_deals_as_json(datasette):
    data = get_json(datasette + "/deals/best_one_piece_deals.json?_shape=objects")
    rows = data["rows"]
    # One row per shop listing: its cheapest one-piece source with a known saving; never the wholesale offer,
    # never the one whose shipping is unknown.
    assert [(r["retail_id"], r["factory_id"]) for r in rows] == [
        ("demotaobao:r1", "demo1688:sheets"),
        ("demotaobao:r2", "demo1688:tile"),
    ]
    assert (rows[0]["saving ¥"], rows[0]["markup %"], rows[0]["ships from"]) == (64.0, 182.9, "江苏 南通")
    assert (rows[1]["shop, delivered ¥"], rows[1]["factory, delivered ¥"], rows[1]["saving ¥"]) == (
        35.0,
        15.0,
        20.0,
    )


def test_canned_sources_by_city_with_median_markup(datasette):
    rows = get_json(datasette + "/deals/sources_by_city.json?_shape=array")
    by_city = {row["city"]: row for row in rows}
    assert set(by_city) == {"南通", "佛山"}
    assert (by_city["南通"]["factory sources"], by_city["南通"]["pairs"]) == (2, 2)
    assert by_city["南通"]["median markup %"] == pytest.approx((182.9 + 395.0) / 2, abs=0.1)
    assert by_city["佛山"]["median markup %"] == 133.3  # the source with unknown shipping has no markup


def test_read_only_with_facets_and_photos(datasette):
    databases = {d["name"]: d for d in get_json(datasette + "/-/databases.json")}
    assert {"shop", "deals"} <= set(databases) and not any(d["is_mutable"] for d in databases.values())
    listings = get_json(datasette + "/shop/listings.json")
    assert len(listings["rows"]) == 6
    facets = listings["facet_results"]
    assert {"role", "category", "location", "badges"} <= set(facets)
    assert {v["value"] for v in facets["location"]["results"]} == {"江苏 南通", "广东 佛山"}
    assert "一件代发" in {v["value"] for v in facets["badges"]["results"]}
    with urllib.request.urlopen(datasette + "/deals/best_one_piece_deals", timeout=10) as response:
        page = response.read().decode()
    src = f"/photos/full/{hashlib.sha1(SHOP_PHOTO.encode()).hexdigest()}.jpg"
    assert f'<img src="{src}"' in page
    with urllib.request.urlopen(datasette + src, timeout=10) as response:
        assert response.headers["content-type"] == "image/jpeg"


def test_photo_cell_serves_only_the_crawls_local_copies(tmp_path):
    (tmp_path / "full").mkdir()
    Image.new("RGB", (8, 8)).save(tmp_path / "full" / f"{hashlib.sha1(b'https://a/b.jpg').hexdigest()}.jpg")
    outside = tmp_path.parent / "outside.jpg"
    Image.new("RGB", (8, 8)).save(outside)
    assert 'src="/photos/full/' in photo_cell('["https://a/b.jpg"]', str(tmp_path), "photos")
    assert photo_cell("https://a/never-downloaded.jpg", str(tmp_path), "photos") is None
    assert photo_cell(outside.as_uri(), str(tmp_path), "photos") is None
    assert first_url("[broken") is None and first_url(None) is None


def test_browse_without_a_database_says_so(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "sourcefinder", "browse", "--db", str(tmp_path / "none.db")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and "no database at" in result.stderr and "Traceback" not in result.stderr
