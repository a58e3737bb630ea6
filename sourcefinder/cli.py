"""The ``sourcefinder`` command line: every stage of spider -> SQLite -> matcher -> deals, usable alone."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from sourcefinder.crawling import process as crawling
from sourcefinder.crawling.middlewares import load_cookies
from sourcefinder.deals.pricing import deals_frame, write_csv
from sourcefinder.match.evaluation import read_truth, score_pairs, stored_pairs
from sourcefinder.match.index import DEFAULT_MIN_CONFIDENCE, match_database
from sourcefinder.store import database as store

app = typer.Typer(
    help="Find the factory source of retail products and show the real markup.",
    no_args_is_help=True,
    rich_markup_mode=None,
    add_completion=False,
)
demo_app = typer.Typer(invoke_without_command=True, rich_markup_mode=None)
app.add_typer(demo_app, name="demo")
# Piped output (files, CI logs) gets 120 columns instead of rich's 80, so tables stay readable.
console = Console(width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True, soft_wrap=True)

DbOption = Annotated[
    Path,
    typer.Option(
        "--db",
        help="SQLite database (default: $SOURCEFINDER_DB or data/sourcefinder.store.database).",
        default_factory=lambda: Path(store.default_db_path()),
        show_default=False,
    ),
]
MinConfidence = Annotated[
    float, typer.Option("--min-confidence", help="Keep matched pairs at or above this confidence (0..1).")
]


def _fail(message: str) -> typer.Exit:
    err.print(f"[red]Error:[/red] {message}", highlight=False)
    return typer.Exit(code=1)


def _run_crawl(spiders: list[crawling.SpiderSpec], db: Path, overrides: dict, label: str) -> int:
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
        raise _fail(f"the crawl ended with exit code {process.exitcode}; see {db.parent / 'crawl.log'}")
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


def _deals_table(frame: pd.DataFrame, top: int) -> Table:
    table = Table(title=f"Top {min(top, len(frame))} deals: retail price against one piece from the factory")
    table.add_column("retail listing", no_wrap=True, max_width=26)
    table.add_column("retail ¥", justify="right")
    table.add_column("factory offer", no_wrap=True, max_width=26)
    for column in ("factory ¥", "moq", "ship ¥", "landed ¥", "markup", "conf"):
        table.add_column(column, justify="right")
    for row in frame.head(top).itertuples():
        table.add_row(
            row.retail_title,
            f"{row.retail_price:.2f}",
            row.factory_title,
            f"{row.factory_price:.2f}",
            str(row.moq),
            "?" if pd.isna(row.shipping_fee) else f"{row.shipping_fee:.2f}",
            f"{row.landed_cost:.2f}",
            f"{row.markup_pct:.0f}%",
            f"{row.confidence:.2f}",
        )
    return table


@demo_app.callback()
def demo(
    ctx: typer.Context,
    db: DbOption,
    size: Annotated[str, typer.Option(help="Marketplace size: default or small.")] = "default",
    seed: Annotated[int, typer.Option(help="Seed of the generated catalogue.")] = 7,
    top: Annotated[int, typer.Option(help="Deals to print.")] = 15,
    out: Annotated[Path, typer.Option(help="Where to write every matched pair as CSV.")] = Path("deals.csv"),
) -> None:
    """Run the whole job offline on the demo marketplace: build, serve, crawl, match, print deals.

    Example: sourcefinder demo --size small --db /tmp/demo.db
    """
    if ctx.invoked_subcommand is not None:
        return
    from sourcefinder.demo import job
    from sourcefinder.demo.catalogue import build_marketplace
    from sourcefinder.demo.server import DemoServer

    started = time.perf_counter()
    with console.status("Building the demo marketplace"):
        root = build_marketplace(job.marketplace_root(db), seed=seed, size=size)
    console.print(f"Demo marketplace ready in {root}")
    with DemoServer(root) as server:
        console.print(f"Serving it on {server.url}")
        stored = _run_crawl(job.demo_spiders(server), db, job.crawl_settings(db), "Crawling both sites")
    if not stored:
        raise _fail(
            f"the demo crawl stored no listing from {server.url}, served on this machine: is the loopback "
            f"interface (127.0.0.1) up? See {db.parent / 'crawl.log'}"
        )
    with console.status("Matching"):
        summary = match_database(store.open_db(db))
    console.print(
        f"Matched {summary.retail_scored} retail listings against {summary.factory_total} factory offers "
        f"in {summary.seconds:.1f} s: {summary.matches_stored} candidate pairs stored"
    )
    database = store.open_db(db)
    scores = score_pairs(
        stored_pairs(database, DEFAULT_MIN_CONFIDENCE), read_truth(root / "ground_truth.csv")
    )
    console.print(
        f"Against the demo's ground truth: precision {scores.precision:.3f}, recall {scores.recall:.3f}, "
        f"F1 {scores.f1:.3f}"
    )
    pairs = deals_frame(database, DEFAULT_MIN_CONFIDENCE)
    console.print(_deals_table(pairs[pairs["cheapest"]].drop_duplicates("retail_id"), top))
    write_csv(pairs, out)
    console.print(
        f"Wrote {len(pairs)} matched pairs to {out} in {time.perf_counter() - started:.0f} s in all"
    )


@demo_app.command("serve")
def demo_serve(
    db: DbOption,
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8000,
    size: Annotated[str, typer.Option(help="Marketplace size: default or small.")] = "default",
    seed: Annotated[int, typer.Option(help="Seed of the generated catalogue.")] = 7,
) -> None:
    """Keep the demo marketplace up for exploring in a browser (Ctrl-C stops it).

    Example: sourcefinder demo serve --port 8000
    """
    from sourcefinder.demo.catalogue import build_marketplace
    from sourcefinder.demo.job import marketplace_root
    from sourcefinder.demo.server import serve_forever

    root = build_marketplace(marketplace_root(db), seed=seed, size=size)
    console.print(f"Demo marketplace on http://127.0.0.1:{port}/ (Ctrl-C to stop)")
    serve_forever(root, port)


def _pairs(values: list[str], option: str) -> dict[str, str]:
    out = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep or not name:
            raise _fail(f"{option} takes NAME=VALUE, not {value!r}")
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

    Example: sourcefinder crawl retail -a start_url="https://s.taobao.com/search?q=陶瓷勺子" -a max_pages=2
    """
    settings = _pairs(setting, "-s")
    settings.setdefault("LOG_FILE", str(db.parent / "crawl.log"))
    if cookies is not None:
        try:
            load_cookies(str(cookies))
        except ValueError as exc:
            raise _fail(str(exc)) from exc
        settings["SOURCEFINDER_COOKIES_FILE"] = str(cookies.resolve())
    _run_crawl([(spider, _pairs(arg, "-a"))], db, settings, f"Crawling with {spider}")


