"""A local HTTP server for crawl tests: fixed routes on 127.0.0.1, a wall on chosen requests, started and
stopped by the test (the way Scrapy's own tests use a mock server)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Route:
    """What a path answers: a body, its type, and how many first requests get the wall instead."""

    body: bytes
    content_type: str = "text/html; charset=utf-8"
    walls_first: int = 0


@dataclass
class MockServer:
    """Serve ``routes`` (path -> Route, query string ignored unless the key has one) until stopped."""

    routes: dict[str, Route]
    wall: bytes = b""
    hits: Counter = field(default_factory=Counter)
    cookies_seen: list[str] = field(default_factory=list)

    def __enter__(self) -> MockServer:
        handler = _handler(self)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def answer(self, target: str, cookie: str | None) -> tuple[int, str, bytes]:
        if cookie:
            self.cookies_seen.append(cookie)
        route = self.routes.get(target) or self.routes.get(urlsplit(target).path)
        if route is None:
            return 404, "text/plain", b"not found"
        self.hits[target] += 1
        if self.hits[target] <= route.walls_first:
            return 200, "text/html; charset=utf-8", self.wall
        return 200, route.content_type, route.body


def _handler(server: MockServer) -> Callable[..., BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            status, content_type, body = server.answer(self.path, self.headers.get("Cookie"))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler
