"""The Datasette plugin of ``sourcefinder browse``: listing photos as thumbnails, and SQL ``median()``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from datasette import hookimpl
from markupsafe import Markup, escape

from sourcefinder.deals.staging import Median
from sourcefinder.report.images import local_copy

NAME = "sourcefinder-photos"
# Columns that hold a listing photo's URL (or, for image_urls, a JSON list of them); canned queries alias some.
PHOTO_COLUMNS = {"image_urls", "retail_image", "factory_image", "shop photo", "factory photo"}


def first_url(value: Any) -> str | None:
    """The photo URL in a cell: the value itself, or the first of a JSON list."""
    if not isinstance(value, str) or not value:
        return None
    if value.startswith("["):
        try:
            urls = json.loads(value)
        except json.JSONDecodeError:
            return None
        return urls[0] if urls and isinstance(urls[0], str) else None
    return value


def photo_cell(value: Any, images_dir: str, mount: str) -> Markup | None:
    """An <img> of the crawl's local copy of a photo, served from the static mount; None when there is none."""
    path = local_copy(first_url(value), images_dir)
    root = Path(images_dir).resolve()
    if path is None or root not in path.resolve().parents:
        return None
    src = f"/{mount}/{path.resolve().relative_to(root).as_posix()}"
    return Markup(
        f'<img src="{escape(src)}" alt="photo" loading="lazy" style="width:96px;height:96px;object-fit:cover">'
    )


@hookimpl
def render_cell(value: Any, column: str, datasette: Any) -> Markup | None:
    if column not in PHOTO_COLUMNS:
        return None
    config = datasette.plugin_config(NAME) or {}
    return photo_cell(value, config.get("images_dir", ""), config.get("mount", "photos"))


@hookimpl
def prepare_connection(conn: Any) -> None:
    conn.create_aggregate("median", 1, Median)
