"""The demo job's crawl: the real spiders pointed at the local marketplace, kept on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sourcefinder.crawling import process as crawling
from sourcefinder.demo.catalogue import build_marketplace
from sourcefinder.demo.server import DemoServer

# The marketplace is local: no politeness delays, every page followed.
CRAWL_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
    "SOURCEFINDER_MAX_PAGES": 0,
    "SOURCEFINDER_WALL_BACKOFF": 0.2,
}


def marketplace_root(db_path: Path) -> Path:
    """Where the demo marketplace of a database is built: beside it."""
    return Path(db_path).parent / "demo-marketplace"


def demo_spiders(server: DemoServer) -> list[crawling.SpiderSpec]:
    """The factory and retail spiders, pointed at the running marketplace and allowed nowhere else."""
    local = {"allowed_domains": "127.0.0.1"}
    return [
        ("factory", {"start_url": server.factory_start_url, "source": "demo1688", **local}),
        ("retail", {"start_url": server.retail_start_url, "source": "demotaobao", **local}),
    ]


def crawl_settings(db_path: Path) -> dict:
    """The demo crawl's settings, logging to crawl.log beside the database."""
    return {**CRAWL_SETTINGS, "LOG_FILE": str(Path(db_path).parent / "crawl.log")}


Crawl = Callable[[list[crawling.SpiderSpec], Path, dict], Any]


def crawl_demo(
    db_path: Path,
    seed: int = 7,
    size: str | int = "default",
    crawl: Crawl = crawling.crawl,
    on_serving: Callable[[Path, str], None] | None = None,
) -> Path:
    """Build the marketplace, serve it and crawl both sides into ``db_path``; return the marketplace root.

    ``crawl`` runs the spiders (the CLI passes one that shows progress); ``on_serving(root, url)`` is told
    where the marketplace is served before the crawl starts."""
    root = build_marketplace(marketplace_root(db_path), seed=seed, size=size)
    with DemoServer(root) as server:
        if on_serving is not None:
            on_serving(root, server.url)
        crawl(demo_spiders(server), Path(db_path), crawl_settings(db_path))
    return root
