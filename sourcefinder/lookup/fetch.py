"""Fetch one product page through the project's spiders (same politeness and wall handling), into a database."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from sourcefinder.crawling import process as crawling
from sourcefinder.lookup.safety import FetchPolicy, RefusedURL
from sourcefinder.store import database as store

logger = logging.getLogger(__name__)
POLICY_MIDDLEWARE = "sourcefinder.lookup.fetch.FetchPolicyMiddleware"
# One page: no page budget beyond it, walls reported at once instead of retried with long back-off.
ONE_PAGE_SETTINGS = {
    "SOURCEFINDER_MAX_PAGES": 1,
    "SOURCEFINDER_WALL_RETRIES": 0,
    "SOURCEFINDER_WALL_MAX_CONSECUTIVE": 1,
    "REDIRECT_MAX_TIMES": 5,
    "DOWNLOAD_TIMEOUT": 20,
    "LOG_LEVEL": "WARNING",
    "LOG_FILE_APPEND": False,
}


class FetchRefused(ValueError):
    """The page was not fetched (refused, walled, unreachable or not a product page); says why in one line."""


class FetchPolicyMiddleware:
    """Downloader middleware: drop every request (redirects, robots.txt and images included) that
    SOURCEFINDER_FETCH_TRUSTED's FetchPolicy refuses, and record why."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.policy = FetchPolicy(trusted=tuple(crawler.settings.getlist("SOURCEFINDER_FETCH_TRUSTED")))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FetchPolicyMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        try:
            self.policy.check_request(request.url)
        except RefusedURL as exc:
            logger.warning("Refused %s: %s", request.url, exc)
            self.crawler.stats.set_value("sourcefinder/refused", str(exc))
            raise IgnoreRequest(str(exc)) from exc


@dataclass(frozen=True)
class Fetched:
    """The listing a fetched page held, as stored."""

    listing: dict[str, Any]
    spider: str


def fetch_settings(db_path: Path, policy: FetchPolicy) -> dict[str, Any]:
    """The crawl settings of a one-page lookup fetch: the project's, plus the policy middleware."""
    middlewares = dict(crawling.crawl_settings(db_path).getdict("DOWNLOADER_MIDDLEWARES"))
    middlewares[POLICY_MIDDLEWARE] = 50
    return {
        **ONE_PAGE_SETTINGS,
        "DOWNLOADER_MIDDLEWARES": middlewares,
        "SOURCEFINDER_FETCH_TRUSTED": list(policy.trusted),
        "LOG_FILE": str(Path(db_path).parent / "lookup-fetch.log"),
    }


def fetch_listing(url: str, db_path: Path, policy: FetchPolicy) -> Fetched:
    """Crawl the one product page at ``url`` into ``db_path``; raises RefusedURL or FetchRefused."""
    spider = policy.spider_for(url)
    host = urlsplit(url).hostname or ""
    before = _last_run(db_path)
    code = crawling.crawl(
        [(spider, {"start_url": url, "allowed_domains": host})], db_path, fetch_settings(db_path, policy)
    )
    run = _last_run(db_path)
    if code != 0 or run is None or run == before:
        raise FetchRefused(
            f"the crawl of {url} did not run (exit code {code}); see {Path(db_path).parent / 'lookup-fetch.log'}"
        )
    if run.get("pages_blocked"):
        raise FetchRefused(
            f"the site answered {url} with an anti-bot or login wall: try again later or crawl with cookies"
        )
    listing = _stored(db_path, url, run)
    if listing is None:
        refused = _refused_reason(db_path)
        reason = refused or run.get("message") or "no product data on the page (or it could not be reached)"
        raise FetchRefused(f"nothing stored from {url}: {reason}")
    return Fetched(listing, spider)


def _last_run(db_path: Path) -> dict[str, Any] | None:
    if not Path(db_path).exists():
        return None
    database = store.open_db(db_path)
    return next(database.query("select * from runs order by id desc limit 1"), None)


def _stored(db_path: Path, url: str, run: dict[str, Any]) -> dict[str, Any] | None:
    """The listing the run stored (updated at or after its start), preferring the one with this URL."""
    database = store.open_db(db_path)
    rows = list(
        database.query(
            "select * from listings where updated_at >= ? order by url = ? desc limit 1",
            [run["started_at"], url],
        )
    )
    return store.from_row(rows[0]) if rows else None


def _refused_reason(db_path: Path) -> str | None:
    log = Path(db_path).parent / "lookup-fetch.log"
    if not log.exists():
        return None
    lines = [line for line in log.read_text(errors="replace").splitlines() if "Refused " in line]
    return lines[-1].split(": ", 2)[-1] if lines else None
