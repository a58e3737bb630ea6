"""The lookup service: a read-only database, the warm factory index, and one method per kind of target."""

from __future__ import annotations

import re
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import sqlite_utils

from sourcefinder.listing import listing_id
from sourcefinder.lookup import fetch
from sourcefinder.lookup.answer import Answer, build_answer
from sourcefinder.lookup.images import OcrReader, read_image
from sourcefinder.lookup.index_adapter import Hit, WarmIndex, saved_index, saved_index_time, stored_hit
from sourcefinder.lookup.safety import FetchPolicy
from sourcefinder.lookup.targets import TargetError, classify_text
from sourcefinder.store import database as store

# How often (seconds) a lookup checks whether the factory listings changed (a crawl or match wrote).
REFRESH_EVERY = 5.0
_ITEM_ID = re.compile(r"(?:[?&]id=|/offer/)(\d+)")


def open_read_only(path: str | Path) -> sqlite_utils.Database:
    """The database at ``path``, opened read-only (a missing file is an error, not a new database)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no database at {path}: crawl first, or pass --db")
    return sqlite_utils.Database(store.connect_read_only(path))


class Lookup:
    """Answer lookups against the database at ``db_path``. Pages fetched for a URL go to ``fetch_db`` (the
    database itself for the CLI; by default a scratch database, so that the server never writes)."""

    def __init__(
        self, db_path: str | Path, policy: FetchPolicy | None = None, fetch_db: Path | None = None
    ) -> None:
        self.db_path = Path(db_path)
        self.policy = policy or FetchPolicy()
        self.fetch_db = fetch_db
        self.ocr = OcrReader()
        self._signature = self._factory_signature()
        self.index = self._load_index()
        self._checked = time.monotonic()
        self._rebuilding = threading.Lock()

    def read(self) -> sqlite_utils.Database:
        """A new read-only connection (one per request: sqlite3 connections stay in their thread)."""
        return open_read_only(self.db_path)

    def _load_index(self) -> WarmIndex:
        """The index ``match`` saved beside the database when there is one, else one built from it."""
        index, _ = saved_index(self.db_path)
        if index is not None:
            return WarmIndex(index=index)
        return WarmIndex(list(store.listings(self.read(), "factory")))

    def _factory_signature(self) -> tuple:
        """What changes with the factory side: its count and last update, and the saved index's time."""
        sql = "select count(*), max(updated_at) from listings where role = 'factory'"
        return (*self.read().execute(sql).fetchone(), saved_index_time(self.db_path))

    def refresh(self, wait: bool = False) -> None:
        """Rebuild the index in the background when the factory listings changed (checked every few seconds)."""
        if not wait and time.monotonic() - self._checked < REFRESH_EVERY:
            return
        self._checked = time.monotonic()
        signature = self._factory_signature()
        if signature == self._signature or not self._rebuilding.acquire(blocking=False):
            return
        thread = threading.Thread(target=self._rebuild, args=(signature,), daemon=True)
        thread.start()
        if wait:
            thread.join()

    def _rebuild(self, signature: tuple) -> None:
        try:
            self.index = self._load_index()
            self._signature = signature
        finally:
            self._rebuilding.release()

    def listing(self, listing_id: str) -> dict[str, Any] | None:
        """One stored listing, decoded, or None."""
        row = next(self.read().query("select * from listings where id = ?", [listing_id]), None)
        return store.from_row(row) if row else None

    def factories(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """The stored factory listings with these ids."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.read().query(f"select * from listings where id in ({marks})", ids)
        return {row["id"]: store.from_row(row) for row in rows}

    def answer(
        self, kind: str, query: dict[str, Any], hits: list[Hit], retail: dict[str, Any] | None, limit: int
    ) -> Answer:
        """Price and rank ``hits`` into an Answer."""
        return build_answer(kind, query, hits, self.factories([h.factory_id for h in hits]), retail, limit)

    def search(
        self, title: str = "", hashes: list | None = None, attributes: dict | None = None, k: int = 10
    ) -> list[Hit]:
        """Query the warm index."""
        self.refresh()
        return self.index.query(title=title, image_hashes=hashes or [], attributes=attributes, k=k)

    def text(self, text: str, limit: int = 10) -> Answer:
        """Answer typed or pasted text: a URL, an app's share text or a title."""
        target = classify_text(text)
        if target.kind == "url":
            return self.url(target.url, limit)
        hits = self.search(title=target.text, k=max(limit, 10))
        return self.answer(
            target.kind, {"text": target.text, "note": target.note, "url": target.url}, hits, None, limit
        )

    def stored_by_url(self, url: str) -> dict[str, Any] | None:
        """The stored listing with this URL (or this site's item id in it)."""
        database = self.read()
        row = next(database.query("select * from listings where url = ? limit 1", [url]), None)
        item = _ITEM_ID.search(url)
        if row is None and item:
            row = next(
                database.query("select * from listings where item_id = ? limit 1", [item.group(1)]), None
            )
        return store.from_row(row) if row else None

    def url(self, url: str, limit: int = 10) -> Answer:
        """Answer a listing URL: stored -> its matches; a supported site's page -> fetched, matched, answered."""
        stored = self.stored_by_url(url)
        if stored is not None:
            return self.of_listing(stored, "stored", limit)
        fetched = self._fetch(url)
        return self.of_listing(fetched.listing, "url", limit, stored_matches=False)

    def _fetch(self, url: str) -> fetch.Fetched:
        self.policy.spider_for(url)  # refuse before starting a crawl
        if self.fetch_db is not None:
            return fetch.fetch_listing(url, self.fetch_db, self.policy)
        with tempfile.TemporaryDirectory(prefix="sourcefinder-fetch-") as scratch:
            return fetch.fetch_listing(url, Path(scratch) / "fetch.db", self.policy)

    def of_listing(
        self, listing: dict[str, Any], kind: str, limit: int, stored_matches: bool = True
    ) -> Answer:
        """The sources of a listing: its stored matches when it has some, else an index query."""
        query = {
            "listing_id": listing_id(listing["source"], listing["item_id"]),
            "title": listing["title"],
            "url": listing.get("url"),
            "role": listing["role"],
        }
        hits = self.stored_hits(query["listing_id"]) if stored_matches else []
        if not hits:
            hits = self.search(
                listing["title"],
                listing.get("image_hashes") or [],
                listing.get("attributes"),
                k=max(limit, 10),
            )
            hits = [h for h in hits if h.factory_id != query["listing_id"]]
        retail = listing if listing["role"] == "retail" else None
        query["retail_price"] = listing.get("price") if retail else None
        return self.answer(kind, query, hits, retail, limit)

    def stored_hits(self, retail_id: str) -> list[Hit]:
        """The stored matches of a retail listing, best first."""
        rows = self.read().query(
            "select * from matches where retail_id = ? order by confidence desc", [retail_id]
        )
        return [stored_hit(row) for row in rows]

    def image(self, data: bytes, limit: int = 10, kind: str = "auto") -> Answer:
        """Answer an uploaded photo or screenshot (raises ImageError for bad images)."""
        if kind not in ("auto", "photo", "screenshot"):
            raise TargetError(f"image kind must be auto, photo or screenshot, not {kind!r}")
        read = read_image(data, self.ocr, kind)
        if not read.title and not read.hashes:
            raise TargetError(
                "nothing to search: no title could be read and no product photo found in the image"
            )
        hits = self.search(read.title, read.hashes, k=max(limit, 10))
        query = {
            "image_kind": read.kind,
            "title": read.title,
            "price": read.price,
            "photo_region": read.region,
            "text_lines": read.text_lines[:40],
        }
        retail = {"price": read.price, "shipping_fee": read.shipping_fee} if read.price is not None else None
        answer = self.answer(read.kind, query, hits, retail, limit)
        answer.message = (
            f"read as a {read.kind}"
            + (f" (title: {read.title})" if read.title else "")
            + "; "
            + answer.message
        )
        return answer
