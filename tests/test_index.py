"""The factory index as an object: build, save, load, add, remove, query (any subset of title, photo,
attributes) and batch match, on real Taobao titles with photo hashes made for them."""

import csv
from pathlib import Path

import numpy as np
import pytest

from sourcefinder.match.index import FactoryIndex
from sourcefinder.match.persist import IndexFileError
from sourcefinder.match.prepare import parse_pv_pairs

TITLES = Path(__file__).parent / "fixtures" / "titles" / "ember_val_titles.csv"


def _hashes(value: int) -> dict[str, str]:
    mask = (1 << 64) - 1
    return {
        "phash": f"{value & mask:016x}",
        "dhash": f"{(value * 7919) & mask:016x}",
        "phash_mirror": f"{~value & mask:016x}",
        "dhash_mirror": f"{(value * 104729) & mask:016x}",
    }


@pytest.fixture(scope="module")
def factories() -> list[dict]:
    rng = np.random.default_rng(11)
    with TITLES.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))[:300]
    return [
        {
            "id": f"f:{row['id']}",
            "title": row["title"],
            "attributes": parse_pv_pairs(row["pv_pairs"]),
            "image_hashes": [_hashes(int(rng.integers(0, 2**62)))],
            "content_hash": str(k),
        }
        for k, row in enumerate(rows)
    ]


def _flip(hex_value: str, bits: int) -> str:
    """The hash with its lowest ``bits`` bits flipped (an edited copy of the photo)."""
    return f"{int(hex_value, 16) ^ ((1 << bits) - 1):016x}"


def _answers(index: FactoryIndex, **query) -> list[tuple[str, float]]:
    return [(m.factory_id, round(m.confidence, 5)) for m in index.query(**query)]


def test_save_and_load_give_identical_answers(factories: list[dict], tmp_path: Path) -> None:
    index = FactoryIndex.build(factories)
    loaded = FactoryIndex.load(index.save(tmp_path / "factory.index"))
    assert list(loaded.ids) == index.ids
    for listing in factories[:40:7]:
        query = {
            "title": listing["title"],
            "image_hashes": [{"phash": _flip(listing["image_hashes"][0]["phash"], 3)}],
        }
        assert _answers(loaded, **query) == _answers(index, **query)
    retail = [{**f, "id": f"r:{k}"} for k, f in enumerate(factories[:30])]
    assert [m.as_row() for m in loaded.match(retail)] == [m.as_row() for m in index.match(retail)]


def test_add_then_query_equals_a_rebuild(factories: list[dict]) -> None:
    grown = FactoryIndex.build(factories[:200])
    grown.add(factories[200:])
    rebuilt = FactoryIndex.build(factories)
    assert sorted(grown.ids) == sorted(rebuilt.ids)
    for listing in factories[190:260:9]:
        query = {"title": listing["title"], "attributes": listing["attributes"]}
        assert sorted(_answers(grown, **query)) == sorted(_answers(rebuilt, **query))


def test_remove_then_query_equals_a_rebuild_without_them(factories: list[dict]) -> None:
    index = FactoryIndex.build(factories)
    gone = [f["id"] for f in factories[50:100]]
    index.remove(gone)
    rebuilt = FactoryIndex.build(factories[:50] + factories[100:])
    assert not set(gone) & set(index.ids)
    for listing in factories[40:110:13]:
        assert sorted(_answers(index, title=listing["title"])) == sorted(
            _answers(rebuilt, title=listing["title"])
        )


def test_adding_a_listing_again_replaces_it(factories: list[dict]) -> None:
    index = FactoryIndex.build(factories[:20])
    changed = {**factories[3], "title": "全新标题 不锈钢保温杯 500ml", "content_hash": "new"}
    index.add([changed])
    assert len(index) == 20
    assert index.digests[index.positions[changed["id"]]] == "new"
    assert index.query(title="不锈钢保温杯 500ml")[0].factory_id == changed["id"]


def test_a_photo_alone_finds_the_listing_with_that_photo(factories: list[dict]) -> None:
    index = FactoryIndex.build(factories)
    target = factories[123]
    edited = {"phash": _flip(target["image_hashes"][0]["phash"], 4)}
    answers = index.query(image_hashes=[edited])
    assert answers[0].factory_id == target["id"]
    assert answers[0].image_distance == 4
    assert any("same photo" in reason for reason in answers[0].agreeing)
    mirrored = {"phash": target["image_hashes"][0]["phash_mirror"]}
    assert index.query(image_hashes=[mirrored])[0].factory_id == target["id"]


def test_a_photo_alone_is_more_sure_than_a_far_photo(factories: list[dict]) -> None:
    index = FactoryIndex.build(factories)
    near = index.query(image_hashes=[{"phash": _flip(factories[5]["image_hashes"][0]["phash"], 2)}])
    far = index.query(image_hashes=[{"phash": _flip(factories[5]["image_hashes"][0]["phash"], 14)}])
    assert near[0].confidence > (far[0].confidence if far else 0.0)


def test_the_same_photo_with_another_size_is_not_called_identical() -> None:
    photo = _hashes(987654321)
    factories = [
        {"id": "f:1", "title": "纯棉四件套 1.5m床 水洗棉 灰色", "image_hashes": [photo]},
        {"id": "f:2", "title": "纯棉四件套 1.8m床 水洗棉 灰色", "image_hashes": [photo]},
    ]
    index = FactoryIndex.build(factories)
    answers = {
        m.factory_id: m for m in index.query(title="水洗棉纯棉四件套 1.8m床 灰色", image_hashes=[photo])
    }
    assert answers["f:2"].confidence > answers["f:1"].confidence
    assert not answers["f:1"].same_item
    assert any("1.5" in c or "1500" in c for c in answers["f:1"].conflicting)


def test_two_indexes_in_one_process_do_not_interfere(factories: list[dict]) -> None:
    first = FactoryIndex.build(factories[:100])
    second = FactoryIndex.build(factories[100:200])
    before = _answers(first, title=factories[10]["title"])
    second.add(factories[200:230])
    second.match([{**factories[150], "id": "r:1"}])
    assert _answers(first, title=factories[10]["title"]) == before
    assert first.query(title=factories[10]["title"])[0].factory_id == factories[10]["id"]
    assert second.query(title=factories[150]["title"])[0].factory_id == factories[150]["id"]


def test_an_empty_query_and_a_missing_index_say_why(tmp_path: Path, factories: list[dict]) -> None:
    index = FactoryIndex.build(factories[:5])
    with pytest.raises(ValueError, match="needs a title"):
        index.query(title="  ")
    with pytest.raises(IndexFileError, match="no saved index"):
        FactoryIndex.load(tmp_path / "nothing-here")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "values.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexFileError, match="cannot be read"):
        FactoryIndex.load(tmp_path / "broken")
