"""The SQLite store: upserts, price history, runs, matches."""

from __future__ import annotations

from sourcefinder.store import database as store


def test_new_listing_is_stored_with_a_price_history_row(database, make_listing):
    saved = store.save_listing(database, make_listing("1", attributes={"颜色": "白色"}))
    assert saved.new and not saved.price_changed
    [row] = list(store.listings(database))
    assert row["id"] == "demotaobao:1"
    assert row["attributes"] == {"颜色": "白色"}
    assert database["price_history"].count == 1


def test_recrawl_updates_in_place_and_records_only_price_changes(database, make_listing):
    store.save_listing(database, make_listing("1", price=10))
    again = store.save_listing(database, make_listing("1", price=10, title="陶瓷勺子 新标题"))
    assert not again.new and not again.price_changed
    changed = store.save_listing(database, make_listing("1", price=12))
    assert changed.price_changed
    assert database["listings"].count == 1
    assert [r["price"] for r in database["price_history"].rows] == [10.0, 12.0]


def test_content_change_marks_listing_for_matching(database, make_listing):
    store.save_listing(database, make_listing("1"))
    store.mark_matched(database)
    [row] = list(store.listings(database))
    assert row["matched_hash"] == row["content_hash"]
    store.save_listing(database, make_listing("1", title="另一个标题"))
    [row] = list(store.listings(database))
    assert row["matched_hash"] != row["content_hash"]


def test_price_change_alone_does_not_ask_for_rematching(database, make_listing):
    store.save_listing(database, make_listing("1", price=10))
    store.mark_matched(database)
    store.save_listing(database, make_listing("1", price=9))
    [row] = list(store.listings(database))
    assert row["matched_hash"] == row["content_hash"]


def test_runs_record_counts(database):
    run = store.start_run(database, "factory")
    store.finish_run(database, run, "finished", {"items_stored": 3, "pages_blocked": 1})
    row = database["runs"].get(run)
    assert (row["status"], row["items_stored"], row["pages_blocked"]) == ("finished", 3, 1)
    assert row["finished_at"]


def test_replace_matches_replaces_only_the_given_retail(database):
    first = {"retail_id": "r:1", "factory_id": "f:1", "confidence": 0.9, "agreeing": ["a"], "conflicting": []}
    other = {"retail_id": "r:2", "factory_id": "f:1", "confidence": 0.8, "agreeing": [], "conflicting": []}
    store.replace_matches(database, ["r:1", "r:2"], [first, other])
    store.replace_matches(database, ["r:1"], [{**first, "factory_id": "f:2"}])
    pairs = {(r["retail_id"], r["factory_id"]) for r in database["matches"].rows}
    assert pairs == {("r:1", "f:2"), ("r:2", "f:1")}


def _open_and_close(path: str) -> None:
    store.open_db(path).close()


def test_processes_opening_a_new_database_at_once_all_succeed(tmp_path):
    """A crawl and the CLI's progress display open the same new file at the same moment."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_open_and_close, args=(str(tmp_path / "new.db"),)) for _ in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    assert [p.exitcode for p in processes] == [0, 0, 0, 0]
    assert store.role_counts(tmp_path / "new.db") == {}
    assert store.role_counts(tmp_path / "missing.db") == {}
