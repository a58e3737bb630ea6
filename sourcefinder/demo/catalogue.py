"""The generated catalogue of the demo marketplace: factory offers, retail listings, photos and the truth.

``build_marketplace(root)`` writes, under ``root``:

- ``catalogue.json``: every factory offer and retail listing, as the demo server shows them;
- ``img/1688/*.jpg`` and ``img/taobao/*.jpg``: the photos;
- ``ground_truth.csv`` (``retail_id,factory_id``): one row per true (retail, factory source) pair;
- ``cases.csv`` (``retail_id,case``): which kind of case each retail listing is (see docs/demo.md);
- ``photo_edits.csv`` (``retail_id,kind``): how each retail listing's main photo was made (main_photos.py);
- ``manifest.json``: version, seed, size and counts; written last, so a finished build is reused.

The build is deterministic: the same seed and size give the same files, byte for byte.
"""

from __future__ import annotations

import csv
import json
import random
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sourcefinder.demo.generator import Generator
from sourcefinder.demo.main_photos import PHOTO_KINDS
from sourcefinder.demo.photos import draw_photos

VERSION = 3
# (factory offers, retail listings); a number n of factory offers means (n, 3n).
SIZES = {"small": (30, 80), "default": (150, 450)}
CASES = (
    "plain",
    "size_sibling",
    "colour_sibling",
    "two_factories",
    "model_sibling",
    "look_alike",
    "no_source",
)
_OUTPUTS = ("manifest.json", "catalogue.json", "ground_truth.csv", "cases.csv", "photo_edits.csv", "img")


def build_marketplace(root: Path, seed: int = 7, size: str | int = "default") -> Path:
    """Build the demo catalogue under ``root`` (reused when already built with the same seed and size)."""
    root = Path(root)
    n_factory, n_retail = _counts(size)
    wanted = {"version": VERSION, "seed": seed, "size": size}
    manifest_path = root / "manifest.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if {k: manifest.get(k) for k in wanted} == wanted and (root / "catalogue.json").exists():
            return root
    _clear(root)
    plan = Generator(random.Random(seed), n_factory, n_retail).plan()
    draw_photos(root, plan)
    _write_json(root / "catalogue.json", {"factory": plan.factory, "retail": plan.retail})
    _write_csv(root / "ground_truth.csv", ("retail_id", "factory_id"), plan.truth)
    _write_csv(root / "cases.csv", ("retail_id", "case"), plan.cases)
    _write_csv(root / "photo_edits.csv", ("retail_id", "kind"), plan.photo_kinds)
    counts = {"factory": len(plan.factory), "retail": len(plan.retail), "true_pairs": len(plan.truth)}
    counts |= {case: sum(1 for _, c in plan.cases if c == case) for case in CASES}
    photos = {kind: sum(1 for _, k in plan.photo_kinds if k == kind) for kind in PHOTO_KINDS}
    _write_json(manifest_path, wanted | {"counts": counts, "main_photos": photos})
    return root


def load_catalogue(root: Path) -> dict[str, list[dict[str, Any]]]:
    """The factory offers and retail listings of a built catalogue."""
    path = Path(root) / "catalogue.json"
    if not path.exists():
        raise FileNotFoundError(f"no demo catalogue at {root}: run build_marketplace({str(root)!r}) first")
    return json.loads(path.read_text(encoding="utf-8"))


def read_photo_edits(path: Path) -> dict[str, str]:
    """The kind of each retail listing's main photo, from a built catalogue's ``photo_edits.csv``."""
    with Path(path).open(encoding="utf-8", newline="") as handle:
        return {row["retail_id"]: row["kind"] for row in csv.DictReader(handle)}


def _counts(size: str | int) -> tuple[int, int]:
    if isinstance(size, int) and not isinstance(size, bool) and size >= 10:
        return size, 3 * size
    if size in SIZES:
        return SIZES[size]
    raise ValueError(f"size must be one of {sorted(SIZES)} or a number of factory offers >= 10, not {size!r}")


def _clear(root: Path) -> None:
    for name in _OUTPUTS:
        path = root / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    for sub in ("img/1688", "img/taobao"):
        (root / sub).mkdir(parents=True, exist_ok=True)


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
