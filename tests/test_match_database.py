"""``match`` on the stored listings: the indexes kept beside the database, updated after a crawl, and the
same stored pairs as a full re-match."""

import csv
from pathlib import Path

import numpy as np
import pytest

from sourcefinder.match.database import index_paths, match_database
from sourcefinder.match.prepare import parse_pv_pairs
from sourcefinder.store import database as store

TITLES = Path(__file__).parent / "fixtures" / "titles" / "ember_val_titles.csv"


def _photo(rng: np.random.Generator) -> dict[str, str]:
    value = int(rng.integers(0, 2**62))
    return {"phash": f"{value:016x}", "phash_mirror": f"{~value & (2**64 - 1):016x}"}


def _market(make_listing, n: int, offset: int = 0) -> tuple[list[dict], list[dict]]:
    """Factory listings of real titles, and retail copies of them (photo edited by 3 bits, title stuffed)."""
    rng = np.random.default_rng(offset + 1)
    with TITLES.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))[offset : offset + n]
    factories, retail = [], []
    for row in rows:
        photo = _photo(rng)
        attributes = parse_pv_pairs(row["pv_pairs"])
        factories.append(
            make_listing(
                row["id"], "factory", title=row["title"], attributes=attributes, image_hashes=[photo]
            )
        )
        copy = {"phash": f"{int(photo['phash'], 16) ^ 0b111:016x}"}
        retail.append(make_listing(row["id"], "retail", title=f"包邮 {row['title']}", image_hashes=[copy]))
    return factories, retail


def _save(database, listings: list[dict]) -> None:
    for listing in listings:
        store.save_listing(database, listing)


def _pairs(database) -> dict[tuple[str, str], float]:
    rows = database.execute("select retail_id, factory_id, confidence from matches").fetchall()
    return {(r, f): c for r, f, c in rows}


@pytest.fixture
def matched(database, make_listing):
    factories, retail = _market(make_listing, 120)
    _save(database, factories + retail)
    summary = match_database(database)
    return database, summary


def test_first_match_builds_and_saves_both_indexes(matched) -> None:
    database, summary = matched
    assert summary.retail_scored == 120 and summary.factory_total == 120
    for path in index_paths(Path(database.execute("PRAGMA database_list").fetchone()[2])):
        assert (path / "values.json").is_file()
    found = _pairs(database)
    assert (
        sum((f"demotaobao:{k}", f"demo1688:{k}") in found for k in [r[0].split(":")[1] for r in found]) > 100
    )


def test_rematch_after_new_listings_scores_few_and_equals_a_full_rematch(matched, make_listing) -> None:
    database, _ = matched
    factories, retail = _market(make_listing, 10, offset=120)
    _save(database, factories + retail)
    summary = match_database(database)
    assert summary.factory_changed == 10
    assert summary.retail_scored < 60  # the new ones and the few whose candidates changed, not all 130
    incremental = _pairs(database)
    match_database(database, full=True)
    full = _pairs(database)
    assert incremental.keys() == full.keys()
    assert all(abs(incremental[k] - full[k]) < 0.02 for k in full)


def test_nothing_changed_scores_nothing(matched) -> None:
    database, _ = matched
    before = _pairs(database)
    summary = match_database(database)
    assert summary.retail_scored == 0 and summary.factory_changed == 0
    assert _pairs(database) == before


def test_a_removed_factory_listing_loses_its_matches(matched) -> None:
    database, _ = matched
    factory_id, retail_id = next(iter(sorted((f, r) for r, f in _pairs(database))))
    with database.conn:
        database.execute("delete from matches where factory_id = ?", [factory_id])
        database.execute("delete from price_history where listing_id = ?", [factory_id])
        database.execute("delete from listings where id = ?", [factory_id])
    match_database(database)
    assert not any(f == factory_id for _, f in _pairs(database))


def test_a_damaged_index_is_rebuilt(matched) -> None:
    database, _ = matched
    factory_index, _ = index_paths(Path(database.execute("PRAGMA database_list").fetchone()[2]))
    (factory_index / "values.json").write_text("not json", encoding="utf-8")
    before = _pairs(database)
    summary = match_database(database)
    assert summary.retail_scored == 120
    assert _pairs(database).keys() == before.keys()
