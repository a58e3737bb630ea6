"""Pipelines one at a time: validation drops with a reason, storage upserts and records the run."""

from __future__ import annotations

import asyncio
import random

import pytest
from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from pipelines.storage import SQLitePipeline, failed_requests_message
from pipelines.validate import ValidationPipeline
from sourcefinder.crawling.items import Listing
from sourcefinder.demo.designs import random_design
from sourcefinder.demo.render import jpeg_bytes, render_product
from sourcefinder.match.image_hashes import compute_hashes
from sourcefinder.store import database as store


def _crawler(tmp_path, **settings):
    crawler = get_crawler(Spider, {"SOURCEFINDER_DB": str(tmp_path / "p.db"), **settings})
    crawler.spider = Spider("factory")
    return crawler


def test_validation_normalises_an_item(tmp_path):
    pipeline = ValidationPipeline.from_crawler(_crawler(tmp_path))
    item = Listing(source="1688", role="factory", item_id="1", title=" 勺子 ", price="¥8.8-12.5")
    out = pipeline.process_item(item)
    assert isinstance(out, Listing)
    assert (out["title"], out["price"], out["moq"]) == ("勺子", 8.8, 1)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [({"title": None}, "missing title"), ({"price": "面议"}, "no price"), ({"role": "shop"}, "role")],
)
def test_validation_drops_with_the_reason(tmp_path, fields, reason):
    crawler = _crawler(tmp_path)
    pipeline = ValidationPipeline.from_crawler(crawler)
    item = Listing(source="1688", role="factory", item_id="1", title="勺子", price=3, url="https://x/1")
    item.update({k: v for k, v in fields.items() if v is not None})
    if fields.get("title", "") is None:
        del item["title"]
    with pytest.raises(DropItem, match=reason):
        pipeline.process_item(item)
    assert crawler.stats.get_value("sourcefinder/items_invalid") == 1


def test_storage_upserts_and_records_the_run(tmp_path, make_listing):
    crawler = _crawler(tmp_path)
    pipeline = SQLitePipeline.from_crawler(crawler)
    pipeline.open_spider()
    pipeline.process_item(Listing(make_listing("1", role="factory", price=5)))
    pipeline.process_item(Listing(make_listing("1", role="factory", price=4)))
    pipeline.process_item(Listing(make_listing("2", role="factory")))
    crawler.stats.inc_value("sourcefinder/pages_blocked", 2)
    pipeline.spider_closed(crawler.spider, "finished")
    database = store.open_db(tmp_path / "p.db")
    assert database["listings"].count == 2
    assert database["price_history"].count == 3
    run = next(database["runs"].rows)
    assert (run["spider"], run["status"], run["items_stored"], run["items_new"]) == (
        "factory",
        "finished",
        3,
        2,
    )
    assert (run["items_updated"], run["prices_changed"], run["pages_blocked"]) == (1, 1, 2)


@pytest.mark.parametrize(
    ("stats", "message"),
    [
        ({}, None),
        ({"sourcefinder/items_stored": 4, "downloader/exception_count": 2}, None),
        (
            {
                "downloader/exception_count": 6,
                "downloader/exception_type_count/twisted.internet.error.NoRouteError": 6,
            },
            "no listing stored: 6 requests failed (NoRouteError); is the site reachable? See the crawl log",
        ),
    ],
)
def test_a_run_whose_requests_all_failed_says_so(stats, message):
    assert failed_requests_message(stats) == message


def test_storage_records_why_nothing_was_stored(tmp_path):
    crawler = _crawler(tmp_path)
    pipeline = SQLitePipeline.from_crawler(crawler)
    pipeline.open_spider()
    crawler.stats.inc_value("downloader/exception_count", 3)
    pipeline.spider_closed(crawler.spider, "finished")
    run = next(store.open_db(tmp_path / "p.db")["runs"].rows)
    assert run["items_stored"] == 0 and run["message"].startswith("no listing stored: 3 requests failed")


