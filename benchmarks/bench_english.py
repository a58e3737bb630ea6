"""English shop titles (the Amazon-Google products benchmark): issue 14's best-source metric on the dev half.

The retail side is amazon.csv, the factory side gp.csv (whole); the Amazon listings are split in two by a hash
of their id: the fit half is what benchmarks/fit_match_model.py and fit_title_model.py may read, the dev half is
only ever scored here. Printed in one run: the matcher (FactoryIndex.match at the default threshold, every
reported pair counted) in the best-source metric and the every-pair metric, the plain baseline (TF-IDF
character 1-3 gram title cosine, best source per retail listing, at its oracle threshold on dev), a
calibration table, wall time and peak memory.

    python benchmarks/bench_english.py [--part dev|fit] [--examples 10]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sourcefinder.match.evaluation import (  # noqa: E402
    BestSourceScores,
    best_source_scores,
    calibration,
    calibration_lines,
    score_pairs,
)
from sourcefinder.match.index import DEFAULT_MIN_CONFIDENCE, FactoryIndex  # noqa: E402

DATA = Path("/work/shared/data/english-product-pairs")
AUDIT = Path(__file__).resolve().parent / "data" / "english_dev_audit.csv"
TARGET_F1, TARGET_PRECISION = 0.80, 0.85


@dataclass
class EnglishPairs:
    """One part of the benchmark: its retail listings, all factory listings and the true pairs among them."""

    retail: list[dict]
    factory: list[dict]
    truth: set[tuple[str, str]]


def part_of(amazon_id: int) -> str:
    """``fit`` or ``dev``: a fixed hash of the Amazon id (the same on every machine and run)."""
    return "dev" if zlib.crc32(str(amazon_id).encode()) % 2 else "fit"


def _listings(frame: pd.DataFrame, source: str) -> list[dict]:
    """Rows as listings in the listing schema: the title, and the manufacturer as the brand when given."""
    out = []
    for row in frame.itertuples(index=False):
        maker = row.manufacturer if isinstance(row.manufacturer, str) and row.manufacturer.strip() else None
        out.append(
            {
                "id": f"{source}:{row.id}",
                "source": source,
                "item_id": str(row.id),
                "title": str(row.title),
                "attributes": {"brand": maker} if maker else {},
            }
        )
    return out


def load(part: str, data: Path = DATA) -> EnglishPairs:
    """The ``fit`` or ``dev`` half of the Amazon listings, every Google listing, and their true pairs."""
    read = {"sep": "#", "keep_default_na": False, "na_values": [""]}
    amazon = pd.read_csv(data / "amazon.csv", **read)
    google = pd.read_csv(data / "gp.csv", **read)
    truth = pd.read_csv(data / "gt.csv", sep="#")
    amazon = amazon[[part_of(i) == part for i in amazon.id]]
    kept = set(amazon.id.tolist())
    pairs = {(f"amazon:{a}", f"google:{g}") for a, g in zip(truth.D1, truth.D2, strict=True) if a in kept}
    return EnglishPairs(_listings(amazon, "amazon"), _listings(google, "google"), pairs)


def baseline(pairs: EnglishPairs) -> tuple[BestSourceScores, float]:
    """TF-IDF character 1-3 gram cosine of the titles, each retail listing's best source, at the threshold with
    the best F1 (an oracle: chosen on the data it is scored on)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    retail = [r["title"] for r in pairs.retail]
    factory = [f["title"] for f in pairs.factory]
    vectors = TfidfVectorizer(analyzer="char", ngram_range=(1, 3)).fit(retail + factory)
    cosine = (vectors.transform(retail) @ vectors.transform(factory).T).toarray()
    best = cosine.argmax(axis=1)
    top = cosine[np.arange(len(retail)), best]
    chosen = [(pairs.retail[i]["id"], pairs.factory[j]["id"]) for i, j in enumerate(best.tolist())]

    def at(threshold: float) -> tuple[BestSourceScores, float]:
        kept = [pair for pair, score in zip(chosen, top, strict=True) if score >= threshold]
        return best_source_scores(kept, pairs.truth), float(threshold)

    return max((at(t) for t in np.unique(np.round(top, 3))), key=lambda found: found[0].f1)


