"""The local HTTP server of the demo marketplace (stdlib only), on 127.0.0.1.

Usage::

    with DemoServer(root) as server:
        server.url  # "http://127.0.0.1:PORT"; also server.factory_start_url, server.retail_start_url
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

from sourcefinder.demo.site import Page, Site, is_page, wall_page

HOST = "127.0.0.1"


class _Wall:
    """Counts page requests and says which ones get the anti-bot wall (every Nth; never when N is 0)."""

    def __init__(self, every: int) -> None:
        self.every = every
        self.count = 0
        self.lock = threading.Lock()

    def hit(self) -> bool:
        if not self.every:
            return False
        with self.lock:
            self.count += 1
            return self.count % self.every == 0


def _handler(site: Site, wall: _Wall) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "sourcefinder-demo/1"

        def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
            self._send(self._page(), body=True)

        def do_HEAD(self) -> None:  # noqa: N802
            self._send(self._page(), body=False)

        def _page(self) -> Page:
            if is_page(self.path) and wall.hit():
                return wall_page(self.path)
            host, port = self.server.server_address[:2]
            return site.answer(self.path, f"http://{host}:{port}")

        def _send(self, page: Page, body: bool) -> None:
            self.send_response(page.status)
            self.send_header("Content-Type", page.content_type)
            self.send_header("Content-Length", str(len(page.body)))
            self.end_headers()
            if body:
                self.wfile.write(page.body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the stdlib's name)
            """Stay quiet: a crawl makes thousands of requests."""

    return Handler


class DemoServer:
    """The demo marketplace served from a built catalogue in a background thread, until ``stop()``."""

    def __init__(self, root: Path, wall_every: int = 0, port: int = 0) -> None:
        self._httpd = ThreadingHTTPServer((HOST, port), _handler(Site(Path(root)), _Wall(wall_every)))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()
        self._stopped = False

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        """The base URL, ``http://127.0.0.1:PORT`` (no trailing slash)."""
        return f"http://{HOST}:{self.port}"

    @property
    def factory_start_url(self) -> str:
        return f"{self.url}/1688/offers?page=1"

    @property
    def retail_start_url(self) -> str:
        return f"{self.url}/taobao/search?q=&s=0"

    def stop(self) -> None:
        """Stop serving and free the port (safe to call twice)."""
        if self._stopped:
            return
        self._stopped = True
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    def __enter__(self) -> DemoServer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def serve_forever(root: Path, port: int = 8000, wall_every: int = 0) -> None:
    """Serve the demo marketplace in the foreground until Ctrl-C (for ``sourcefinder demo serve``)."""
    with DemoServer(root, wall_every=wall_every, port=port) as server:
        print(
            f"demo marketplace on {server.url}/ (factory: {server.factory_start_url}, retail: {server.retail_start_url})"
        )
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