@app.command("import")
def import_command(
    feed: Annotated[Path, typer.Argument(help="JSON-lines file of listings in the item schema.")],
    db: DbOption,
) -> None:
    """Load listings from a JSON-lines feed, fetching and hashing their images; bad lines are skipped.

    Example: sourcefinder import listings.jsonl --db data/sourcefinder.store.database
    """
    if not feed.is_file():
        raise _fail(f"no feed file at {feed}")
    log = db.parent / "import.log"
    _run_crawl([("feed", {"path": str(feed.resolve())})], db, {"LOG_FILE": str(log)}, f"Importing {feed}")
    bad = [line for line in log.read_text(encoding="utf-8").splitlines() if " skipped: " in line]
    for line in bad[-20:]:
        err.print(line.split("] ", 1)[-1], highlight=False, markup=False)


@app.command("match")
def match_command(
    db: DbOption,
    full: Annotated[
        bool, typer.Option("--full", help="Re-score every listing, not only new and changed ones.")
    ] = False,
) -> None:
    """Pair retail listings with the factory listings that sell the identical item, with evidence.

    Example: sourcefinder match --full
    """
    summary = match_database(store.open_db(db), full=full)
    console.print(
        f"Scored {summary.retail_scored} of {summary.retail_total} retail listings against "
        f"{summary.factory_total} factory listings in {summary.seconds:.1f} s; "
        f"{summary.matches_stored} candidate pairs stored"
    )


@app.command("deals")
def deals_command(
    db: DbOption,
    min_confidence: MinConfidence = DEFAULT_MIN_CONFIDENCE,
    top: Annotated[int, typer.Option(help="Rows to show.")] = 20,
    all_sources: Annotated[
        bool, typer.Option("--all", help="Every matched factory, not only the cheapest.")
    ] = False,
) -> None:
    """Print the best deals: retail price against one piece from the factory, plus shipping.

    Example: sourcefinder deals --top 10 --min-confidence 0.8
    """
    frame = deals_frame(store.open_db(db), min_confidence, best_only=not all_sources)
    if frame.empty:
        console.print("No matched pairs yet: run `sourcefinder match` after a crawl or import.")
        return
    console.print(_deals_table(frame, top))


@app.command("export")
def export_command(
    out: Annotated[Path, typer.Argument(help="CSV file to write.")],
    db: DbOption,
    min_confidence: MinConfidence = DEFAULT_MIN_CONFIDENCE,
) -> None:
    """Write every matched pair as CSV (UTF-8 with BOM for Excel; formulas neutralised).

    Example: sourcefinder export deals.csv --min-confidence 0.7
    """
    frame = deals_frame(store.open_db(db), min_confidence)
    write_csv(frame, out)
    console.print(f"Wrote {len(frame)} matched pairs to {out}")


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
        raise _fail(f"{source} is an anti-bot or login wall, not a product page: {exc}") from exc
    except PageDataError as exc:
        raise _fail(f"no listing data in {source}: {exc}") from exc
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
        raise _fail(f"no such file: {source}")
    return path.read_text(encoding="utf-8", errors="replace"), url


@app.command("evaluate")
def evaluate_command(
    truth: Annotated[Path, typer.Argument(help="CSV with columns retail_id,factory_id (the true pairs).")],
    db: DbOption,
    min_confidence: MinConfidence = DEFAULT_MIN_CONFIDENCE,
) -> None:
    """Precision, recall and F1 of the stored matches against the true pairs.

    Example: sourcefinder evaluate data/demo-marketplace/ground_truth.csv
    """
    try:
        wanted = read_truth(truth)
    except (OSError, ValueError) as exc:
        raise _fail(str(exc)) from exc
    scores = score_pairs(stored_pairs(store.open_db(db), min_confidence), wanted)
    console.print(
        f"precision {scores.precision:.3f}  recall {scores.recall:.3f}  F1 {scores.f1:.3f}  "
        f"(true positives {scores.true_positives}, false positives {scores.false_positives}, "
        f"missed {scores.false_negatives})",
        highlight=False,
    )


if __name__ == "__main__":
    app()
