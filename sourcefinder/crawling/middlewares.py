"""Downloader middlewares: recognise anti-bot and login walls (back off, stop a blocked crawl); send login cookies.

Each reads its settings with the defaults below, as Scrapy's own components do, so they behave the same under
any settings module (sourcefinder.settings only repeats these values).
"""

from __future__ import annotations

import http.cookiejar
import logging
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response, TextResponse
from scrapy.utils.asyncio import sleep
from scrapy.utils.defer import deferred_from_coro

from sourcefinder.sites.walls import detect_wall

logger = logging.getLogger(__name__)

# Defaults of the settings these middlewares read.
WALL_RETRIES = 2  # SOURCEFINDER_WALL_RETRIES: retries of a page that met a wall
WALL_BACKOFF = 10.0  # SOURCEFINDER_WALL_BACKOFF: seconds before the first retry, doubled each time
WALL_MAX_CONSECUTIVE = 5  # SOURCEFINDER_WALL_MAX_CONSECUTIVE: walls in a row that stop the crawl

BLOCKED_MESSAGE = (
    "{site} answered {count} requests in a row with an anti-bot or login wall ({reason}). "
    "The crawl stops here so as not to hammer it. Slow down (-s DOWNLOAD_DELAY=10), crawl fewer pages, "
    "or pass cookies exported from your own logged-in browser with --cookies cookies.txt."
)


class WallBlocked(IgnoreRequest):
    """A request that still met a wall after its retries."""


class WallMiddleware:
    """Retry wall pages with growing back-off a bounded number of times; close the spider after many in a row."""

    def __init__(
        self,
        crawler: Crawler,
        retries: int = WALL_RETRIES,
        backoff: float = WALL_BACKOFF,
        max_consecutive: int = WALL_MAX_CONSECUTIVE,
    ) -> None:
        self.crawler = crawler
        self.retries = retries
        self.backoff = backoff
        self.max_consecutive = max_consecutive
        self.consecutive = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WallMiddleware:
        """Built by Scrapy: each SOURCEFINDER_WALL_* setting, or its default."""
        settings = crawler.settings
        return cls(
            crawler,
            retries=settings.getint("SOURCEFINDER_WALL_RETRIES", WALL_RETRIES),
            backoff=settings.getfloat("SOURCEFINDER_WALL_BACKOFF", WALL_BACKOFF),
            max_consecutive=settings.getint("SOURCEFINDER_WALL_MAX_CONSECUTIVE", WALL_MAX_CONSECUTIVE),
        )

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        reason = detect_wall(response.body, response.url) if isinstance(response, TextResponse) else None
        if reason is None:
            self.consecutive = 0
            return response
        stats = self.crawler.stats
        stats.inc_value("sourcefinder/pages_blocked")
        self.consecutive += 1
        logger.warning("Wall at %s: %s", response.url, reason)
        if self.consecutive >= self.max_consecutive:
            self._stop(request, reason)
            raise WallBlocked(f"wall: {reason}")
        attempt = request.meta.get("wall_retries", 0)
        if attempt >= self.retries:
            stats.inc_value("sourcefinder/pages_given_up")
            raise WallBlocked(f"wall after {attempt} retries: {reason}")
        await sleep(self.backoff * 2**attempt)
        stats.inc_value("sourcefinder/wall_retries")
        retry = request.replace(dont_filter=True)
        retry.meta["wall_retries"] = attempt + 1
        return retry

    def _stop(self, request: Request, reason: str) -> None:
        message = BLOCKED_MESSAGE.format(
            site=request.url.split("/")[2], count=self.consecutive, reason=reason
        )
        logger.error(message)
        self.crawler.stats.set_value("sourcefinder/blocked_message", message)
        if self.crawler.engine is not None and self.crawler.spider is not None:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="blocked"))


class CookiesFileMiddleware:
    """Send the cookies of a Netscape cookies.txt (SOURCEFINDER_COOKIES_FILE) to the sites they belong to.

    The cookies go through Scrapy's own CookiesMiddleware; they are never logged, and the HTTP cache (which
    would keep request headers on disk) is refused while they are in use.
    """

    def __init__(self, jar: http.cookiejar.MozillaCookieJar | None) -> None:
        self.jar = jar

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CookiesFileMiddleware:
        """Built by Scrapy: off (NotConfigured) unless SOURCEFINDER_COOKIES_FILE names a file."""
        path = crawler.settings.get("SOURCEFINDER_COOKIES_FILE", None)
        if not path:
            raise NotConfigured
        if crawler.settings.getbool("HTTPCACHE_ENABLED", False):
            raise NotConfigured(
                "refusing to use login cookies with HTTPCACHE_ENABLED (the cache stores headers)"
            )
        return cls(load_cookies(path))

    def process_request(self, request: Request) -> None:
        host = urlsplit(request.url).hostname or ""
        for cookie in self.jar:
            domain = cookie.domain.lstrip(".")
            if (host == domain or host.endswith("." + domain)) and cookie.name not in request.cookies:
                request.cookies[cookie.name] = cookie.value


def load_cookies(path: str) -> http.cookiejar.MozillaCookieJar:
    """Read a Netscape cookies.txt as exported by browser extensions; a clear error if it is not one."""
    jar = http.cookiejar.MozillaCookieJar(path)
    try:
        jar.load(ignore_discard=True, ignore_expires=True)
    except (OSError, http.cookiejar.LoadError) as exc:
        raise ValueError(f"cannot read cookies from {path}: {exc}") from exc
    return jar
