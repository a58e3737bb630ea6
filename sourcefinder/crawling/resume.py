"""Resumable crawls: a request counts as done only once the items of its response are committed.

Scrapy's JOBDIR records a request as seen when it is scheduled, so a crawl killed between fetching a page and
storing its listing loses that listing for good. Here every request a spider yields is written to the
``crawl_frontier`` table of the crawl's database (pending), and marked done when its callback has finished and
every item it produced has left the item pipelines (stored or dropped). A crawl that ends ``finished`` clears
its frontier; a killed or interrupted one leaves it, and the next run of the same job yields the pending
requests instead of the start requests, and drops any request already done.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from collections.abc import AsyncIterator
from typing import Any

import sqlite_utils
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.request import request_from_dict

from sourcefinder.store import database as store

logger = logging.getLogger(__name__)

FRONTIER_META = "sourcefinder_frontier"  # request.meta key: the request's fingerprint in the frontier
# Defaults of the settings read here (sourcefinder.settings repeats them).
RESUME = True  # SOURCEFINDER_RESUME: keep a frontier and resume a crawl that did not finish


def job_key(spider: Spider, job: str | None = None) -> str:
    """The frontier's name for a crawl: SOURCEFINDER_JOB, else the spider's name and start URLs."""
    if job:
        return job
    urls = ",".join(getattr(spider, "start_urls", []) or [])
    return f"{spider.name} {hashlib.sha1(urls.encode()).hexdigest()[:12]}"


def ensure_frontier(db: sqlite_utils.Database) -> None:
    """Create the crawl_frontier table when missing."""
    db["crawl_frontier"].create(
        {"job": str, "fingerprint": str, "request": bytes, "done": int},
        pk=("job", "fingerprint"),
        if_not_exists=True,
    )


def frontier_counts(db: sqlite_utils.Database, job: str) -> tuple[int, int]:
    """How many requests of a job's frontier are done, and how many pending."""
    rows = db.execute(
        "select done, count(*) from crawl_frontier where job = ? group by done", [job]
    ).fetchall()
    counts = dict(rows)
    return counts.get(1, 0), counts.get(0, 0)


class CommittedRequests:
    """Spider middleware keeping the crawl's frontier in SQLite (see the module's docstring)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.path = crawler.settings.get("SOURCEFINDER_DB") or store.default_db_path()
        self.db: sqlite_utils.Database | None = None
        self.job = ""
        self.done: set[str] = set()
        self.open: dict[str, list[int]] = {}  # fingerprint -> [items not yet through the pipelines, finished]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CommittedRequests:
        if not crawler.settings.getbool("SOURCEFINDER_RESUME", RESUME):
            raise NotConfigured("SOURCEFINDER_RESUME is off")
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(middleware.item_left, signal=signal)
        return middleware

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """The pending requests of an unfinished run of this job, else the spider's start requests."""
        spider = self.crawler.spider
        self.db = store.open_db(self.path)
        ensure_frontier(self.db)
        self.job = job_key(spider, self.crawler.settings.get("SOURCEFINDER_JOB"))
        done, pending = frontier_counts(self.db, self.job)
        if pending:
            logger.info(f"Resuming {self.job}: {done} requests done, {pending} pending")
            self.crawler.stats.set_value("sourcefinder/requests_resumed", pending)
            self.done = {fp for (fp,) in self.db.execute(
                "select fingerprint from crawl_frontier where job = ? and done = 1", [self.job]
            )}  # fmt: skip
            for request in self._pending(spider):
                yield request
            return
        with self.db.conn:
            self.db.execute("delete from crawl_frontier where job = ?", [self.job])
        async for entry in start:
            yield self._record(entry) if isinstance(entry, Request) else entry

    def _pending(self, spider: Spider) -> list[Request]:
        rows = self.db.execute(
            "select request from crawl_frontier where job = ? and done = 0", [self.job]
        ).fetchall()
        return [request_from_dict(pickle.loads(blob), spider=spider) for (blob,) in rows]  # noqa: S301 (our own rows)

    def process_spider_input(self, response: Response) -> None:
        """Count the pages that reach a callback (the pages a run fetched)."""
        self.crawler.stats.inc_value("sourcefinder/pages_fetched")

    async def process_spider_output(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        """Record each new request as pending and count each item; the response's request is done after."""
        key = response.meta.get(FRONTIER_META)
        state = self.open.setdefault(key, [0, 0]) if key else None
        async for entry in result:
            if isinstance(entry, Request):
                if self._fingerprint(entry) in self.done:
                    self.crawler.stats.inc_value("sourcefinder/requests_already_done")
                    continue
                yield self._record(entry)
            else:
                if state is not None:
                    state[0] += 1
                yield entry
        if state is not None:
            state[1] = 1
            self._settle(key)

    def item_left(self, item: Any, response: Any = None, **kwargs: Any) -> None:
        """An item was stored (or dropped): its response's request may now be done."""
        key = response.meta.get(FRONTIER_META) if isinstance(response, Response) else None
        if key in self.open:
            self.open[key][0] -= 1
            self._settle(key)

    def _settle(self, key: str) -> None:
        items, finished = self.open[key]
        if finished and items <= 0 and self.db is not None:
            del self.open[key]
            with self.db.conn:
                self.db.execute(
                    "update crawl_frontier set done = 1 where job = ? and fingerprint = ?", [self.job, key]
                )

    def _fingerprint(self, request: Request) -> str:
        return self.crawler.request_fingerprinter.fingerprint(request).hex()

    def _record(self, request: Request) -> Request:
        """Write a request to the frontier as pending (once) and tag it with its fingerprint.

        A request that cannot be written (a callback that is not a spider method) runs untracked."""
        key = self._fingerprint(request)
        try:
            blob = pickle.dumps(request.to_dict(spider=self.crawler.spider), protocol=5)
        except (ValueError, TypeError, pickle.PicklingError) as exc:
            self.crawler.stats.inc_value("sourcefinder/requests_not_resumable")
            logger.debug(f"{request.url} is not resumable: {exc}")
            return request
        request.meta[FRONTIER_META] = key
        with self.db.conn:
            self.db.execute(
                "insert or ignore into crawl_frontier (job, fingerprint, request, done) values (?, ?, ?, 0)",
                [self.job, key, blob],
            )
        return request

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """A finished crawl clears its frontier; any other end keeps it for the next run."""
        if self.db is None:
            return
        if reason == "finished":
            with self.db.conn:
                self.db.execute("delete from crawl_frontier where job = ?", [self.job])
        self.db.close()
