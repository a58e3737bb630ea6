"""Matching commands: match and evaluate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sourcefinder.cli.common import DbOption, MinConfidence, app, console, fail
from sourcefinder.match.database import match_database
from sourcefinder.match.evaluation import best_source_scores, read_truth, score_pairs, stored_pairs
from sourcefinder.match.index import DEFAULT_MIN_CONFIDENCE
from sourcefinder.match.workers import Workers
from sourcefinder.store import database as store


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
    with Workers() as workers:
        summary = match_database(store.open_db(db), full=full, workers=workers)
    console.print(
        f"Scored {summary.retail_scored} of {summary.retail_total} retail listings against "
        f"{summary.factory_total} factory listings in {summary.seconds:.1f} s; "
        f"{summary.matches_stored} candidate pairs stored"
    )


@app.command("evaluate")
def evaluate_command(
    truth: Annotated[Path, typer.Argument(help="CSV with columns retail_id,factory_id (the true pairs).")],
    db: DbOption,
    min_confidence: MinConfidence = DEFAULT_MIN_CONFIDENCE,
) -> None:
    """Precision, recall and F1 of the stored matches against the true pairs: best source (precision over the
    pairs reported, recall over the retail listings that have a true source) and every pair.

    Example: sourcefinder evaluate data/demo-marketplace/ground_truth.csv
    """
    try:
        wanted = read_truth(truth)
    except (OSError, ValueError) as exc:
        raise fail(str(exc)) from exc
    found = stored_pairs(store.open_db(db), min_confidence)
    console.print(f"best source: {best_source_scores(found, wanted).line()}", highlight=False, soft_wrap=True)
    scores = score_pairs(found, wanted)
    console.print(
        f"every pair:  precision {scores.precision:.3f}  recall {scores.recall:.3f}  F1 {scores.f1:.3f}  "
        f"(true positives {scores.true_positives}, false positives {scores.false_positives}, "
        f"missed {scores.false_negatives})",
        highlight=False,
    )
