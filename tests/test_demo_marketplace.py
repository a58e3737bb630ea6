"""The offline demo marketplace: a deterministic catalogue with its hard cases, served in the real pages' shape."""

from __future__ import annotations

import csv
import io
import json
import random
import re
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

import chompjs
import pytest
from PIL import Image

from sourcefinder.demo import DemoServer, build_marketplace, render
from sourcefinder.demo import catalogue as cat
from sourcefinder.demo.factory_pages import factory_index_page, factory_offer_page
from sourcefinder.demo.generator import Generator
from sourcefinder.demo.photo_edits import edited_jpeg
from sourcefinder.demo.retail_pages import retail_item_page, retail_search_page

SEED = 7


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_marketplace(tmp_path_factory.mktemp("demo"), seed=SEED, size="small")


@pytest.fixture(scope="module")
def catalogue(root: Path) -> dict:
    return cat.load_catalogue(root)


@pytest.fixture(scope="module")
def server(root: Path):
    with DemoServer(root) as running:
        yield running


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def _script_object(page: str, marker: str) -> dict:
    """The object literal that follows ``marker`` in a page, read with chompjs."""
    start = page.index(marker) + len(marker)
    return chompjs.parse_js_object(page[start:])


# --- the catalogue --------------------------------------------------------------------------------


def test_same_seed_gives_the_same_catalogue_and_photo_bytes(root: Path) -> None:
    first = Generator(random.Random(SEED), 30, 80).plan()
    second = Generator(random.Random(SEED), 30, 80).plan()
    assert first.truth == second.truth and first.factory == second.factory and first.retail == second.retail
    assert [(r["retail_id"], r["factory_id"]) for r in _rows(root / "ground_truth.csv")] == first.truth
    # Photos made again, one by one, are byte-identical to those the (parallel) build wrote.
    for path, design, view in first.renders[:3]:
        assert render.jpeg_bytes(render.render_product(design, view)) == (root / path).read_bytes()
    for path, source, edit in [job for job in first.edits if job[2] is not None][:3]:
        assert edited_jpeg((root / source).read_bytes(), edit) == (root / path).read_bytes()
    other = Generator(random.Random(SEED + 1), 30, 80).plan()
    assert other.truth != first.truth


def test_a_finished_build_is_reused(root: Path) -> None:
    stamp = (root / "catalogue.json").stat().st_mtime_ns
    assert build_marketplace(root, seed=SEED, size="small") == root
    assert (root / "catalogue.json").stat().st_mtime_ns == stamp


def test_unknown_size_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="size"):
        build_marketplace(tmp_path, size="huge")


def test_counts_ids_and_ground_truth(root: Path, catalogue: dict) -> None:
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    factory, retail = catalogue["factory"], catalogue["retail"]
    assert (
        (manifest["counts"]["factory"], manifest["counts"]["retail"])
        == (len(factory), len(retail))
        == (30, 80)
    )
    assert all(re.fullmatch(r"\d{12}", item["id"]) for item in factory + retail)
    truth = _rows(root / "ground_truth.csv")
    assert list(truth[0]) == ["retail_id", "factory_id"] and len(truth) == manifest["counts"]["true_pairs"]
    factory_ids = {f"demo1688:{o['id']}" for o in factory}
    retail_ids = {f"demotaobao:{i['id']}" for i in retail}
    assert all(r["retail_id"] in retail_ids and r["factory_id"] in factory_ids for r in truth)
    for offer in factory:
        assert 3 <= len(offer["images"]) <= 5 and offer["moq"] == offer["price_tiers"][0]["min_qty"]
        prices = [t["price"] for t in offer["price_tiers"]]
        assert prices == sorted(prices, reverse=True)


