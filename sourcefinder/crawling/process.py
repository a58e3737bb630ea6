"""Run Scrapy spiders into the database, in a child process so that Python callers can crawl repeatedly."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from scrapy.settings import Settings

SpiderSpec = tuple[str, Mapping[str, str]]


def crawl_settings(db_path: str | Path, overrides: Mapping[str, Any] | None = None) -> Settings:
    """The project's Scrapy settings pointed at ``db_path`` (images and HTTP cache beside it), with overrides."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "sourcefinder.settings")
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    settings.set("SOURCEFINDER_DB", str(db_path), priority="cmdline")
    settings.set("IMAGES_STORE", str(Path(db_path).parent / "images"), priority="cmdline")
    settings.set("HTTPCACHE_DIR", str(Path(db_path).parent.resolve() / "httpcache"), priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def _crawl_main(spiders: Sequence[SpiderSpec], db_path: str, overrides: Mapping[str, Any]) -> None:
    from scrapy.crawler import CrawlerProcess

    process = CrawlerProcess(crawl_settings(db_path, overrides))
    for name, arguments in spiders:
        process.crawl(name, **dict(arguments))
    process.start()


def start_crawl(
    spiders: Sequence[SpiderSpec], db_path: str | Path, overrides: Mapping[str, Any] | None = None
) -> multiprocessing.Process:
    """Start the spiders (concurrently) in a child process; ``join()`` it, or poll the database meanwhile."""
    context = multiprocessing.get_context("spawn")
    process = context.Process(
        target=_crawl_main, args=(list(spiders), str(db_path), dict(overrides or {})), daemon=False
    )
    process.start()
    return process


def crawl(
    spiders: Sequence[SpiderSpec], db_path: str | Path, overrides: Mapping[str, Any] | None = None
) -> int:
    """Run the spiders to the end and return the child's exit code."""
    process = start_crawl(spiders, db_path, overrides)
    process.join()
    return process.exitcode or 0
