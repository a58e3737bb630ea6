"""The downloader middlewares built by Scrapy from a crawler with none of sourcefinder's settings: they default
themselves (as Scrapy's own components do) instead of misbehaving."""

from __future__ import annotations

import asyncio
from importlib import resources
from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from sourcefinder import settings as project_settings
from sourcefinder.crawling import middlewares
from sourcefinder.crawling.middlewares import CookiesFileMiddleware, WallBlocked, WallMiddleware

OFFER_URL = "https://detail.1688.com/offer/769706957407.html"


def _plain_crawler(**settings: object) -> Crawler:
    """A crawler on a plain ``scrapy.settings.Settings()`` (Scrapy's defaults) plus ``settings``, no project."""
    return get_crawler(Spider, dict(settings))


def _wall_response(request: Request) -> HtmlResponse:
    body = resources.files("sourcefinder.resources").joinpath("wall_1688_login_jump.html").read_bytes()
    return HtmlResponse(request.url, body=body, encoding="utf-8", request=request)


def test_plain_settings_hold_none_of_ours() -> None:
    crawler = _plain_crawler()
    assert not [name for name, _ in crawler.settings.items() if name.startswith("SOURCEFINDER_")]


def test_wall_middleware_defaults_itself_under_plain_settings() -> None:
    crawler = _plain_crawler()
    wall = build_from_crawler(WallMiddleware, crawler)
    assert (wall.retries, wall.backoff, wall.max_consecutive) == (
        middlewares.WALL_RETRIES,
        middlewares.WALL_BACKOFF,
        middlewares.WALL_MAX_CONSECUTIVE,
    )
    request = Request(OFFER_URL)
    page = HtmlResponse(OFFER_URL, body=b"<html><body>offer</body></html>", request=request)
    assert asyncio.run(wall.process_response(request, page)) is page
    # A wall met after the page's last retry: the page is given up, the crawl is not stopped (with no
    # default, SOURCEFINDER_WALL_MAX_CONSECUTIVE read as 0 would stop it at the first wall).
    spent = Request(OFFER_URL, meta={"wall_retries": middlewares.WALL_RETRIES})
    with pytest.raises(WallBlocked, match="after 2 retries"):
        asyncio.run(wall.process_response(spent, _wall_response(spent)))
    assert crawler.stats.get_value("sourcefinder/pages_given_up") == 1
    assert crawler.stats.get_value("sourcefinder/blocked_message") is None


def test_wall_middleware_reads_the_settings_it_is_given() -> None:
    crawler = _plain_crawler(SOURCEFINDER_WALL_RETRIES=1, SOURCEFINDER_WALL_BACKOFF=0.01)
    wall = build_from_crawler(WallMiddleware, crawler)
    assert (wall.retries, wall.backoff, wall.max_consecutive) == (1, 0.01, middlewares.WALL_MAX_CONSECUTIVE)
    request = Request(OFFER_URL)
    retry = asyncio.run(wall.process_response(request, _wall_response(request)))
    assert isinstance(retry, Request) and retry.meta["wall_retries"] == 1 and retry.dont_filter
    with pytest.raises(WallBlocked, match="after 1 retries"):
        asyncio.run(wall.process_response(retry, _wall_response(retry)))
    assert crawler.stats.get_value("sourcefinder/wall_retries") == 1
    assert crawler.stats.get_value("sourcefinder/pages_blocked") == 2


def test_project_settings_repeat_the_middleware_defaults() -> None:
    assert project_settings.SOURCEFINDER_WALL_RETRIES == middlewares.WALL_RETRIES
    assert project_settings.SOURCEFINDER_WALL_BACKOFF == middlewares.WALL_BACKOFF
    assert project_settings.SOURCEFINDER_WALL_MAX_CONSECUTIVE == middlewares.WALL_MAX_CONSECUTIVE


def test_cookies_middleware_is_off_under_plain_settings() -> None:
    with pytest.raises(NotConfigured):
        build_from_crawler(CookiesFileMiddleware, _plain_crawler())


def test_cookies_middleware_sends_the_file_cookies_under_plain_settings(tmp_path: Path) -> None:
    cookies = tmp_path / "cookies.txt"
    cookies.write_text(
        "# Netscape HTTP Cookie File\n.1688.com\tTRUE\t/\tTRUE\t0\tsession\tSECRET-VALUE\n", encoding="utf-8"
    )
    crawler = _plain_crawler(SOURCEFINDER_COOKIES_FILE=str(cookies))
    middleware = build_from_crawler(CookiesFileMiddleware, crawler)
    on_site, elsewhere = Request(OFFER_URL), Request("https://example.com/")
    middleware.process_request(on_site)
    middleware.process_request(elsewhere)
    assert on_site.cookies == {"session": "SECRET-VALUE"}
    assert elsewhere.cookies == {}
    with pytest.raises(NotConfigured, match="HTTPCACHE_ENABLED"):
        build_from_crawler(
            CookiesFileMiddleware,
            _plain_crawler(SOURCEFINDER_COOKIES_FILE=str(cookies), HTTPCACHE_ENABLED=True),
        )