def test_hard_cases_are_present_and_true_to_their_kind(root: Path, catalogue: dict) -> None:
    cases = {r["retail_id"]: r["case"] for r in _rows(root / "cases.csv")}
    truth: dict[str, list[str]] = defaultdict(list)
    for row in _rows(root / "ground_truth.csv"):
        truth[row["retail_id"]].append(row["factory_id"])
    by_case: dict[str, list[str]] = defaultdict(list)
    for retail_id, case in cases.items():
        by_case[case].append(retail_id)
    assert all(len(by_case[case]) >= 2 for case in cat.CASES)
    assert all(len(truth[r]) == 2 for r in by_case["two_factories"])
    assert all(not truth[r] for r in by_case["look_alike"] + by_case["no_source"])
    assert all(
        len(truth[r]) == 1 for case in ("plain", "size_sibling", "colour_sibling") for r in by_case[case]
    )

    offers = {f"demo1688:{o['id']}": o for o in catalogue["factory"]}
    listings = {f"demotaobao:{i['id']}": i for i in catalogue["retail"]}
    photo = lambda offer: (root / offer["images"][0]).read_bytes()  # noqa: E731
    for retail_id in by_case["size_sibling"]:
        offer, listing = offers[truth[retail_id][0]], listings[retail_id]
        siblings = [o for o in offers.values() if o is not offer and photo(o) == photo(offer)]
        assert len(siblings) == 1, "a size sibling shares its photo with exactly one other offer"
        size_attr = next(name for name in offer["attributes"] if name not in ("颜色", "材质", "货号", "产地"))
        assert offer["attributes"][size_attr] != siblings[0]["attributes"][size_attr]
        assert listing["attributes"][size_attr] == offer["attributes"][size_attr] in listing["title"]
    for retail_id in by_case["colour_sibling"]:
        offer, listing = offers[truth[retail_id][0]], listings[retail_id]
        assert listing["attributes"]["颜色分类"] == offer["attributes"]["颜色"] in listing["title"]
    for retail_id in by_case["two_factories"]:
        first, second = (offers[f] for f in truth[retail_id])
        assert first["company"] != second["company"] and photo(first) != photo(second)


def test_photos_are_jpegs_of_about_600_pixels(root: Path, catalogue: dict) -> None:
    for record in catalogue["factory"][:5] + catalogue["retail"][:5]:
        with Image.open(root / record["images"][0]) as img:
            img.load()
            assert img.format == "JPEG" and 400 <= img.width <= 800


# --- the pages ------------------------------------------------------------------------------------


def test_factory_pages(server: DemoServer, catalogue: dict) -> None:
    status, content_type, body = _get(server.factory_start_url)
    assert status == 200 and content_type == "text/html; charset=utf-8"
    links = re.findall(r'href="(/1688/offer/(\d+)\.html)"', body.decode("utf-8"))
    assert [offer_id for _, offer_id in links] == [o["id"] for o in catalogue["factory"]]
    assert 'rel="next"' not in body.decode("utf-8")  # 30 offers fit on one page of 40
    assert _get(f"{server.url}/1688/offers?page=2")[0] == 404

    offer = catalogue["factory"][0]
    page = _get(server.url + links[0][0])[2].decode("utf-8")
    assert page.count("window.context=(function(b,d){") == 1
    data = _script_object(page, "(window.contextPath,")["result"]["data"]
    assert data["productTitle"]["fields"]["title"] == offer["title"]
    assert data["productTitle"]["fields"]["shopInfo"]["companyName"] == offer["company"]
    prices = data["mainPrice"]["fields"]["priceModel"]["currentPrices"]
    assert [(p["beginAmount"], float(p["price"])) for p in prices] == [
        (t["min_qty"], t["price"]) for t in offer["price_tiers"]
    ]
    assert data["Root"]["fields"]["dataJson"]["orderParamModel"]["orderParam"]["beginNum"] == offer["moq"]
    assert (
        data["shippingServices"]["fields"]["freightInfo"]["location"]
        == f"{offer['province']} {offer['city']}"
    )
    images = data["gallery"]["fields"]["offerImgList"]
    assert images[0].startswith(server.url + "/img/1688/")
    status, content_type, jpeg = _get(images[0])
    assert (status, content_type) == (200, "image/jpeg")
    assert Image.open(io.BytesIO(jpeg)).size == (600, 600)


