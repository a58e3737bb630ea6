"""The SQLite store: listings, their price history, crawl runs and matches (sqlite-utils)."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from sourcefinder.listing import LISTING_FIELDS, listing_id, now_iso
from sourcefinder.store import history

DEFAULT_DB = "data/sourcefinder.db"
JSON_COLUMNS = tuple(f.name for f in LISTING_FIELDS if f.json and f.name != "images")
# The listing's own fields (the downloaded images' paths are not kept: their hashes are), then the store's.
LISTING_COLUMNS: dict[str, type] = {
    "id": str,
    **{f.name: f.column_type for f in LISTING_FIELDS if f.name != "images"},
    "first_seen": str,
    "updated_at": str,
    "content_hash": str,
    "matched_hash": str,
}
# What the matcher reads: a change of these asks for re-matching (see _content_hash).
_CONTENT_KEYS = ("title", "attributes", "image_urls", "image_phash", "role")
# json.dumps(..., ensure_ascii=False) without building an encoder per call (bulk imports encode millions).
_JSON = json.JSONEncoder(ensure_ascii=False)
_SORTED_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def default_db_path() -> str:
    """The database path: $SOURCEFINDER_DB, else data/sourcefinder.db."""
    return os.environ.get("SOURCEFINDER_DB") or DEFAULT_DB


def open_db(path: str | Path | None = None) -> sqlite_utils.Database:
    """Open (and create or migrate) the database at ``path``."""
    path = Path(path or default_db_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA busy_timeout=10000")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    if not _has_schema(db):
        # Two processes opening a new database at once (a crawl and its progress display) must not both
        # create tables: the first takes the write lock, the second waits and finds them made.
        db.execute("BEGIN IMMEDIATE")
        try:
            ensure_schema(db)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return db


def _has_schema(db: sqlite_utils.Database) -> bool:
    return {"listings", "price_history", "runs", "matches"} <= set(db.table_names())


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create the tables and indexes that are missing."""
    db["listings"].create(LISTING_COLUMNS, pk="id", if_not_exists=True, not_null={"source", "role", "title"})
    db["listings"].create_index(["role"], if_not_exists=True)
    db["price_history"].create(
        {"listing_id": str, "price": float, "shipping_fee": float, "seen_at": str},
        if_not_exists=True,
        foreign_keys=[("listing_id", "listings", "id")],
    )
    db["price_history"].create_index(["listing_id", "seen_at"], if_not_exists=True)
    db["runs"].create(
        {
            "id": int,
            "spider": str,
            "started_at": str,
            "finished_at": str,
            "status": str,
            "items_stored": int,
            "items_new": int,
            "items_updated": int,
            "prices_changed": int,
            "items_dropped": int,
            "pages_blocked": int,
            "image_errors": int,
            "errors": int,
            "message": str,
        },
        pk="id",
        if_not_exists=True,
    )
    db["matches"].create(
        {
            "retail_id": str,
            "factory_id": str,
            "confidence": float,
            "image_distance": int,
            "dhash_distance": int,
            "title_similarity": float,
            "agreeing": str,
            "conflicting": str,
            "matched_at": str,
        },
        pk=("retail_id", "factory_id"),
        if_not_exists=True,
    )
    db["matches"].create_index(["factory_id"], if_not_exists=True)


def _content_hash(listing: dict[str, Any]) -> str:
    """A digest of what the matcher reads, to tell a changed listing from an unchanged one."""
    blob = _SORTED_JSON.encode([listing.get(k) for k in _CONTENT_KEYS])
    return hashlib.sha1(blob.encode()).hexdigest()


def to_row(listing: dict[str, Any]) -> dict[str, Any]:
    """A normalised listing as a listings row (JSON columns serialised)."""
    row = {k: v for k, v in listing.items() if k in LISTING_COLUMNS}
    row["id"] = listing_id(listing["source"], listing["item_id"])
    for column in JSON_COLUMNS:
        if column in row and row[column] is not None:
            row[column] = _JSON.encode(row[column])
    row["content_hash"] = _content_hash(listing)
    return row


def from_row(row: dict[str, Any]) -> dict[str, Any]:
    """A listings row with its JSON columns decoded."""
    out = dict(row)
    for column in JSON_COLUMNS:
        if isinstance(out.get(column), str):
            out[column] = json.loads(out[column])
    return out


def stamp_row(row: dict[str, Any], old: dict[str, Any] | None) -> str:
    """Set a row's ``updated_at`` (and ``first_seen`` when ``old`` is None) to when it was seen; that time."""
    seen = row.get("crawled_at") or now_iso()
    row["updated_at"] = seen
    if old is None:
        row["first_seen"] = seen
    return seen


@dataclass(frozen=True)
class Saved:
    """What saving a listing did."""

    new: bool
    price_changed: bool


def save_listing(db: sqlite_utils.Database, listing: dict[str, Any]) -> Saved:
    """Upsert one normalised listing; history.record writes a history row when its terms change."""
    row = to_row(listing)
    old = history.previous(db, row["id"])
    seen = stamp_row(row, old)
    with db.conn:
        db["listings"].upsert(row, pk="id", alter=True)
        changed = history.record(db, row, old, seen)
    return Saved(new=old is None, price_changed=old is not None and changed)


def connect_read_only(path: str | Path) -> sqlite3.Connection:
    """A read-only connection to an existing database (it never takes the write lock)."""
    return sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True, timeout=10)


def role_counts(path: str | Path) -> dict[str, int]:
    """How many listings of each role a database holds, read-only (safe beside a running crawl)."""
    path = Path(path)
    if not path.exists():
        return {}
    conn = connect_read_only(path)
    try:
        return dict(conn.execute("select role, count(*) from listings group by role").fetchall())
    except sqlite3.OperationalError:  # no listings table yet
        return {}
    finally:
        conn.close()


def listings(db: sqlite_utils.Database, role: str | None = None) -> Iterator[dict[str, Any]]:
    """Every stored listing (of one role), decoded."""
    where, args = ("role = ?", [role]) if role else (None, None)
    for row in db["listings"].rows_where(where, args, order_by="id"):
        yield from_row(row)


def start_run(db: sqlite_utils.Database, spider: str) -> int:
    """Record the start of a crawl run and return its id."""
    return db["runs"].insert({"spider": spider, "started_at": now_iso(), "status": "running"}).last_pk


def finish_run(db: sqlite_utils.Database, run_id: int, status: str, counts: dict[str, Any]) -> None:
    """Record how a crawl run ended, with its counts."""
    db["runs"].update(run_id, {"finished_at": now_iso(), "status": status, **counts}, alter=True)


def replace_matches(
    db: sqlite_utils.Database, retail_ids: Iterable[str], matches: Iterable[dict[str, Any]]
) -> int:
    """Replace the stored matches of the given retail listings with ``matches``; return how many."""
    rows = []
    for match in matches:
        row = dict(match)
        for column in ("agreeing", "conflicting"):
            row[column] = json.dumps(row.get(column) or [], ensure_ascii=False)
        rows.append(row)
    ids = list(retail_ids)
    with db.conn:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            db.execute(f"delete from matches where retail_id in ({','.join('?' * len(chunk))})", chunk)
        db["matches"].insert_all(
            rows, pk=("retail_id", "factory_id"), replace=True, batch_size=1000, alter=True
        )
    return len(rows)


def mark_matched(db: sqlite_utils.Database) -> None:
    """Remember that every listing's current content has been matched."""
    with db.conn:
        db.execute("update listings set matched_hash = content_hash where matched_hash is not content_hash")
