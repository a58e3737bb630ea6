"""Crawling commands: crawl, import, parse (and the crawl progress display the demo shares)."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Annotated, TextIO

import typer

from sourcefinder.cli.common import DbOption, app, console, err, fail
from sourcefinder.crawling import feed_import
from sourcefinder.crawling import process as crawling
from sourcefinder.crawling.middlewares import load_cookies
from sourcefinder.store import database as store


def run_crawl(spiders: list[crawling.SpiderSpec], db: Path, overrides: dict, label: str) -> int:
    """Crawl in a child process while showing how many listings the database holds; the listings stored."""
    before = store.role_counts(db)
    process = crawling.start_crawl(spiders, db, overrides)
    with console.status(label) as status:
        while process.is_alive():
            process.join(0.5)
            now = store.role_counts(db)
            new = {role: now.get(role, 0) - before.get(role, 0) for role in now}
            status.update(f"{label}: " + ", ".join(f"{n} {role}" for role, n in sorted(new.items())))
    if process.exitcode:
        log = overrides.get("LOG_FILE") or db.parent / "crawl.log"
        raise fail(f"the crawl ended with exit code {process.exitcode}; see {log}")
    return _print_runs(db, len(spiders))


def _print_runs(db: Path, last: int) -> int:
    """Print the last runs with their counts; the listings they stored."""
    database = store.open_db(db)
    stored = 0
    for run in database.query("select * from runs order by id desc limit ?", [last]):
        stored += run["items_stored"] or 0
        line = (
            f"  {run['spider']}: {run['items_stored'] or 0} listings stored ({run['items_new'] or 0} new), "
            f"{run['items_dropped'] or 0} dropped, {run['pages_blocked'] or 0} blocked pages, "
            f"{run['image_errors'] or 0} image errors, status {run['status']}"
        )
        console.print(line, highlight=False)
        if run["message"]:
            err.print(f"[yellow]{run['message']}[/yellow]", highlight=False)
    database.close()
    return stored


def _pairs(values: list[str], option: str) -> dict[str, str]:
    out = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep or not name:
            raise fail(f"{option} takes NAME=VALUE, not {value!r}")
        out[name] = setting
    return out


@app.command("crawl")
def crawl_command(
    spider: Annotated[str, typer.Argument(help="factory, retail or feed.")],
    db: DbOption,
    arg: Annotated[list[str], typer.Option("-a", help="Spider argument NAME=VALUE (repeatable).")] = [],  # noqa: B006
    setting: Annotated[list[str], typer.Option("-s", help="Scrapy setting NAME=VALUE (repeatable).")] = [],  # noqa: B006
    cookies: Annotated[
        Path | None,
        typer.Option(help="Netscape cookies.txt from your own browser, for sites that need a login."),
    ] = None,
) -> None:
    """Run a spider into the database (Scrapy underneath; `scrapy crawl` from the repository works too).

    A crawl that was killed half-way resumes on its next run with the same spider and arguments.

    Example: sourcefinder crawl retail -a start_url="https://s.taobao.com/search?q=陶瓷勺子" -a max_pages=2
    """
    settings = _pairs(setting, "-s")
    settings.setdefault("LOG_FILE", str(db.parent / "crawl.log"))
    if cookies is not None:
        try:
            load_cookies(str(cookies))
        except ValueError as exc:
            raise fail(str(exc)) from exc
        settings["SOURCEFINDER_COOKIES_FILE"] = str(cookies.resolve())
    run_crawl([(spider, _pairs(arg, "-a"))], db, settings, f"Crawling with {spider}")


@app.command("import")
def import_command(
    feed: Annotated[Path, typer.Argument(help="JSON-lines file of listings in the item schema.")],
    db: DbOption,
) -> None:
    """Load listings from a JSON-lines feed; bad lines are skipped, one line each.

    Listings that carry their image hashes (or have no image) are saved in bulk; those whose images must be
    fetched and hashed go through the feed spider.

    Example: sourcefinder import listings.jsonl --db data/sourcefinder.db
    """
    if not feed.is_file():
        raise fail(f"no feed file at {feed}")
    log = db.parent / "import.log"
    database = store.open_db(db)
    with tempfile.TemporaryDirectory(prefix="sourcefinder-import-") as tmp:
        pending = Path(tmp) / "pending.jsonl"
        with log.open("a", encoding="utf-8") as log_file, pending.open("w", encoding="utf-8") as out:
            reporter = _BadLineReporter(log_file)
            with console.status(f"Importing {feed}"):
                result = feed_import.import_ready(database, feed, out, reporter)
        database.close()
        reporter.summary()
        _print_runs(db, 1)
        if result.pending:
            start = log.stat().st_size
            run_crawl(
                [("feed", {"path": str(pending)})], db, {"LOG_FILE": str(log)}, f"Fetching images of {feed}"
            )
            _print_skipped(log, start)


def _print_skipped(log: Path, start: int) -> None:
    """Print the lines that the feed spider's run added to the log about skipped images or lines."""
    with log.open(encoding="utf-8", errors="replace") as lines:
        lines.seek(start)
        for line in lines:
            if " skipped: " in line:
                err.print(line.rstrip("\n").split("] ", 1)[-1], highlight=False, markup=False, emoji=False)


class _BadLineReporter:
    """Writes every bad line to the import log and the first ones to the terminal."""

    shown = 50

    def __init__(self, log_file: TextIO) -> None:
        self.log_file = log_file
        self.count = 0

    def __call__(self, message: str) -> None:
        self.count += 1
        self.log_file.write(message + "\n")
        if self.count <= self.shown:
            err.print(message, highlight=False, markup=False, emoji=False)

    def summary(self) -> None:
        """Say how many bad lines were not shown."""
        if self.count > self.shown:
            err.print(f"... and {self.count - self.shown} more bad lines, in the import log", highlight=False)


@app.command("parse")
def parse_command(
    source: Annotated[str, typer.Argument(help="A saved page, or an http(s):// URL to fetch.")],
    db: DbOption,
    url: Annotated[
        str | None, typer.Option(help="The page's original URL (helps choose the parser).")
    ] = None,
    spider: Annotated[str | None, typer.Option(help="Force a parser: factory or retail.")] = None,
) -> None:
    """Print as JSON lines what the spiders extract from one saved page.

    Example: sourcefinder parse saved/offer.html --url https://detail.1688.com/offer/769706957407.html
    """
    from sourcefinder.sites import WallError, parse_page
    from sourcefinder.sites.jsdata import PageDataError

    text, page_url = _read_page(source, url)
    try:
        listings = parse_page(text, page_url, spider=spider)
    except WallError as exc:
        raise fail(f"{source} is an anti-bot or login wall, not a product page: {exc}") from exc
    except PageDataError as exc:
        raise fail(f"no listing data in {source}: {exc}") from exc
    for listing in listings:
        sys.stdout.write(json.dumps(listing, ensure_ascii=False) + "\n")


def _read_page(source: str, url: str | None) -> tuple[str, str | None]:
    if source.startswith(("http://", "https://")):
        from urllib.request import Request, urlopen

        from sourcefinder.settings import USER_AGENT

        with urlopen(Request(source, headers={"User-Agent": USER_AGENT}), timeout=20) as response:  # noqa: S310
            return response.read(32 * 1024 * 1024).decode("utf-8", "replace"), url or source
    path = Path(source)
    if not path.is_file():
        raise fail(f"no such file: {source}")
    return path.read_text(encoding="utf-8", errors="replace"), url
