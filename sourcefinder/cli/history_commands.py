"""Price history: a listing's prices over time, with its lows, a sparkline and an optional PNG chart."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from sourcefinder.cli.common import DbOption, app, console, fail
from sourcefinder.store import database as store
from sourcefinder.store import history


def find_listing(database: Any, listing: str) -> dict[str, Any]:
    """A stored listing by its id or its URL, or a one-line error."""
    row = next(
        database.query("select * from listings where id = ? or url = ? limit 1", [listing, listing]), None
    )
    if row is None:
        raise fail(f"no listing {listing!r} in the database (give its id, source:item_id, or its URL)")
    return row


def _day(point: history.PricePoint | datetime | None) -> str:
    when = point.when if isinstance(point, history.PricePoint) else point
    return when.astimezone().strftime("%Y-%m-%d") if when else "-"


def _money(value: float | None) -> str:
    return "-" if value is None else f"¥{value:.2f}"


def _summary(points: list[history.PricePoint], weeks: int, now: datetime) -> list[str]:
    """The lines under the table: now, lowest ever, lowest in the window, since when the price is lowest."""
    ever = history.lowest(points)
    window = history.lowest(points, since=history.weeks_ago(weeks, now))
    lines = [
        f"Now {_money(points[-1].price)} since {_day(points[-1])}",
        f"Lowest ever {_money(ever and ever.price)} on {_day(ever)}; "
        f"lowest in the last {weeks} weeks {_money(window and window.price)} (in force {_day(window)})",
    ]
    since = history.lowest_since(points)
    if since is None:
        lines.append("The current price is the lowest ever recorded.")
    elif (now - since).days >= 7:
        lines.append(f"The current price is the lowest in {(now - since).days // 7} weeks.")
    return lines


def draw_png(points: list[history.PricePoint], title: str, path: Path) -> None:
    """Draw the price over time as a step chart to ``path`` with matplotlib (the report's style and fonts)."""
    try:
        from sourcefinder.report.charts import STYLE, plt
    except ImportError as exc:
        raise fail("--png needs matplotlib: pip install matplotlib") from exc
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)  # a line per font it lacks
    priced = [p for p in points if p.price is not None]
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(figsize=(8, 3.5))
        times = [p.when for p in priced] + [datetime.now(UTC)]
        axes.step(times, [p.price for p in priced] + [priced[-1].price], where="post")
        axes.set_title(title[:60])
        axes.set_ylabel("price (¥)")
        figure.autofmt_xdate()
        try:
            figure.savefig(path, bbox_inches="tight")
        except OSError as exc:
            raise fail(f"cannot write {path}: {exc}") from exc
        finally:
            plt.close(figure)


@app.command("history")
def history_command(
    listing: Annotated[str, typer.Argument(help="The listing's id (source:item_id) or URL.")],
    db: DbOption,
    weeks: Annotated[int, typer.Option(help="The window of 'lowest in the last N weeks'.")] = 4,
    png: Annotated[Path | None, typer.Option(help="Also draw the chart to this PNG (matplotlib).")] = None,
) -> None:
    """Show a listing's prices over time with a sparkline, its lowest ever and lowest in N weeks.

    Example: sourcefinder history demotaobao:767410763325 --weeks 4 --png spoon.png
    """
    database = store.open_db(db)
    row = find_listing(database, listing)
    points = history.price_history(database, row["id"])
    if not points:
        raise fail(f"{row['id']} has no price history yet")
    state = (
        f"delisted since {_day(datetime.fromisoformat(row['delisted_at']))}"
        if row.get("delisted_at")
        else "listed"
    )
    console.print(f"{escape(row['id'])}  {escape(row['title'])}  ({state})", highlight=False)
    table = Table("seen", "price", "shipping", "MOQ", "tiers")
    for point in points:
        tiers = ", ".join(f"{t['min_qty']}+: {t['price']:g}" for t in point.price_tiers or [])
        table.add_row(
            _day(point), _money(point.price), _money(point.shipping_fee), str(point.moq or "-"), tiers or "-"
        )
    console.print(table)
    console.print(history.sparkline(p.price for p in points if p.price is not None), highlight=False)
    for line in _summary(points, weeks, datetime.now(UTC)):
        console.print(line, highlight=False)
    if png is not None:
        draw_png(points, row["title"], png)
        console.print(f"Chart written to {png}", highlight=False)


@app.command("drops")
def drops_command(
    db: DbOption,
    since: Annotated[str, typer.Option(help="The period to compare with now: 7d, 12h, 2w.")] = "7d",
    top: Annotated[int, typer.Option(help="Rows per table.")] = 20,
) -> None:
    """List the biggest price drops and the markups that grew or shrank over a period: this week's deals.

    Example: sourcefinder drops --since 7d --top 10
    """
    from sourcefinder.match.index import DEFAULT_MIN_CONFIDENCE
    from sourcefinder.store import moves

    try:
        start = datetime.now(UTC) - moves.parse_period(since)
    except ValueError as exc:
        raise fail(str(exc)) from exc
    database = store.open_db(db)
    found = moves.price_moves(database, start)
    table = Table(
        "listing", "role", "title", "then", "now", "change", title=f"Biggest price drops since {_day(start)}"
    )
    for move in moves.biggest_drops(found, top):
        table.add_row(
            escape(move.listing_id),
            move.role,
            escape(move.title[:40]),
            _money(move.before),
            _money(move.now),
            f"{move.change_percent:+.1f}%",
        )
    console.print(table)
    markups = Table(
        "retail", "title", "factory", "markup then", "markup now", title="Markups that grew or shrank"
    )
    for move in moves.markup_moves(database, found, DEFAULT_MIN_CONFIDENCE)[:top]:
        markups.add_row(
            escape(move.retail.listing_id),
            escape(move.retail.title[:40]),
            escape(move.factory.listing_id),
            f"{move.before:.1f}x",
            f"{move.now:.1f}x",
        )
    console.print(markups)