def test_pipelines_and_spiders_default_their_settings_under_plain_scrapy(tmp_path, monkeypatch, make_listing):
    """No sourcefinder.settings: each component reads its settings with its own default."""
    from pipelines.hashing import HASH_THREADS, HashingPipeline
    from pipelines.images import IMAGES_STORE, MAX_IMAGES, ListingImagesPipeline
    from spiders.base import MAX_PAGES
    from spiders.retail import RetailSpider

    monkeypatch.setenv("SOURCEFINDER_DB", str(tmp_path / "plain.db"))
    crawler = get_crawler(Spider)
    assert [name for name in crawler.settings if name.startswith("SOURCEFINDER_")] == []
    assert crawler.settings.get("IMAGES_STORE") is None and crawler.settings["ITEM_PIPELINES"] == {}
    crawler.spider = Spider("plain")

    hashing = HashingPipeline.from_crawler(crawler)
    assert hashing.slots._value == HASH_THREADS and str(hashing.store) == IMAGES_STORE
    images = ListingImagesPipeline.from_crawler(crawler)
    urls = [f"https://img.example/{n}.jpg" for n in range(MAX_IMAGES + 2)]
    requests = images.get_media_requests(Listing(make_listing("1", image_urls=urls)), None)
    assert [r.url for r in requests] == urls[:MAX_IMAGES]
    assert requests[0].meta["sourcefinder_listing"] == "demotaobao:1"

    storage = SQLitePipeline.from_crawler(crawler)
    storage.open_spider()
    item = ValidationPipeline.from_crawler(crawler).process_item(Listing(make_listing("1")))
    storage.process_item(item)
    storage.spider_closed(crawler.spider, "finished")
    assert [row["id"] for row in store.listings(store.open_db(tmp_path / "plain.db"))] == ["demotaobao:1"]

    spider = RetailSpider.from_crawler(get_crawler(RetailSpider), start_url="https://s.taobao.com/search?q=x")
    assert spider.max_pages == MAX_PAGES


def _stored_photos(folder) -> list[dict[str, str]]:
    """Two demo product photos written to ``folder``, as the images pipeline describes stored images."""
    images = []
    for n, colour in enumerate(((200, 40, 40), (40, 90, 200))):
        design = random_design(random.Random(n), "bowl", colour, (250, 250, 245), "dots")
        (folder / f"{n}.jpg").write_bytes(jpeg_bytes(render_product(design), 80))
        images.append({"url": f"https://img.example/{n}.jpg", "path": f"{n}.jpg", "checksum": str(n)})
    return images


@pytest.mark.parametrize(("role", "windows"), [("retail", "phash_parts"), ("factory", "phash_crops")])
def test_hashing_adds_the_windows_of_a_listings_main_photo_only(tmp_path, make_listing, role, windows):
    """A retail main photo carries its parts (a query's), a factory main photo its crops; other photos neither."""
    from pipelines.hashing import HashingPipeline

    crawler = _crawler(tmp_path, IMAGES_STORE=str(tmp_path))
    images = _stored_photos(tmp_path)
    item = Listing(make_listing("1", role=role))
    item["images"] = images
    hashed = asyncio.run(HashingPipeline.from_crawler(crawler).process_item(item))
    main, other = hashed["image_hashes"]
    assert main[windows] and windows not in other and "colour" in main and "colour" in other
    assert not {"phash_parts", "phash_crops"} - {windows} & set(main)


def test_a_recrawl_reuses_current_hashes_and_computes_older_ones_again(tmp_path, make_listing):
    """Hashes stored before the colour code (or without a main photo's windows) are not reused."""
    from pipelines.hashing import HashingPipeline

    crawler = _crawler(tmp_path, IMAGES_STORE=str(tmp_path))
    images = _stored_photos(tmp_path)
    current = compute_hashes(tmp_path / "0.jpg")  # the main photo's, with its parts
    older = {k: v for k, v in compute_hashes(tmp_path / "1.jpg", windows=None).items() if k != "colour"}
    stored = make_listing("1", role="retail")
    stored["image_hashes"] = [
        {**current, "url": images[0]["url"], "checksum": "0"},
        {**older, "url": images[1]["url"], "checksum": "1"},
    ]
    store.save_listing(store.open_db(tmp_path / "p.db"), stored)
    item = Listing(make_listing("1", role="retail"))
    item["images"] = images
    hashed = asyncio.run(HashingPipeline.from_crawler(crawler).process_item(item))
    assert crawler.stats.get_value("sourcefinder/images_hash_reused") == 1
    assert crawler.stats.get_value("sourcefinder/images_hashed") == 1
    assert all("colour" in h for h in hashed["image_hashes"])
