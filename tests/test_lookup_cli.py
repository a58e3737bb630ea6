"""`sourcefinder lookup` on the crawled demo marketplace: every kind of TARGET, text and --json."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from sourcefinder.lookup.fetch import FetchRefused
from sourcefinder.lookup.safety import FetchPolicy
from sourcefinder.lookup.service import Lookup
from sourcefinder.store import database as store
from tests.lookup_demo import shared_demo

# A retail listing of the small demo (seed 7) and its true factory source.
RETAIL = "demotaobao:664923612340"
SOURCE = "demo1688:700393217385"
# One whose photo no other factory offer shares (in the demo, the items of a family share their photo design).
PHOTO_RETAIL, PHOTO_SOURCE = "demotaobao:706223528434", "demo1688:521872852652"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return shared_demo(tmp_path_factory)


def lookup(demo, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "sourcefinder", "lookup", *args, "--db", str(demo.db)]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def as_json(result: subprocess.CompletedProcess) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_demo_truth_holds_the_pair(demo):
    assert SOURCE in demo.truth[RETAIL]


def test_title(demo):
    title = demo.retail(store.open_db(demo.db), RETAIL)["title"]
    answer = as_json(lookup(demo, title, "--json"))
    assert answer["kind"] == "title"
    first = answer["results"][0]
    assert first["factory_id"] == SOURCE and first["same_item"]
    for key in (
        "factory_title",
        "factory_price",
        "moq",
        "shipping_fee",
        "landed_cost",
        "saving",
        "confidence",
    ):
        assert key in first
    assert first["shipping"] in ("known", "free", "unknown")
    assert first["why"]


def test_title_as_text_names_the_source_and_why(demo):
    title = demo.retail(store.open_db(demo.db), RETAIL)["title"]
    result = lookup(demo, title, "--limit", "2")
    assert result.returncode == 0, result.stderr
    factory = next(store.open_db(demo.db).query("select title from listings where id = ?", [SOURCE]))
    assert result.stdout.splitlines()[1].startswith(f"1. {factory['title']}")
    assert "why: " in result.stdout and "confidence" in result.stdout


def test_share_text(demo):
    title = demo.retail(store.open_db(demo.db), RETAIL)["title"]
    answer = as_json(lookup(demo, f"【淘宝】https://m.tb.cn/h.gZ3kq 「{title}」 点击链接直接打开", "--json"))
    assert answer["kind"] == "share"
    assert "needs the network" in answer["query"]["note"]
    assert answer["results"][0]["factory_id"] == SOURCE


def test_stored_url_gives_its_stored_matches_with_the_saving(demo):
    url = demo.retail(store.open_db(demo.db), RETAIL)["url"]
    answer = as_json(lookup(demo, url, "--json"))
    assert answer["kind"] == "stored"
    first = answer["results"][0]
    assert first["factory_id"] == SOURCE
    assert first["retail_price"] == 196.5
    if first["landed_cost"] is not None:
        assert first["saving"] == pytest.approx(first["retail_landed"] - first["landed_cost"], abs=0.011)


def test_stored_url_as_text(demo):
    url = demo.retail(store.open_db(demo.db), RETAIL)["url"]
    result = lookup(demo, url, "--limit", "1")
    assert result.returncode == 0, result.stderr
    assert "1 factory source" in result.stdout or "factory sources" in result.stdout
    assert "shop" in result.stdout and "confidence" in result.stdout


def test_photo(demo):
    assert PHOTO_SOURCE in demo.truth[PHOTO_RETAIL]
    answer = as_json(lookup(demo, str(demo.photo(PHOTO_RETAIL)), "--json"))
    assert answer["kind"] == "photo" and answer["query"]["image_kind"] == "photo"
    assert answer["results"][0]["factory_id"] == PHOTO_SOURCE
    assert answer["results"][0]["evidence"]["image_distance"] is not None


def test_nothing_close_shows_the_nearest_marked(demo):
    answer = as_json(lookup(demo, "zzqx 无关的东西 qqq", "--json"))
    assert not answer["same_item_found"]
    assert "not the same item" in answer["message"]
    assert all(not r["same_item"] for r in answer["results"])


def test_bad_targets_are_one_line_errors(demo, tmp_path):
    not_image = tmp_path / "photo.jpg"
    not_image.write_text("<html>not an image</html>")
    for target, words in [
        (str(not_image), "not a usable image"),
        ("file:///etc/passwd", "only http"),
        ("http://127.0.0.1:9/taobao/item.htm?id=1", "not a supported site"),
        ("https://m.tb.cn/h.abc", "needs the network"),
    ]:
        result = lookup(demo, target)
        assert result.returncode == 1
        assert words in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "sourcefinder", "lookup", "勺子", "--db", str(tmp_path / "none.db")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert missing.returncode == 1 and "no database" in missing.stderr


def test_uncrawled_page_is_fetched_through_the_spiders_stored_and_matched(demo, tmp_path):
    from sourcefinder.demo.server import DemoServer

    db_path = tmp_path / "fetch.db"
    db_path.write_bytes(demo.db.read_bytes())
    database = store.open_db(db_path)
    with database.conn:
        database.execute("delete from listings where id = ?", [RETAIL])
        database.execute("delete from matches where retail_id = ?", [RETAIL])
    database.close()
    with DemoServer(demo.root) as server:
        policy = FetchPolicy(trusted=(f"127.0.0.1:{server.port}",))
        service = Lookup(db_path, policy=policy, fetch_db=db_path)
        answer = service.text(f"{server.url}/taobao/item.htm?id={RETAIL.split(':')[1]}")
    assert answer.kind == "url"
    assert answer.results[0]["factory_id"] == SOURCE
    assert answer.query["retail_price"] == 196.5
    sql = "select count(*) from listings where item_id = ? and role = 'retail'"
    stored = store.open_db(db_path).execute(sql, [RETAIL.split(":")[1]]).fetchone()[0]
    assert stored == 1


def test_a_wall_is_reported_as_a_wall(demo, tmp_path):
    from sourcefinder.demo.server import DemoServer

    with DemoServer(demo.root, wall_every=1) as server:
        service = Lookup(demo.db, policy=FetchPolicy(trusted=(f"127.0.0.1:{server.port}",)))
        with pytest.raises(FetchRefused, match="wall"):
            service.text(f"{server.url}/taobao/item.htm?id=123456")


def test_the_warm_index_is_rebuilt_when_factory_listings_change(demo, tmp_path):
    from sourcefinder.listing import normalize_listing

    db_path = tmp_path / "live.db"
    source = store.open_db(demo.db)
    source.execute("pragma wal_checkpoint(TRUNCATE)")
    source.close()
    db_path.write_bytes(demo.db.read_bytes())
    service = Lookup(db_path)
    title = "独家测试款钛合金折叠露营勺子XJ-9981"
    assert all(r["factory_title"] != title for r in service.text(title).results)
    writer = store.open_db(db_path)
    offer = {
        "source": "demo1688",
        "role": "factory",
        "item_id": "9981",
        "title": title,
        "price": 3.5,
        "moq": 2,
    }
    store.save_listing(writer, normalize_listing(offer))
    writer.close()
    service.refresh(wait=True)
    first = service.text(title).results[0]
    assert first["factory_id"] == "demo1688:9981" and first["factory_title"] == title
