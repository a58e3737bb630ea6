"""Deal rows written as CSV (UTF-8 with BOM), JSON lines or a Markdown table, one row at a time."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO

from sourcefinder.deals.columns import DEAL_COLUMNS
from sourcefinder.export.cells import cell_text, neutralise_formula, plain, web_url

Rows = Iterable[Mapping[str, Any]]
_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#!"} | {"\n": " ", "\r": " "})


def _records(rows: Any) -> Iterator[Mapping[str, Any]]:
    """Rows from an iterable of mappings or a pandas DataFrame."""
    if hasattr(rows, "itertuples"):
        for record in rows.itertuples(index=False):
            yield record._asdict()
    else:
        yield from rows


def _csv(rows: Rows, out: TextIO) -> int:
    writer = csv.writer(out)
    writer.writerow(DEAL_COLUMNS)
    count = 0
    for count, row in enumerate(rows, 1):  # noqa: B007
        writer.writerow([neutralise_formula(cell_text(row.get(c))) for c in DEAL_COLUMNS])
    return count


def _jsonl(rows: Rows, out: TextIO) -> int:
    count = 0
    for count, row in enumerate(rows, 1):  # noqa: B007
        out.write(json.dumps({c: plain(row.get(c)) for c in DEAL_COLUMNS}, ensure_ascii=False) + "\n")
    return count


def markdown_text(value: Any) -> str:
    """Scraped text made inert in Markdown: its punctuation escaped, on one line."""
    return cell_text(value).translate(_MARKDOWN_SPECIAL)


def _link(url: Any, label: str, image: Any = None) -> str:
    """A Markdown link to an http(s) page, showing the listing's photo when it has a web one."""
    page, photo = web_url(url), web_url(image)
    shown = f"![photo]({_quote(photo)})" if photo else label
    return f"[{shown}]({_quote(page)})" if page else (shown if photo else markdown_text(url))


def _quote(url: str) -> str:
    return (
        url.replace(" ", "%20")
        .replace("(", "%28")
        .replace(")", "%29")
        .replace("<", "%3C")
        .replace(">", "%3E")
    )


def _markdown_cell(row: Mapping[str, Any], column: str) -> str:
    if column == "retail_url":
        return _link(row.get(column), "shop", row.get("retail_image"))
    if column == "factory_url":
        return _link(row.get(column), "factory", row.get("factory_image"))
    return markdown_text(row.get(column))


def _markdown(rows: Rows, out: TextIO) -> int:
    out.write("| " + " | ".join(DEAL_COLUMNS) + " |\n")
    out.write("|" + "---|" * len(DEAL_COLUMNS) + "\n")
    count = 0
    for count, row in enumerate(rows, 1):  # noqa: B007
        out.write("| " + " | ".join(_markdown_cell(row, c) for c in DEAL_COLUMNS) + " |\n")
    return count


def _text_writer(write: Callable[[Rows, TextIO], int], encoding: str) -> Callable[[Rows, Path], int]:
    def run(rows: Rows, path: Path) -> int:
        with path.open("w", encoding=encoding, newline="") as out:
            return write(rows, out)

    return run


def _xlsx(rows: Rows, path: Path) -> int:
    from sourcefinder.export.xlsx import write_xlsx

    return write_xlsx(rows, path)


FORMATS: dict[str, Callable[[Rows, Path], int]] = {
    ".csv": _text_writer(_csv, "utf-8-sig"),
    ".jsonl": _text_writer(_jsonl, "utf-8"),
    ".md": _text_writer(_markdown, "utf-8"),
    ".xlsx": _xlsx,
}


def write_deals(rows: Any, path: str | Path) -> int:
    """Write deal rows in the format of ``path``'s extension (.csv, .xlsx, .jsonl, .md); return how many."""
    path = Path(path)
    writer = FORMATS.get(path.suffix.lower())
    if writer is None:
        raise ValueError(f"cannot write {path.name}: the extension must be one of {', '.join(FORMATS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    return writer(_records(rows), path)


def write_csv(rows: Any, path: str | Path) -> Path:
    """Write deal rows (mappings or a DataFrame) as UTF-8 CSV with BOM for Excel, formulas neutralised."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    FORMATS[".csv"](_records(rows), path)
    return path
