"""Deal rows as an Excel workbook (openpyxl, write-only: streamed): links, frozen header, number formats."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from sourcefinder.deals.columns import DEAL_COLUMNS_SPEC, Column
from sourcefinder.export.cells import is_missing, plain, web_url

NUMBER_FORMATS = {"money": '"¥"#,##0.00', "percent": '0.0"%"', "score": "0.000", "count": "#,##0"}
WIDTHS = {"text": 28, "url": 40, "time": 20, "flag": 8}


def _cell(sheet: Any, column: Column, value: Any) -> WriteOnlyCell:
    value = plain(value)
    if is_missing(value):
        return WriteOnlyCell(sheet, value=None)
    if isinstance(value, bool):
        return WriteOnlyCell(sheet, value=value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # Text stays text: a title "=HYPERLINK(...)" is stored as a string (quote-prefixed), never a formula.
        cell.data_type = "s"
        cell.quotePrefix = True
        if column.kind == "url" and web_url(value):
            cell.hyperlink = value
            cell.style = "Hyperlink"
    elif column.kind in NUMBER_FORMATS:
        cell.number_format = NUMBER_FORMATS[column.kind]
    return cell


def write_xlsx(rows: Iterable[Mapping[str, Any]], path: str | Path) -> int:
    """Write deal rows to an .xlsx file, one sheet "deals"; return how many rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("deals")
    sheet.freeze_panes = "A2"
    for index, column in enumerate(DEAL_COLUMNS_SPEC):
        sheet.column_dimensions[get_column_letter(index + 1)].width = WIDTHS.get(column.kind, 12)
    header = []
    for column in DEAL_COLUMNS_SPEC:
        cell = WriteOnlyCell(sheet, value=column.name)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    count = 0
    for count, row in enumerate(rows, 1):  # noqa: B007
        sheet.append([_cell(sheet, column, row.get(column.name)) for column in DEAL_COLUMNS_SPEC])
    book.save(path)
    return count
