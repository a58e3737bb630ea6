"""Deals commands: the consumer's table of deals, and the exports bloggers publish (file, report, browser)."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.table import Table

from sourcefinder.cli.common import DbOption, MinConfidence, app, console, fail
from sourcefinder.deals.frame import filtered_frame
from sourcefinder.deals.pricing import ONE_PIECE, WHOLESALE
from sourcefinder.deals.staging import SORTS, DealFilters, iter_deals, staged_deals
from sourcefinder.export.cells import is_missing, money_text, percent_text
from sourcefinder.match.index import DEFAULT_MIN_CONFIDENCE
from sourcefinder.store import database as store

Category = Annotated[str | None, typer.Option(help="Keep categories containing this text.")]
Location = Annotated[str | None, typer.Option(help="Keep factories shipping from here, e.g. 南通 or 佛山.")]
Since = Annotated[str | None, typer.Option(help="Keep pairs found or changed since this ISO date or time.")]
MinMarkup = Annotated[float | None, typer.Option(help="Keep markups of at least this many percent.")]
MinSaving = Annotated[float | None, typer.Option(help="Keep one-piece savings of at least this many yuan.")]
OnePiece = Annotated[bool, typer.Option("--one-piece", help="Only offers that sell a single piece.")]
Sort = Annotated[str, typer.Option(help=f"Order: {', '.join(SORTS)} (unknown figures last).")]
Limit = Annotated[int | None, typer.Option(help="At most this many rows.")]


def money(value: Any, unknown: str = "?") -> str:
    """A yuan figure for the terminal: ``¥12.50``, a range ``¥8.80–12.50``, or ``unknown``."""
    return unknown if is_missing(value) else "¥" + money_text(value)


def factory_cost(row: Any) -> str:
    """The factory side of one piece: landed cost, or "from ¥X + shipping" when the fee is unknown."""
    if not is_missing(row.landed_cost):
        return money(row.landed_cost)
    return f"from {money(row.unit_price)} + shipping"


def how_to_buy(row: Any) -> str:
    """A wholesale purchase in full: "buy 50: ¥5,094.00 in all, ¥101.88 a piece"."""
    each = row.unit_price if is_missing(row.landed_cost) else row.landed_cost
    shipping = "" if row.shipping_known else " + shipping"
    return f"buy {row.buy_quantity}: {money(row.outlay)}{shipping} in all, {money(each)} a piece"


def percent(value: Any) -> str:
    return "?" if is_missing(value) else percent_text(value)


def _deal_table(title: str, headers: tuple[str, ...]) -> Table:
    table = Table(title=title)
    table.add_column("retail listing", no_wrap=True, max_width=24)
    table.add_column("shop ¥", justify="right", no_wrap=True)
    table.add_column("factory offer", no_wrap=True, max_width=24)
    for header in headers:
        table.add_column(header, justify="right", no_wrap=True)
    return table


def _add_rows(table: Table, frame: pd.DataFrame, top: int, figures: Any) -> Table:
    """One row per pair: the shop's side, the factory offer, then ``figures(row)``."""
    for row in frame.head(top).itertuples():
        shop = money(row.retail_landed, f"{money(row.retail_price)} + shipping")
        table.add_row(row.retail_title, shop, row.factory_title, *figures(row), f"{row.confidence:.2f}")
    return table


def deals_table(frame: pd.DataFrame, top: int) -> Table:
    """One-piece deals: the shop's delivered price against one piece from the factory, delivered."""
    frame = frame[frame["buy_mode"] == ONE_PIECE]
    title = (
        f"Top {min(top, len(frame))} deals: one piece from the factory against the shop, shipping included"
    )
    table = _deal_table(title, ("factory ¥", "saving", "markup", "conf"))
    return _add_rows(
        table, frame, top, lambda row: (factory_cost(row), money(row.saving), percent(row.markup_pct))
    )


