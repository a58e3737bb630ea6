import numpy as np
import pytest

from sourcefinder.match import title_side
from sourcefinder.match.hamming import HAVE_NUMBA, as_uint64
from sourcefinder.match.images import PARTS_SEARCH_TOP_N, HashMatrix, ImageIndex, QueryHashes, best_distances
from sourcefinder.match.index import FactoryIndex
from sourcefinder.match.scoring import NO_DISTANCE
from sourcefinder.match.workers import Workers

TITLES = [
    "304不锈钢真空保温杯 500ml 黑色",
    "全棉床品四件套 1.8m 水洗棉",
    "儿童防晒遮阳帽 54cm 粉色",
    "无线蓝牙耳机 入耳式 降噪 白色",
    "加厚瑜伽垫 10mm 防滑 紫色",
    "陶瓷马克杯 350ml 情侣款",
]


def _listing(source: str, i: int, title: str, phash: int) -> dict:
    image = {
        "phash": f"{phash:016x}",
        "dhash": f"{phash ^ 0xFF:016x}",
        "phash_mirror": f"{~phash & (2**64 - 1):016x}",
    }
    return {"source": source, "item_id": str(i), "title": title, "image_hashes": [image]}


def _market() -> tuple[list[dict], list[dict]]:
    rng = np.random.default_rng(3)
    hashes = [int(h) for h in rng.integers(0, 2**63, len(TITLES))]
    factories = [_listing("factory", i, t, h) for i, (t, h) in enumerate(zip(TITLES, hashes, strict=True))]
    retail = [
        _listing("retail", i, f"包邮 新款 {t}", h ^ 0b111)
        for i, (t, h) in enumerate(zip(TITLES, hashes, strict=True))
    ]
    retail.append(
        {"source": "retail", "item_id": "x", "title": "陶瓷马克杯 350ml", "image_phash": f"{hashes[5]:016x}"}
    )
    return factories, retail


def test_each_retail_listing_finds_its_factory() -> None:
    factories, retail = _market()
    found = {
        (m.retail_id, m.factory_id) for m in FactoryIndex.build(factories).match(retail, min_confidence=0.5)
    }
    assert {(f"retail:{i}", f"factory:{i}") for i in range(len(TITLES))} <= found
    assert ("retail:x", "factory:5") in found


def test_pool_gives_the_same_matches_as_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    factories, retail = _market()
    serial = [m.as_row() for m in FactoryIndex.build(factories).match(retail)]
    monkeypatch.setattr(title_side, "POOL_MIN_LISTINGS", 1)
    with Workers(2) as workers:
        assert workers.parallel
        pooled = [m.as_row() for m in FactoryIndex.build(factories, workers).match(retail, workers=workers)]
    assert pooled == serial


def test_best_distances_match_brute_force() -> None:
    rng = np.random.default_rng(5)
    left = [
        {"image_hashes": [{"phash": f"{int(h):016x}"} for h in rng.integers(0, 2**63, k)]} for k in (0, 1, 3)
    ]
    right = [
        {"image_hashes": [{"phash": f"{int(h):016x}"} for h in rng.integers(0, 2**63, k)]} for k in (2, 0)
    ]
    li, ri = np.repeat(np.arange(3), 2), np.tile(np.arange(2), 3)
    got = best_distances(HashMatrix.of(left, ("phash",)), HashMatrix.of(right, ("phash",)), li, ri)

    def brute(a: dict, b: dict) -> int:
        ha, hb = (
            as_uint64([h["phash"] for h in a["image_hashes"]]),
            as_uint64([h["phash"] for h in b["image_hashes"]]),
        )
        return min((int(x ^ y).bit_count() for x in ha for y in hb), default=NO_DISTANCE)

    assert got.tolist() == [brute(left[a], right[b]) for a, b in zip(li, ri, strict=True)]
    if HAVE_NUMBA:  # the compiled kernel a numba Hamming index lends the distances gives the same
        from sourcefinder.match import hamming_numba

        matrices = HashMatrix.of(left, ("phash",)), HashMatrix.of(right, ("phash",))
        assert best_distances(*matrices, li, ri, hamming_numba).tolist() == got.tolist()


def test_candidates_carry_the_best_photo_distance() -> None:
    factories, retail = _market()
    index = FactoryIndex.build(factories)
    infos = [title_side.prepare_listing(listing) for listing in retail]
    found = index.candidate_pairs(retail, infos, top_n=2)
    first = np.flatnonzero((found.retail == 0) & (found.factory == 0))
    assert found.distances["phash"][first].tolist() == [3]


def test_exhaustive_scoring_finds_what_the_index_finds_above_threshold() -> None:
    factories, retail = _market()
    index = FactoryIndex.build(factories)
    exhaustive = {(m.retail_id, m.factory_id) for m in index.match(retail, 0.4, top_n=None)}
    indexed = {(m.retail_id, m.factory_id) for m in index.match(retail, 0.4)}
    assert {(f"retail:{i}", f"factory:{i}") for i in range(len(TITLES))} <= exhaustive
    assert exhaustive <= indexed


def test_a_query_searched_with_its_parts_keeps_its_closest_photos_only() -> None:
    """A lookup's parts may be near many factory photos; it keeps the PARTS_SEARCH_TOP_N closest listings
    (factory k is k % 9 bits from the query)."""
    photo = 0x0F0F_0F0F_0F0F_0F0F
    factories = [
        {"image_hashes": [{"phash": f"{photo ^ ((1 << (k % 9)) - 1):016x}"}]}
        for k in range(PARTS_SEARCH_TOP_N + 20)
    ]
    query = [{"image_hashes": [{"phash": f"{photo:016x}", "phash_parts": f"{photo:016x}"}]}]
    images = ImageIndex.of(factories, backend="numpy")
    q, f = images.candidates(QueryHashes.of(query, search_parts=True))
    assert len(f) == PARTS_SEARCH_TOP_N and set(q) == {0}
    assert max(k % 9 for k in f) <= sorted(k % 9 for k in range(len(factories)))[PARTS_SEARCH_TOP_N - 1]
    _, plain = images.candidates(QueryHashes.of(query))
    assert len(plain) == len(factories)  # a batch keeps every photo within the radius


def test_a_lookup_without_a_close_photo_is_searched_with_its_parts() -> None:
    """A collage's tile (a part) finds its source when the photo as a whole finds nothing close."""
    tile, other = 0x0F0F_0F0F_0F0F_0F0F, 0x3355_AACC_0FF0_9966
    factories = [
        {"image_hashes": [{"phash": f"{tile:016x}"}]},
        {"image_hashes": [{"phash": f"{other:016x}"}]},
    ]
    far = ~tile & (1 << 64) - 1  # 64 bits from the tile
    query = [{"image_hashes": [{"phash": f"{far:016x}", "phash_parts": f"{tile:016x}"}]}]
    images = ImageIndex.of(factories, backend="numpy")
    assert images.candidates(QueryHashes.of(query))[1].tolist() == []  # a batch searches the plain photo
    assert images.candidates(QueryHashes.of(query, search_parts=True))[1].tolist() == [0]