def test_retail_pages(server: DemoServer, catalogue: dict) -> None:
    page = _get(server.retail_start_url)[2].decode("utf-8")
    config = _script_object(page, "g_page_config = ")
    assert config["mods"]["pager"]["data"] == {
        "pageSize": 44,
        "totalPage": 2,
        "currentPage": 1,
        "totalCount": 80,
    }
    auctions = config["mods"]["itemlist"]["data"]["auctions"]
    second = _script_object(
        _get(f"{server.url}/taobao/search?q=&s=44")[2].decode("utf-8"), "g_page_config = "
    )
    seen = [a["nid"] for a in auctions + second["mods"]["itemlist"]["data"]["auctions"]]
    assert seen == [i["id"] for i in catalogue["retail"]]

    first = auctions[0]
    assert first["pic_url"].startswith("//127.0.0.1:") and first["view_sales"].endswith("人付款")
    item_page = _get("http:" + first["detail_url"])[2].decode("utf-8")
    detail = _script_object(item_page, "var _DATA_Detail = ")
    mdskip = _script_object(item_page, "var _DATA_Mdskip = ")
    assert detail["item"]["title"] == first["raw_title"] and detail["seller"]["shopName"] == first["nick"]
    assert mdskip["price"]["price"]["priceText"] == first["view_price"]
    assert mdskip["delivery"]["postage"] in ("免运费", f"快递: {first['view_fee']}")
    status, _, jpeg = _get("http:" + detail["item"]["images"][0])
    assert status == 200 and Image.open(io.BytesIO(jpeg)).format == "JPEG"

    word = re.search(r"[\u4e00-\u9fff]{2}", catalogue["retail"][0]["title"]).group()
    search_page = _get(f"{server.url}/taobao/search?q={urllib.parse.quote(word)}")[2].decode("utf-8")
    found = _script_object(search_page, "g_page_config = ")["mods"]["itemlist"]["data"]["auctions"]
    assert catalogue["retail"][0]["id"] in [a["nid"] for a in found]
    assert all(word in a["raw_title"] for a in found if f"<span class=H>{word}</span>" in a["title"])


def test_index_robots_404_and_stop(root: Path) -> None:
    server = DemoServer(root)
    assert _get(server.url + "/")[0] == 200 and b"/taobao/search" in _get(server.url + "/")[2]
    assert _get(server.url + "/robots.txt")[2] == b"User-agent: *\nAllow: /\n"
    for path in ("/nope", "/1688/offer/123.html", "/taobao/item.htm?id=1", "/img/../manifest.json"):
        assert _get(server.url + path)[0] == 404
    url = server.url
    server.stop()
    server.stop()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url + "/", timeout=2)


def test_wall_every_nth_page(root: Path) -> None:
    with DemoServer(root, wall_every=2) as server:
        pages = [_get(server.retail_start_url)[2] for _ in range(4)]
        image = _get(server.url + "/robots.txt")[2]
    walled = [b"<!--rgv587_flag:sm-->" in page for page in pages]
    assert walled == [False, True, False, True] and b"rgv587" not in image


def test_untrusted_text_is_escaped_and_embedded_intact(catalogue: dict) -> None:
    evil = 'x</script><script>alert("1")</script>&'
    offer = dict(catalogue["factory"][0], title=evil, company=evil)
    listing = dict(catalogue["retail"][0], title=evil, nick=evil)
    base = "http://127.0.0.1:1"
    pages = {
        "offer": factory_offer_page(offer, base),
        "index": factory_index_page([offer], 1, base),
        "search": retail_search_page([listing], "", 0, base),
        "item": retail_item_page(listing, base),
    }
    for page in pages.values():
        assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    context = _script_object(pages["offer"], "(window.contextPath,")
    assert context["result"]["data"]["productTitle"]["fields"]["title"] == evil
    assert _script_object(pages["item"], "var _DATA_Detail = ")["seller"]["shopName"] == evil
    auction = _script_object(pages["search"], "g_page_config = ")["mods"]["itemlist"]["data"]["auctions"][0]
    assert auction["raw_title"] == evil
