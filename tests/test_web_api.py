"""The JSON API and the safety rules, against uvicorn on 127.0.0.1 serving the crawled demo."""

from __future__ import annotations

import http.server
import io
import threading

import httpx
import pytest
from PIL import Image

from sourcefinder.lookup.images import MAX_UPLOAD_BYTES
from sourcefinder.lookup.safety import FetchPolicy
from sourcefinder.web.app import create_app
from tests.badimages import png_header
from tests.lookup_demo import serving, shared_demo
from tests.test_lookup_cli import PHOTO_RETAIL, PHOTO_SOURCE, RETAIL, SOURCE


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return shared_demo(tmp_path_factory)


@pytest.fixture(scope="module")
def api(demo):
    """A client of the app served on 127.0.0.1; supported-site names resolve to loopback (to be refused)."""
    policy = FetchPolicy(resolver=lambda host, port: ["127.0.0.1"])
    with (
        serving(create_app(demo.db, policy=policy)) as base,
        httpx.Client(base_url=base, timeout=120) as client,
    ):
        yield client


def one_line_error(response: httpx.Response, status: int, words: str) -> None:
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, str) and "\n" not in detail and words in detail, detail


def test_title_lookup(api, demo):
    title = next(iter(api.get(f"/api/listings/{RETAIL}").json()["title"].split("\n")))
    body = api.get("/api/lookup", params={"q": title}).json()
    first = body["results"][0]
    assert first["factory_id"] == SOURCE
    for key in (
        "factory_title",
        "factory_price",
        "moq",
        "shipping_fee",
        "landed_cost",
        "saving",
        "confidence",
        "evidence",
    ):
        assert key in first


def test_photo_and_screenshot_uploads(api, demo, tmp_path):
    photo = demo.photo(PHOTO_RETAIL).read_bytes()
    body = api.post("/api/lookup", files={"image": ("p.jpg", photo, "image/jpeg")}).json()
    assert body["kind"] == "photo" and body["results"][0]["factory_id"] == PHOTO_SOURCE
    shot = retail_screenshot(demo, tmp_path)
    body = api.post("/api/lookup", files={"image": ("s.png", shot, "image/png")}).json()
    assert body["kind"] == "screenshot"
    assert body["query"]["price"] == 196.5
    assert body["results"][0]["factory_id"] == SOURCE


def retail_screenshot(demo, tmp_path) -> bytes:
    """A Chromium screenshot of the demo server's retail page of RETAIL."""
    from tests.browser import CHROMIUM, CHROMIUM_ARGS, missing

    if missing():
        pytest.skip(missing())
    import subprocess

    from sourcefinder.demo.server import DemoServer

    path = tmp_path / "retail.png"
    with DemoServer(demo.root) as server:
        url = f"{server.url}/taobao/item.htm?id={RETAIL.split(':')[1]}"
        subprocess.run(
            [CHROMIUM, *CHROMIUM_ARGS, f"--screenshot={path}", "--window-size=900,700", "--hide-scrollbars", url],
            capture_output=True, timeout=120, check=True,
        )  # fmt: skip
    return path.read_bytes()


def test_listing_and_its_matches(api):
    listing = api.get(f"/api/listings/{RETAIL}").json()
    assert listing["role"] == "retail" and listing["matches"][0]["factory_id"] == SOURCE
    one_line_error(api.get("/api/listings/nope:1"), 404, "no listing")


def test_openapi_documents_the_api(api):
    paths = api.get("/openapi.json").json()["paths"]
    assert {"/api/lookup", "/api/listings/{listing_id}"} <= set(paths)
    assert set(paths["/api/lookup"]) == {"get", "post"}
    docs = api.get("/docs")
    assert docs.status_code == 200 and "/api/lookup" in docs.text and "cdn" not in docs.text.lower()


def test_bad_uploads_are_refused_with_a_reason(api):
    bomb = png_header(60_000, 60_000)
    one_line_error(
        api.post("/api/lookup", files={"image": ("b.png", bomb, "image/png")}), 422, "not a usable image"
    )
    fake = b"<html>I am not a JPEG</html>"
    one_line_error(
        api.post("/api/lookup", files={"image": ("x.jpg", fake, "image/jpeg")}), 422, "cannot decode"
    )
    huge = b"\xff\xd8" + b"\0" * (MAX_UPLOAD_BYTES + 10)
    assert api.post("/api/lookup", files={"image": ("h.jpg", huge, "image/jpeg")}).status_code == 413
    one_line_error(api.post("/api/lookup", files={"image": ("e.jpg", b"", "image/jpeg")}), 422, "empty")
    one_line_error(api.post("/api/lookup", data={"kind": "photo"}), 422, "image")
    blank = io.BytesIO()
    Image.new("RGB", (900, 500), "white").save(blank, format="PNG")
    files = {"image": ("blank.png", blank.getvalue(), "image/png")}
    one_line_error(
        api.post("/api/lookup", files=files, data={"kind": "screenshot"}), 400, "nothing to search"
    )
    one_line_error(api.post("/api/lookup", files=files, data={"kind": "x"}), 422, "kind")


def test_bad_queries_are_refused_with_a_reason(api):
    one_line_error(api.get("/api/lookup"), 422, "q")
    one_line_error(api.get("/api/lookup", params={"q": "勺" * 600}), 422, "q")
    one_line_error(api.get("/api/lookup", params={"q": "勺子", "limit": "x"}), 422, "limit")


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("file:///etc/passwd", "only http"),
        ("http://127.0.0.1:8000/taobao/item.htm?id=1", "not a supported site"),
        ("http://10.0.0.8/offer/1.html", "not a supported site"),
        ("http://169.254.169.254/latest/meta-data/", "not a supported site"),
        ("http://[::1]:80/item.htm", "not a supported site"),
        ("https://detail.1688.com/offer/1.html", "resolves to loopback"),
        ("https://item.taobao.com/item.htm?id=1", "resolves to loopback"),
    ],
)
def test_server_fetches_only_public_supported_sites(api, url, words):
    one_line_error(api.get("/api/lookup", params={"q": url}), 400, words)


class _Redirect(http.server.BaseHTTPRequestHandler):
    target = ""
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        self.hits.append(self.path)
        if self.path == "/robots.txt":
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(302)
        self.send_header("Location", self.target)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def start(handler: type) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_redirects_to_private_addresses_are_not_followed(demo):
    inner_hits: list[str] = []
    inner = start(type("Inner", (_Redirect,), {"hits": inner_hits, "target": "/"}))
    outer_hits: list[str] = []
    target = f"http://127.0.0.1:{inner.server_address[1]}/taobao/item.htm?id=1"
    outer = start(type("Outer", (_Redirect,), {"hits": outer_hits, "target": target}))
    try:
        policy = FetchPolicy(trusted=(f"127.0.0.1:{outer.server_address[1]}",))
        with serving(create_app(demo.db, policy=policy)) as base:
            url = f"http://127.0.0.1:{outer.server_address[1]}/taobao/item.htm?id=1"
            response = httpx.get(f"{base}/api/lookup", params={"q": url}, timeout=300)
        one_line_error(response, 422, "nothing stored")
        assert "/taobao/item.htm?id=1" in outer_hits
        assert inner_hits == []
    finally:
        inner.shutdown()
        outer.shutdown()


def test_database_is_opened_read_only(demo):
    import sqlite3

    app = create_app(demo.db)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        app.state.lookup.read().execute("insert into runs (spider) values ('x')")
