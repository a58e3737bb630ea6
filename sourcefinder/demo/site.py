"""The demo marketplace's routing: which page answers a request path, and the wall that guards the pages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from sourcefinder.demo.catalogue import load_catalogue
from sourcefinder.demo.factory_pages import FACTORY_PAGE_SIZE, factory_index_page, factory_offer_page
from sourcefinder.demo.markup import html_page
from sourcefinder.demo.retail_pages import retail_item_page, retail_search_page


@dataclass(frozen=True)
class Page:
    """An HTTP answer: status, content type and body."""

    status: int
    content_type: str
    body: bytes


@cache
def saved_wall(site: str) -> str:
    """A real anti-bot wall (login_jump, ``<!--rgv587_flag:sm-->``) saved from ``site``: "1688" or "tmall"."""
    return (
        resources.files("sourcefinder.resources").joinpath(f"wall_{site}_login_jump.html").read_text("utf-8")
    )


def home_page(counts: dict[str, int]) -> str:
    """The index of the demo marketplace, linking both sites."""
    body = (
        "<h1>sourcefinder 演示市场 (demo marketplace)</h1>\n<ul>\n"
        f'<li><a href="/1688/offers?page=1">工厂货源 1688 ({counts["factory"]} offers)</a></li>\n'
        f'<li><a href="/taobao/search?q=">淘宝零售 ({counts["retail"]} listings)</a></li>\n'
        '<li><a href="/taobao/search?q=%E5%8B%BA">搜索「勺」</a></li>\n</ul>'
    )
    return html_page("sourcefinder demo marketplace", body)


# --- routing --------------------------------------------------------------------------------------


_OFFER_PATH = re.compile(r"^/1688/offer/(\d+)\.html$")
_IMAGE_PATH = re.compile(r"^/img/(1688|taobao)/[\w.-]+\.jpg$")


class Site:
    """Both sites over one built catalogue: ``answer(path, base)`` returns the page for a request path."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        catalogue = load_catalogue(self.root)
        self.factory = catalogue["factory"]
        self.retail = catalogue["retail"]
        self.factory_by_id = {o["id"]: o for o in self.factory}
        self.retail_by_id = {i["id"]: i for i in self.retail}

    def answer(self, target: str, base: str) -> Page:
        """The page for a request target (path and query), with absolute links on ``base``."""
        parts = urlsplit(target)
        path, query = parts.path, parse_qs(parts.query)
        if _IMAGE_PATH.match(path):
            file = self.root / path.lstrip("/")
            return Page(200, "image/jpeg", file.read_bytes()) if file.is_file() else _not_found()
        if path == "/robots.txt":
            return Page(200, "text/plain; charset=utf-8", b"User-agent: *\nAllow: /\n")
        if path == "/":
            return _html(home_page({"factory": len(self.factory), "retail": len(self.retail)}))
        if path == "/1688/offers":
            page = _int(query, "page", 1)
            if page < 1 or (page - 1) * FACTORY_PAGE_SIZE >= max(1, len(self.factory)):
                return _not_found()
            return _html(factory_index_page(self.factory, page, base))
        if match := _OFFER_PATH.match(path):
            offer = self.factory_by_id.get(match.group(1))
            return _html(factory_offer_page(offer, base)) if offer else _not_found()
        if path == "/taobao/search":
            q = query.get("q", [""])[0]
            return _html(retail_search_page(self.retail, q, max(0, _int(query, "s", 0)), base))
        if path == "/taobao/item.htm":
            listing = self.retail_by_id.get(query.get("id", [""])[0])
            return _html(retail_item_page(listing, base)) if listing else _not_found()
        return _not_found()


def is_page(target: str) -> bool:
    """Whether a request is for a product or list page (what an anti-bot wall guards)."""
    return urlsplit(target).path.startswith(("/1688/", "/taobao/"))


def wall_page(target: str) -> Page:
    """The real login wall of the site the request was for."""
    wall = saved_wall("1688" if urlsplit(target).path.startswith("/1688/") else "tmall")
    return _html(wall)


def _int(query: dict[str, list[str]], name: str, default: int) -> int:
    try:
        return int(query.get(name, [default])[0])
    except ValueError:
        return default


def _html(text: str) -> Page:
    return Page(200, "text/html; charset=utf-8", text.encode("utf-8"))


def _not_found() -> Page:
    return Page(
        404, "text/html; charset=utf-8", html_page("404 Not Found", "<h1>404 Not Found</h1>").encode("utf-8")
    )
