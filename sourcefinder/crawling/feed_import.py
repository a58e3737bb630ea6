"""Importing a JSON-lines feed: lines that carry their image hashes (or have no image) are saved in bulk;
lines whose images must be fetched are set aside for the feed spider."""

from __future__ import annotations

import json
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import sqlite_utils

from sourcefinder.listing import InvalidListing, normalize_listing
from sourcefinder.store import bulk
from sourcefinder.store import database as store

RUN_NAME = "import"
CHUNK_LINES = 5000  # lines parsed together and saved in one transaction
PARALLEL_BYTES = 8 * 1024 * 1024  # a feed at least this big is parsed on worker processes


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
class ParsedChunk:
    """A run of feed lines parsed: rows to save in bulk, bad lines (number, reason), lines left to fetch."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    bad: list[tuple[int, str]] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)


def parse_chunk(first: int, lines: list[str]) -> ParsedChunk:
    """Parse feed lines numbered from ``first``; the listings that need no fetching as listings rows."""
    parsed = ParsedChunk()
    for number, line in enumerate(lines, first):
        if not line.strip():
            continue
        try:
            listing = parse_line(line)
        except InvalidListing as exc:
            parsed.bad.append((number, str(exc)))
            continue
        if needs_images(listing):
            parsed.pending.append(line if line.endswith("\n") else line + "\n")
        else:
            parsed.rows.append(store.to_row(listing))
    return parsed


def _chunks(path: Path) -> Iterator[tuple[int, list[str]]]:
    """The feed's lines in runs of CHUNK_LINES, each with the number of its first line."""
    with path.open(encoding="utf-8-sig", errors="replace") as lines:
        for index, chunk in enumerate(bulk.batches(lines, CHUNK_LINES)):
            yield index * CHUNK_LINES + 1, chunk


def parsed_chunks(path: Path, workers: int) -> Iterator[ParsedChunk]:
    """The feed parsed chunk by chunk, in order: on ``workers`` processes when more than one."""
    if workers <= 1:
        yield from (parse_chunk(first, lines) for first, lines in _chunks(path))
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        waiting: deque[Future[ParsedChunk]] = deque()
        for first, lines in _chunks(path):
            waiting.append(pool.submit(parse_chunk, first, lines))
            if len(waiting) > 2 * workers:  # a bounded window: the feed is never all in memory
                yield waiting.popleft().result()
        while waiting:
            yield waiting.popleft().result()


def parse_workers(path: Path) -> int:
    """Worker processes for parsing a feed: none for a small one, else one per core (two at most)."""
    if path.stat().st_size < PARALLEL_BYTES:
        return 1
    return max(1, min(2, os.cpu_count() or 1))


@dataclass
class FeedImport:
    """What an import did: the bulk counts, the bad lines and the lines left to the feed spider."""

    counts: bulk.BulkCounts = field(default_factory=bulk.BulkCounts)
    bad_lines: int = 0
    pending: int = 0


def _save_chunks(
    db: sqlite_utils.Database, path: Path, pending: TextIO, report: Callable[[str], None], result: FeedImport
) -> None:
    for chunk in parsed_chunks(path, parse_workers(path)):
        for number, reason in chunk.bad:
            report(bad_line_message(path, number, reason))
        result.bad_lines += len(chunk.bad)
        result.pending += len(chunk.pending)
        pending.writelines(chunk.pending)
        bulk.save_rows(db, chunk.rows, result.counts)


def import_ready(
    db: sqlite_utils.Database, path: Path, pending: TextIO, report: Callable[[str], None]
) -> FeedImport:
    """Save in bulk every listing of the feed that needs no fetching, as one run named ``import``."""
    run_id = store.start_run(db, RUN_NAME)
    result = FeedImport()
    try:
        _save_chunks(db, path, pending, report, result)
    except BaseException:
        store.finish_run(db, run_id, "failed", {"items_dropped": result.bad_lines})
        raise
    counts = {**vars(result.counts), "items_dropped": result.bad_lines, "errors": 0}
    if result.bad_lines:
        counts["message"] = f"{result.bad_lines} bad lines skipped (see the import log)"
    store.finish_run(db, run_id, "finished", counts)
    return result
