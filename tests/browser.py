"""Real headless Chromium for tests (Debian's /usr/bin/chromium through Playwright for Python).

Use the ``chromium`` fixture (one browser per test session) or ``launch()`` in your own fixture; tests are
skipped with the reason when Chromium or Playwright is missing (.ci/run installs both).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
# Offline and quiet: no GPU, no background or component-update traffic, no first-run pages.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def missing() -> str | None:
    """Why the browser cannot start here, or None."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[dev]')"
    return None


def launch(playwright: Any) -> Any:
    """Start Debian's Chromium headless through a started ``sync_playwright()``."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """A headless Chromium browser for the whole session (pages: ``chromium.new_page(viewport=...)``)."""
    reason = missing()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser
        finally:
            browser.close()


def screenshot(
    browser: Any, url: str, path: Path, viewport: dict[str, int] = DESKTOP, full_page: bool = False
) -> Path:
    """Load ``url`` in a new page of ``browser`` and save a PNG screenshot at ``path``."""
    page = browser.new_page(viewport=viewport)
    try:
        page.goto(url, wait_until="networkidle")
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=full_page)
    finally:
        page.close()
    return path
