"""Deals commands: deals and export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from sourcefinder.cli.common import DbOption, MinConfidence, app, console
from sourcefinder.deals.pricing import deals_frame, write_csv
from sourcefinder.match.index import DEFAULT_MIN_CONFIDENCE
from sourcefinder.store import database as store


def deals_table(frame: pd.DataFrame, top: int) -> Table:
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
    console.print(deals_table(frame, top))


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
