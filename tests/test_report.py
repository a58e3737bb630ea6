"""sourcefinder report: one self-contained HTML file, opened in real headless Chromium."""

from __future__ import annotations

import hashlib
import re

import pytest
from PIL import Image
from typer.testing import CliRunner

from sourcefinder.cli import app
from sourcefinder.report.images import thumbnail_uri
from sourcefinder.store import database as store
from tests.browser import DESKTOP
from tests.dealsdb import store_pairs

runner = CliRunner()
EVIL_TITLE = '<script>alert("x")</script> 纯棉四件套 $a$'


def _photo(path, colour):
    Image.new("RGB", (400, 400), colour).save(path)
    return path


@pytest.fixture
def report_db(tmp_path, make_listing):
    """Four pairs in three categories and two cities, photos on disk, one corrupt photo, one price drop."""
    images = tmp_path / "images" / "full"
    images.mkdir(parents=True)
    web_photo = "https://img.example/sheets.jpg"  # stored by ImagesPipeline as full/<sha1(url)>.jpg
    _photo(images / f"{hashlib.sha1(web_photo.encode()).hexdigest()}.jpg", "navy")
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    database = store.open_db(tmp_path / "report.db")
    listings = [
        make_listing(
            "r1",
            price=99.0,
            shipping_fee=0,
            category="床品",
            title=EVIL_TITLE,
            image_urls=[web_photo],
            url="https://shop.example/1",
            crawled_at="2026-12-01T00:00:00+00:00",
        ),
        make_listing(
            "r2",
            price=39.0,
            shipping_fee=5,
            category="瓷砖",
            image_urls=[_photo(tmp_path / "tile.png", "orange").as_uri()],
        ),
        make_listing(
            "r3", price=20.0, shipping_fee=0, category="餐具", image_urls=[(tmp_path / "broken.jpg").as_uri()]
        ),
        make_listing(
            "sheets",
            role="factory",
            price=35.0,
            shipping_fee=0,
            location="江苏 南通",
            image_urls=[_photo(tmp_path / "f1.png", "teal").as_uri()],
        ),
        make_listing("tile", role="factory", price=12.0, shipping_fee=6, location="广东 佛山"),
        make_listing("tile_bulk", role="factory", price=8.0, moq=100, shipping_fee=50, location="广东 佛山"),
        make_listing("spoon", role="factory", price=4.0, shipping_fee=3, location="广东 潮州"),
    ]
    store_pairs(
        database,
        listings,
        [("r1", "sheets", 0.95), ("r2", "tile", 0.9), ("r2", "tile_bulk", 0.9), ("r3", "spoon", 0.8)],
    )
    store.save_listing(database, {**listings[0], "price": 79.0, "crawled_at": "2026-12-02T00:00:00+00:00"})
    database.close()
    return tmp_path / "report.db"


@pytest.fixture
def report(report_db, tmp_path):
    out = tmp_path / "out" / "report.html"
    result = runner.invoke(app, ["report", str(out), "--db", str(report_db), "--min-confidence", "0.5"])
    assert result.exit_code == 0, result.output
    assert "3 deals (3 photos), 3 categories, 3 cities, 1 price drops" in " ".join(result.output.split())
    return out


def test_report_is_self_contained_and_escapes_scraped_text(report):
    html = report.read_text(encoding="utf-8")
    assert "<script" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; 纯棉四件套 $a$" in html
    sources = re.findall(r'\ssrc="([^"]*)"', html)
    assert sources and all(src.startswith("data:image/") for src in sources)
    assert "url(" not in html and "@import" not in html
    assert html.count('class="card deal-card"') == 3


def test_report_cards_figures(report):
    html = report.read_text(encoding="utf-8")
    assert "save ¥44.00 (126% markup)" in html  # 79 delivered against 35 delivered
    assert "saving unknown" not in html
    assert "save ¥26.00 (144% markup)" in html  # 39 + 5 shipping against 12 + 6
    assert "−20.2%" in html  # the retail price drop from 99 to 79


def open_recording(browser, url):
    """A new page of ``browser`` at ``url``, and the list of every URL the page requests."""
    page = browser.new_page(viewport=DESKTOP)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(url, wait_until="load")
    return page, requested


def test_report_in_headless_chromium_makes_no_request_and_shows_cards_and_charts(report, chromium, tmp_path):
    page, requested = open_recording(chromium, report.as_uri())
    try:
        cards = page.locator(".deal-card").count()
        photos = page.evaluate(
            "[...document.querySelectorAll('.deal-card img')].filter(i => i.complete && i.naturalWidth > 0).length"
        )
        charts = page.evaluate(
            "[...document.querySelectorAll('.chart img')].map(i => [i.closest('.chart').id, i.naturalWidth > 100])"
        )
        drops = page.locator("table.drops tr").count()
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    finally:
        page.close()
    assert requested and all(url.startswith(("file://", "data:")) for url in requested), requested
    assert (cards, photos, drops) == (3, 3, 2)
    assert charts == [["category-chart", True], ["city-chart", True]]
    assert Image.open(tmp_path / "report.png").size[0] == DESKTOP["width"]


def test_the_request_check_sees_a_page_that_reaches_out(chromium, tmp_path):
    leaky = tmp_path / "leaky.html"
    leaky.write_text('<img src="http://127.0.0.1:9/pixel.png">', encoding="utf-8")
    page, requested = open_recording(chromium, leaky.as_uri())
    page.close()
    assert "http://127.0.0.1:9/pixel.png" in requested


def test_thumbnails_of_corrupt_or_missing_photos_are_none(tmp_path):
    (tmp_path / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    assert thumbnail_uri((tmp_path / "bad.png").as_uri(), tmp_path) is None
    assert thumbnail_uri("https://img.example/never-downloaded.jpg", tmp_path) is None
    assert thumbnail_uri(None, tmp_path) is None
    assert thumbnail_uri(_photo(tmp_path / "ok.png", "red").as_uri(), tmp_path).startswith(
        "data:image/jpeg;base64,"
    )


def test_report_refuses_a_file_that_is_not_html(report_db, tmp_path):
    result = runner.invoke(app, ["report", str(tmp_path / "r.pdf"), "--db", str(report_db)])
    assert result.exit_code == 1 and "is an .html file" in result.output
