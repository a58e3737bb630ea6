"""Publishing commands: the self-contained HTML report, and browsing the database in Datasette."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sourcefinder.cli.common import DbOption, MinConfidence, app, console, fail
from sourcefinder.cli.deals_commands import Category, Location, Since, open_store, parse_since
from sourcefinder.deals.staging import DealFilters, staged_deals
from sourcefinder.match.index import DEFAULT_MIN_CONFIDENCE

ImagesOption = Annotated[
    Path | None,
    typer.Option(
        "--images", help="Folder of the crawl's downloaded photos (default: images/ beside the database)."
    ),
]


@app.command("report")
def report_command(
    out: Annotated[Path, typer.Argument(help="HTML file to write.")],
    db: DbOption,
    min_confidence: MinConfidence = DEFAULT_MIN_CONFIDENCE,
    category: Category = None,
    location: Location = None,
    since: Since = None,
    cards: Annotated[int, typer.Option(help="Deals shown as cards.")] = 12,
    images: ImagesOption = None,
) -> None:
    """Write one self-contained HTML report: top deals with both photos, markups by category and city, price drops.

    Example: sourcefinder report report.html --cards 24 --location 南通
    """
    from sourcefinder.report.build import ReportOptions, write_report

    if out.suffix.lower() not in (".html", ".htm"):
        raise fail(f"cannot write {out.name}: the report is an .html file")
    filters = DealFilters(
        min_confidence=min_confidence, category=category, location=location, since=parse_since(since)
    )
    database = open_store(db)
    options = ReportOptions(filters=filters, images_dir=images or db.parent / "images", cards=cards)
    with staged_deals(database, filters) as conn:
        try:
            context = write_report(database, conn, options, out)
        except OSError as exc:
            raise fail(f"cannot write {out}: {exc.strerror or exc}") from None
    photos = sum(bool(c["retail_photo"]) + bool(c["factory_photo"]) for c in context["cards"])
    console.print(
        f"Wrote {out}: {len(context['cards'])} deals ({photos} photos), {len(context['categories'])} categories, "
        f"{len(context['cities'])} cities, {len(context['drops'])} price drops"
    )


@app.command("browse")
def browse_command(
    db: DbOption,
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8001,
    min_confidence: MinConfidence = DEFAULT_MIN_CONFIDENCE,
    images: ImagesOption = None,
) -> None:
    """Browse the database and its priced deals in Datasette, read-only, on 127.0.0.1 (Ctrl-C stops it).

    Example: sourcefinder browse --db data/sourcefinder.store.database --port 8001
    """
    from sourcefinder.browse.server import serve

    if not db.is_file():
        raise fail(f"no database at {db}: crawl, import or run the demo first")
    console.print(
        f"Datasette on http://127.0.0.1:{port}/ (canned queries: /deals/best_one_piece_deals, "
        "/deals/sources_by_city; Ctrl-C to stop)"
    )
    serve(db, "127.0.0.1", port, images or db.parent / "images", min_confidence)
