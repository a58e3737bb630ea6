"""Drawing the photos of a generated plan: render the factory shots, then derive the edited copies."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from sourcefinder.demo.designs import Design, View
from sourcefinder.demo.photo_edits import Edit, edited_jpeg
from sourcefinder.demo.photo_layouts import Layout
from sourcefinder.demo.plan import Plan
from sourcefinder.demo.render import jpeg_bytes, render_product


def _render_job(job: tuple[Path, Design, View]) -> None:
    path, design, view = job
    path.write_bytes(jpeg_bytes(render_product(design, view)))


def _edit_job(job: tuple[Path, Path, Edit | Layout | None, list[Path]]) -> None:
    path, source, edit, tiles = job
    data = source.read_bytes()
    path.write_bytes(data if edit is None else edited_jpeg(data, edit, [tile.read_bytes() for tile in tiles]))


def _needs(edit: Edit | Layout | None) -> tuple[str, ...]:
    """The other photos (paths under the root) an edit reads besides its source: a collage's tiles."""
    return edit.sources() if isinstance(edit, Layout) else ()


def _run(function: Callable[[Any], None], jobs: list, workers: int) -> None:
    if workers < 2 or len(jobs) < 40:
        for job in jobs:
            function(job)
        return
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(function, jobs, chunksize=max(1, len(jobs) // (workers * 4))))


def draw_photos(root: Path, plan: Plan) -> None:
    """Render the factory photos, then derive the edited copies (which read the rendered files)."""
    workers = min(4, os.cpu_count() or 1)
    _run(_render_job, [(root / path, design, view) for path, design, view in plan.renders], workers)
    # Edits of edits (a reseller copying a second factory's re-posted photo) need their source first.
    done = {path for path, _, _ in plan.renders}
    pending = plan.edits
    while pending:
        ready = [job for job in pending if {job[1], *_needs(job[2])} <= done]
        pending = [job for job in pending if not {job[1], *_needs(job[2])} <= done]
        if not ready:
            raise RuntimeError(f"photo edits without a source: {pending[:3]}")
        jobs = [
            (root / path, root / source, edit, [root / t for t in _needs(edit)])
            for path, source, edit in ready
        ]
        _run(_edit_job, jobs, workers)
        done |= {path for path, _, _ in ready}
