"""Alerts: watch a listing for price drops and cheaper sources, and show the alerts that fired."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from sourcefinder.cli.common import DbOption, app, console, fail
from sourcefinder.cli.history_commands import find_listing
from sourcefinder.jobs import alerts as watching
from sourcefinder.store import database as store


@app.command("watch")
def watch_command(
    listing: Annotated[str, typer.Argument(help="The listing's id (source:item_id) or URL.")],
    db: DbOption,
    below: Annotated[
        float | None, typer.Option(help="Alert once when the price falls to or below this.")
    ] = None,
) -> None:
    """Watch a listing: jobs with [alerts] then tell of its price drops and of new, cheaper factory sources.

    Example: sourcefinder watch demotaobao:767410763325 --below 15
    """
    from sourcefinder.match.index import DEFAULT_MIN_CONFIDENCE

    if below is not None and below <= 0:
        raise fail(f"--below takes a price above 0, not {below}")
    database = store.open_db(db)
    row = find_listing(database, listing)
    watch = watching.add_watch(database, row["id"], below, DEFAULT_MIN_CONFIDENCE)
    known = len(json.loads(watch["sources"]))
    console.print(
        f"Watching {escape(row['id'])} at ¥{row['price']:.2f}"
        + (f", alert at or below ¥{below:g}" if below is not None else "")
        + f"; {known} factory sources known",
        highlight=False,
    )


@app.command("alerts")
def alerts_command(
    db: DbOption,
    last: Annotated[int, typer.Option(help="How many of the latest alerts to show.")] = 20,
) -> None:
    """Show the latest alerts the jobs fired, where they were delivered and which channels failed.

    Example: sourcefinder alerts --last 10
    """
    database = store.open_db(db)
    watching.ensure_alert_tables(database)
    rows = list(database.query("select * from alerts order by id desc limit ?", [last]))
    table = Table(
        "when",
        "listing",
        "kind",
        "old",
        "new",
        "saving",
        "delivered",
        "failed",
        title=f"Alerts ({len(rows)})",
    )
    for row in rows:
        table.add_row(
            row["created_at"][:16].replace("T", " "),
            escape(row["listing_id"]),
            row["kind"],
            f"¥{row['old_price']:.2f}",
            f"¥{row['new_price']:.2f}",
            f"¥{row['saving']:.2f}",
            escape(row["delivered"] or "-"),
            escape(row["errors"] or "-"),
        )
    console.print(table)
