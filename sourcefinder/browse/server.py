"""Serve the store and its priced deals in Datasette, read-only (both databases opened immutable)."""

from __future__ import annotations

import signal
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

from sourcefinder.browse import plugin
from sourcefinder.browse.metadata import browse_metadata
from sourcefinder.deals.staging import DealFilters, build_deals_db
from sourcefinder.store import database as store

PHOTOS_MOUNT = "photos"


def checkpoint(path: Path) -> None:
    """Fold the write-ahead log into the database file, which an immutable reader reads alone."""
    conn = sqlite3.connect(str(path), timeout=10)
    try:
        conn.execute("pragma wal_checkpoint(truncate)")
    except sqlite3.OperationalError:  # busy: a crawl is writing; the reader sees the last checkpoint
        pass
    finally:
        conn.close()


def deals_name(database: Path) -> str:
    """The name of the priced-deals database: ``deals``, unless the store itself is called so."""
    return "priced_deals" if database.stem == "deals" else "deals"


def make_datasette(database: Path, folder: Path, images_dir: Path, min_confidence: float) -> Any:
    """A Datasette over ``database`` and its deals priced into ``folder``, with metadata and the photo plugin."""
    from datasette.app import Datasette
    from datasette.plugins import pm

    deals = folder / f"{deals_name(database)}.db"
    source = store.open_db(database)
    try:
        build_deals_db(source, deals, DealFilters(min_confidence=min_confidence)).close()
    finally:
        source.close()
    checkpoint(database)
    if not pm.is_registered(plugin):
        pm.register(plugin, name=plugin.NAME)
    images_dir.mkdir(parents=True, exist_ok=True)
    metadata = browse_metadata(database.stem, deals.stem, str(images_dir.resolve()), PHOTOS_MOUNT)
    return Datasette(
        immutables=[str(database), str(deals)],
        metadata=metadata,
        static_mounts=[(PHOTOS_MOUNT, str(images_dir.resolve()))],
        settings={"default_page_size": 50, "sql_time_limit_ms": 5000},
    )


def serve(database: Path, host: str, port: int, images_dir: Path, min_confidence: float) -> None:
    """Run Datasette on ``host:port`` until interrupted; the priced deals live in a temporary folder."""
    import uvicorn
    from datasette.cli import run_sync

    # uvicorn stops gracefully on SIGTERM, then raises it again: exit through Python so the folder is removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with tempfile.TemporaryDirectory(prefix="sourcefinder-browse-") as folder:
        datasette = make_datasette(database, Path(folder), images_dir, min_confidence)
        run_sync(datasette.invoke_startup)
        uvicorn.run(datasette.app(), host=host, port=port, log_level="warning")
