"""The demo commands: the whole job offline, and the demo marketplace kept up for a browser."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from sourcefinder.cli.common import DbOption, console, demo_app, fail
from sourcefinder.cli.crawl_commands import run_crawl
from sourcefinder.cli.deals_commands import deals_table
from sourcefinder.deals.frame import deals_frame
from sourcefinder.export import write_csv
from sourcefinder.match.database import match_database
from sourcefinder.match.evaluation import read_truth, score_pairs, stored_pairs
from sourcefinder.match.index import DEFAULT_MIN_CONFIDENCE
from sourcefinder.match.workers import Workers
from sourcefinder.store import database as store


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

    started = time.perf_counter()
    stored = []

    def crawl(spiders: list, path: Path, settings: dict) -> None:
        stored.append(run_crawl(spiders, path, settings, "Crawling both sites"))

    def serving(root: Path, url: str) -> None:
        console.print(f"Demo marketplace ready in {root}")
        console.print(f"Serving it on {url}")

    with console.status("Building the demo marketplace"):
        root = job.crawl_demo(db, seed=seed, size=size, crawl=crawl, on_serving=serving)
    if not sum(stored):
        raise fail(
            "the demo crawl stored no listing from the marketplace served on this machine: is the loopback "
            f"interface (127.0.0.1) up? See {db.parent / 'crawl.log'}"
        )
    with console.status("Matching"):
        with Workers() as workers:
            summary = match_database(store.open_db(db), workers=workers)
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
    console.print(deals_table(pairs[pairs["cheapest"]].drop_duplicates("retail_id"), top))
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
