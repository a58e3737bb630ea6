"""`sourcefinder import`: a JSON-lines feed through the real spider pipelines, bad lines and bad images included."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from PIL import Image, ImageDraw

from sourcefinder.store import database as store
from tests.badimages import png_header


def _photo(path):
    image = Image.new("RGB", (320, 320), (245, 245, 240))
    draw = ImageDraw.Draw(image)
    draw.ellipse((60, 90, 260, 230), fill=(200, 60, 40))
    draw.rectangle((150, 40, 170, 120), fill=(90, 60, 30))
    image.save(path, quality=90)
    return path


def run_cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    """Run the sourcefinder CLI in a child process (each crawl needs a fresh Twisted reactor)."""
    return subprocess.run(
        [sys.executable, "-m", "sourcefinder", *args],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=cwd,
    )


@pytest.fixture
def feed(tmp_path):
    good = _photo(tmp_path / "spoon.jpg")
    corrupt = tmp_path / "corrupt.jpg"
    corrupt.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg" * 10)
    truncated = tmp_path / "truncated.jpg"
    truncated.write_bytes(good.read_bytes()[:400])
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_header(50_000, 50_000))
    not_image = tmp_path / "page.jpg"
    not_image.write_text("<html><body>404 not found</body></html>", encoding="utf-8")
    base = {"source": "feedshop", "role": "retail", "title": "网红陶瓷勺子 16.5cm", "price": "¥12.5"}
    lines = [
        json.dumps({**base, "item_id": "good", "image_urls": [good.as_uri()]}, ensure_ascii=False),
        "{this is not json",
        json.dumps({**base, "item_id": "noprice", "price": "面议"}, ensure_ascii=False),
        json.dumps({**base, "item_id": "corrupt", "image_urls": [corrupt.as_uri()]}, ensure_ascii=False),
        json.dumps({**base, "item_id": "truncated", "image_urls": [truncated.as_uri()]}, ensure_ascii=False),
        json.dumps({**base, "item_id": "hashonly", "image_phash": "c3a1b2d4e5f60718"}, ensure_ascii=False),
        json.dumps({**base, "item_id": "html", "image_urls": [not_image.as_uri()]}, ensure_ascii=False),
        json.dumps(
            {**base, "item_id": "bomb", "image_urls": [bomb.as_uri(), good.as_uri()]}, ensure_ascii=False
        ),
        "",
        json.dumps({**base, "item_id": "good"}, ensure_ascii=False),  # duplicate id: updated in place
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_import_loads_good_lines_and_reports_bad_ones(feed, tmp_path):
    db_path = tmp_path / "import.db"
    result = run_cli("import", str(feed), "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert "line 2 skipped: not JSON" in result.stderr and "line 3 skipped: no price" in result.stderr
    database = store.open_db(db_path)
    rows = {row["item_id"]: row for row in store.listings(database)}
    assert set(rows) == {"good", "corrupt", "truncated", "hashonly", "html", "bomb"}
    # the bomb is refused, the listing keeps its second, good image
    assert [h["url"] for h in rows["bomb"]["image_hashes"]] == [rows["good"]["image_urls"][0]]
    assert len(rows["good"]["image_hashes"][0]["phash"]) == 16
    assert rows["good"]["image_phash"] == rows["good"]["image_hashes"][0]["phash"]
    assert rows["corrupt"]["image_hashes"] is None and rows["corrupt"]["image_phash"] is None
    assert rows["hashonly"]["image_phash"] == "c3a1b2d4e5f60718"
    runs = {run["spider"]: run for run in database["runs"].rows}
    # lines that need no image fetched are saved in bulk, the others go through the feed spider
    assert (runs["import"]["items_stored"], runs["import"]["items_dropped"]) == (2, 2)
    assert runs["feed"]["items_stored"] == 5 and runs["feed"]["image_errors"] == 4
    assert "listings stored" in result.stdout


def test_bad_images_are_one_line_each_without_traceback(feed, tmp_path):
    db_path = tmp_path / "import.db"
    result = run_cli("import", str(feed), "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    log = (tmp_path / "import.log").read_text(encoding="utf-8")
    assert "Traceback" not in log and "Traceback" not in result.stderr
    for item_id, name in [("corrupt", "corrupt.jpg"), ("html", "page.jpg"), ("bomb", "bomb.png")]:
        lines = [line for line in log.splitlines() if name in line]
        assert len(lines) == 1, lines
        assert f"Listing feedshop:{item_id}: image file://" in lines[0] and " skipped: " in lines[0]
        # the same line is shown to the user
        assert any(name in line and f"feedshop:{item_id}" in line for line in result.stderr.splitlines())
    assert "not an image" in next(line for line in log.splitlines() if "page.jpg" in line)
