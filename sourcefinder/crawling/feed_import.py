"""Importing a JSON-lines feed: lines that carry their image hashes (or have no image) are saved in bulk;
lines whose images must be fetched are set aside for the feed spider."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import sqlite_utils

from sourcefinder.listing import InvalidListing, normalize_listing
from sourcefinder.store import bulk
from sourcefinder.store import database as store

RUN_NAME = "import"


def bad_line_message(path: str | Path, number: int, reason: object) -> str:
    """The one line that reports a skipped feed line."""
    return f"{path} line {number} skipped: {reason}"


def parse_line(line: str) -> dict[str, Any]:
    """A feed line as a normalised listing; raises InvalidListing with the reason."""
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InvalidListing(f"not JSON ({exc})") from None
    return normalize_listing(raw)


def needs_images(listing: dict[str, Any]) -> bool:
    """True when the listing has image URLs but no hash of them: its images must be fetched and hashed."""
    return bool(listing.get("image_urls")) and not (listing.get("image_hashes") or listing.get("image_phash"))


@dataclass
class FeedImport:
    """What an import did: the bulk counts, the bad lines and the lines left to the feed spider."""

    counts: bulk.BulkCounts
    bad_lines: int = 0
    pending: int = 0


def _ready_listings(
    path: Path, pending: TextIO, result: FeedImport, report: Callable[[str], None]
) -> Iterator[dict[str, Any]]:
    """The feed's listings that need no fetching; the others are written to ``pending``, bad lines reported."""
    with path.open(encoding="utf-8-sig", errors="replace") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                listing = parse_line(line)
            except InvalidListing as exc:
                result.bad_lines += 1
                report(bad_line_message(path, number, exc))
                continue
            if needs_images(listing):
                result.pending += 1
                pending.write(line if line.endswith("\n") else line + "\n")
            else:
                yield listing


def import_ready(
    db: sqlite_utils.Database, path: Path, pending: TextIO, report: Callable[[str], None]
) -> FeedImport:
    """Save in bulk every listing of the feed that needs no fetching, as one run named ``import``."""
    run_id = store.start_run(db, RUN_NAME)
    result = FeedImport(bulk.BulkCounts())
    try:
        result.counts = bulk.save_listings(db, _ready_listings(path, pending, result, report))
    except BaseException:
        store.finish_run(db, run_id, "failed", {"items_dropped": result.bad_lines})
        raise
    counts = {**vars(result.counts), "items_dropped": result.bad_lines, "errors": 0}
    if result.bad_lines:
        counts["message"] = f"{result.bad_lines} bad lines skipped (see the import log)"
    store.finish_run(db, run_id, "finished", counts)
    return result