def wholesale_table(frame: pd.DataFrame, top: int) -> Table:
    """Wholesale offers with their outlay in full, never as a per-piece saving."""
    frame = frame[frame["buy_mode"] == WHOLESALE]
    table = _deal_table(
        f"{min(top, len(frame))} wholesale offers (minimum order)", ("how to buy", "markup", "conf")
    )
    return _add_rows(table, frame, top, lambda row: (how_to_buy(row), percent(row.markup_pct)))


@app.command("deals")
def deals_command(
    db: DbOption,
    min_confidence: MinConfidence = DEFAULT_MIN_CONFIDENCE,
    top: Annotated[int, typer.Option(help="Rows to show.")] = 20,
    all_sources: Annotated[
        bool, typer.Option("--all", help="Every matched one-piece source, not only the cheapest.")
    ] = False,
    wholesale: Annotated[
        bool, typer.Option("--wholesale", help="Also list offers sold only by the minimum order.")
    ] = False,
) -> None:
    """Print the best deals: one piece from the factory, delivered, against the shop's delivered price.

    Example: sourcefinder deals --top 10 --min-confidence 0.8 --wholesale
    """
    filters = DealFilters(min_confidence=min_confidence, one_piece=not wholesale)
    frame = filtered_frame(open_store(db), filters)
    if frame.empty:
        console.print("No matched pairs yet: run `sourcefinder match` after a crawl or import.")
        return
    best = frame if all_sources else frame[frame["cheapest"]]
    console.print(deals_table(best, top))
    if wholesale:
        console.print(wholesale_table(frame, top))


def open_store(db: Path) -> Any:
    """The store at ``db``, or a one-line error when the file is not a SQLite database."""
    try:
        return store.open_db(db)
    except sqlite3.DatabaseError as exc:
        raise fail(f"{db} is not a sourcefinder database ({exc})") from None


def parse_since(since: str | None) -> str | None:
    """An ISO date or time as given, after checking it is one."""
    if since is None:
        return None
    try:
        datetime.fromisoformat(since)
    except ValueError:
        raise fail(f"--since {since!r} is not an ISO date or time such as 2026-12-01") from None
    return since


def export_filters(**options: Any) -> DealFilters:
    """The filters of an export from its command-line options, checked."""
    if options["sort"] not in SORTS:
        raise fail(f"--sort {options['sort']!r} is not one of {', '.join(SORTS)}")
    return DealFilters(**{**options, "since": parse_since(options["since"])})


@app.command("export")
def export_command(
    out: Annotated[Path, typer.Argument(help="File to write: .csv, .xlsx, .jsonl or .md.")],
    db: DbOption,
    min_confidence: MinConfidence = DEFAULT_MIN_CONFIDENCE,
    category: Category = None,
    min_markup: MinMarkup = None,
    min_saving: MinSaving = None,
    one_piece: OnePiece = False,
    location: Location = None,
    since: Since = None,
    sort: Sort = "saving",
    limit: Limit = None,
) -> None:
    """Write the matched pairs as CSV (BOM, formulas neutralised), Excel, JSON lines or a Markdown table.

    Example: sourcefinder export deals.xlsx --one-piece --min-markup 100 --location 南通 --limit 50
    """
    from sourcefinder.export import FORMATS, write_deals

    if out.suffix.lower() not in FORMATS:
        raise fail(f"cannot write {out.name}: the file must end in {', '.join(FORMATS)}")
    filters = export_filters(
        min_confidence=min_confidence,
        category=category,
        min_markup=min_markup,
        min_saving=min_saving,
        one_piece=one_piece,
        location=location,
        since=since,
        sort=sort,
        limit=limit,
    )
    with staged_deals(open_store(db), filters) as conn:
        try:
            count = write_deals(iter_deals(conn, filters), out)
        except ValueError as exc:  # more rows than an Excel sheet holds
            raise fail(str(exc)) from None
        except OSError as exc:
            raise fail(f"cannot write {out}: {exc.strerror or exc}") from None
    console.print(f"Wrote {count} matched pairs to {out}")