def matcher(pairs: EnglishPairs) -> tuple[list, float]:
    """Every pair FactoryIndex.match stores for the retail listings, and the seconds it took (build + match)."""
    started = time.perf_counter()
    matches = FactoryIndex.build(pairs.factory).match(pairs.retail)
    return matches, time.perf_counter() - started


def report(part: str, examples: int) -> None:
    pairs = load(part)
    print(
        f"English titles (Amazon-Google), {part} half: {len(pairs.retail)} retail (Amazon), "
        f"{len(pairs.factory)} factory (Google), {len(pairs.truth)} true pairs"
    )
    base, threshold = baseline(pairs)
    print(f"  baseline TF-IDF char 1-3 cosine, best source, oracle threshold {threshold:.3f}: {base.line()}")
    matches, seconds = matcher(pairs)
    reported = [m for m in matches if m.confidence >= DEFAULT_MIN_CONFIDENCE]
    ours = best_source_scores({(m.retail_id, m.factory_id) for m in reported}, pairs.truth)
    verdict = ours.f1 >= TARGET_F1 and ours.precision >= TARGET_PRECISION
    print(f"  sourcefinder, default threshold {DEFAULT_MIN_CONFIDENCE}, best-source: {ours.line()}")
    print(
        f"    target F1 >= {TARGET_F1} with precision >= {TARGET_PRECISION}: {'PASS' if verdict else 'FAIL'}"
    )
    every = score_pairs({(m.retail_id, m.factory_id) for m in reported}, pairs.truth)
    print(
        f"  sourcefinder, every pair (evaluate's old metric): precision {every.precision:.3f}  "
        f"recall {every.recall:.3f}  F1 {every.f1:.3f}"
    )
    print(f"  index build + match {seconds:.2f} s, peak memory {peak_mib():.0f} MiB")
    print(f"  calibration of the {len(matches)} stored pairs:")
    correct = [(m.retail_id, m.factory_id) in pairs.truth for m in matches]
    print("\n".join(calibration_lines(calibration([m.confidence for m in matches], correct))))
    if part == "dev":
        print("\n".join(audit_lines({(m.retail_id, m.factory_id) for m in reported})))
    if examples:
        print_examples(pairs, reported, examples)


def audit_lines(reported: set[tuple[str, str]]) -> list[str]:
    """How many of the audited pairs (40 random wrong reported dev pairs of an earlier model, read by hand as the
    same item, a different one, or undecidable from the titles) are reported now."""
    audit = pd.read_csv(AUDIT)
    lines = [f"  audit of {len(audit)} wrong reported dev pairs read by hand ({AUDIT.name}):"]
    for judgement, rows in audit.groupby("judgement", sort=False):
        found = sum((r, f) in reported for r, f in zip(rows.retail_id, rows.factory_id, strict=True))
        lines.append(f"    {judgement:10s} {len(rows):3d}  reported now: {found}")
    return lines


def print_examples(pairs: EnglishPairs, reported: list, count: int) -> None:
    """The first ``count`` wrong reported pairs, with the true source's title, to read by hand."""
    titles = {x["id"]: x["title"] for x in pairs.retail + pairs.factory}
    source = dict(pairs.truth)
    wrong = [m for m in reported if (m.retail_id, m.factory_id) not in pairs.truth][:count]
    for m in wrong:
        print(f"  wrong {m.confidence:.2f}: {titles[m.retail_id]!r} -> {titles[m.factory_id]!r}")
        print(f"        true: {titles.get(source.get(m.retail_id, ''), '-')!r}  {m.conflicting}")


def peak_mib() -> float:
    """This process's peak resident memory in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--part", choices=("dev", "fit"), default="dev")
    parser.add_argument("--examples", type=int, default=0, help="print this many wrong reported pairs")
    args = parser.parse_args()
    report(args.part, args.examples)


if __name__ == "__main__":
    main()
