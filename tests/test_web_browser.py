"""The lookup page in real headless Chromium: a title, a photo and a screenshot; escaping; a phone screen."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from sourcefinder.listing import normalize_listing
from sourcefinder.store import database as store
from sourcefinder.web.app import create_app
from tests.browser import PHONE
from tests.lookup_demo import serving, shared_demo
from tests.test_lookup_cli import PHOTO_RETAIL, PHOTO_SOURCE, RETAIL, SOURCE
from tests.test_web_api import retail_screenshot

XSS = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">'
# Screenshots for docs/img are written when this names a folder (e.g. SOURCEFINDER_DOC_SHOTS=docs/img).
DOC_SHOTS = os.environ.get("SOURCEFINDER_DOC_SHOTS")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The demo database plus a factory listing whose title is a script, served on 127.0.0.1."""
    demo = shared_demo(tmp_path_factory)
    folder = tmp_path_factory.mktemp("web")
    db_path = folder / "demo.db"
    source = store.open_db(demo.db)
    source.execute("pragma wal_checkpoint(TRUNCATE)")
    source.close()
    shutil.copy(demo.db, db_path)
    shutil.copytree(demo.db.parent / "images", folder / "images")
    database = store.open_db(db_path)
    store.save_listing(
        database,
        normalize_listing(
            {
                "source": "demo1688",
                "role": "factory",
                "item_id": "666",
                "title": f"陶瓷勺子 {XSS}",
                "price": 1.5,
            }
        ),
    )
    database.close()
    with serving(create_app(db_path)) as base:
        yield demo, base


def shot(page, name: str, full_page: bool = False) -> None:
    if DOC_SHOTS:
        Path(DOC_SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(DOC_SHOTS) / name), full_page=full_page)


def first_card(page) -> str:
    return page.locator("article.card").first.get_attribute("data-factory-id")


def only_local_requests(page, base: str) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def test_type_a_title(chromium, site):
    demo, base = site
    title = store.open_db(demo.db).execute("select title from listings where id = ?", [RETAIL]).fetchone()[0]
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    requests = only_local_requests(page, base)
    page.goto(base + "/")
    shot(page, "home.png")
    page.fill("#q", title)
    page.click("button[type=submit]")
    page.wait_for_selector("article.card")
    assert first_card(page) == SOURCE
    assert "same item" in page.locator(".summary").inner_text()
    shot(page, "results.png")
    assert all(url.startswith((base, "data:", "blob:")) for url in requests), requests
    page.close()


def test_upload_a_photo_and_a_screenshot(chromium, site, tmp_path):
    demo, base = site
    page = chromium.new_page(viewport=PHONE)
    page.goto(base + "/")
    assert page.get_attribute("#image", "accept") == "image/*"
    assert page.get_attribute("#image", "capture") is not None
    with page.expect_navigation():
        page.set_input_files("#image", str(demo.photo(PHOTO_RETAIL)))
    page.wait_for_selector("article.card")
    assert first_card(page) == PHOTO_SOURCE
    assert "read as a photo" in page.locator(".summary").inner_text()
    screenshot = tmp_path / "retail.png"
    screenshot.write_bytes(retail_screenshot(demo, tmp_path))
    page.goto(base + "/")
    with page.expect_navigation():
        page.set_input_files("#image", str(screenshot))
    page.wait_for_selector("article.card")
    assert first_card(page) == SOURCE
    assert "read as a screenshot" in page.locator(".summary").inner_text()
    assert page.locator("article.card").first.locator("img").count() == 2  # both photos side by side
    overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the page is wider than a phone screen"
    shot(page, "results-phone.png", full_page=True)
    page.close()


def test_titles_and_queries_are_escaped(chromium, site):
    _, base = site
    page = chromium.new_page()
    page.goto(base + "/")
    page.fill("#q", "陶瓷勺子 " + XSS)
    page.click("button[type=submit]")
    page.wait_for_selector("article.card")
    assert page.evaluate("window.__xss") is None
    assert page.locator("#q").input_value() == "陶瓷勺子 " + XSS
    titles = page.locator("h3.factory-title").all_inner_texts()
    assert any(XSS in title for title in titles), titles
    assert page.evaluate("document.querySelectorAll('main script, main img[src=x]').length") == 0
    page.close()


def test_deals_page_and_filters(chromium, site):
    _, base = site
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base + "/deals")
    every = page.locator("article.deal").count()
    assert every > 0
    shot(page, "deals.png")
    page.check("input[name=one_piece]")
    page.fill("input[name=min_saving]", "100")
    page.click(".filters button")
    page.wait_for_load_state()
    kept = page.locator("article.deal").count()
    assert 0 < kept < every
    savings = page.locator("article.deal .saving").all_inner_texts()
    assert all("save ¥" in text for text in savings)
    page.close()
