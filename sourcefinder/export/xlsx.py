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
from sourcefinder.export.cells import FORMULA_START, is_missing, plain, web_url

NUMBER_FORMATS = {"money": '"¥"#,##0.00', "percent": '0.0"%"', "score": "0.000", "count": "#,##0"}
WIDTHS = {"text": 28, "url": 40, "time": 20, "flag": 8}
# An Excel sheet holds 1,048,576 rows, the header included.
MAX_ROWS = 1_048_575


class TooManyRows(ValueError):
    """More deal rows than an Excel sheet holds."""


class RowCells:
    """Builds the cells of one row; number cells are reused from row to row (each row is written on append)."""

    def __init__(self, sheet: Any) -> None:
        self.sheet = sheet
        self.numbers = {
            column.name: self._formatted(NUMBER_FORMATS[column.kind])
            for column in DEAL_COLUMNS_SPEC
            if column.kind in NUMBER_FORMATS
        }

    def _formatted(self, number_format: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.sheet)
        cell.number_format = number_format
        return cell

    def _text(self, column: Column, value: str) -> Any:
        link = column.kind == "url" and web_url(value)
        if not link and not value.startswith(FORMULA_START):
            return value
        cell = WriteOnlyCell(self.sheet, value=value)
        # Text stays text: a title "=HYPERLINK(...)" is stored as a quote-prefixed string, never a formula.
        cell.data_type = "s"
        cell.quotePrefix = True
        if link:
            cell.hyperlink = value
            cell.style = "Hyperlink"
        return cell

    def cell(self, column: Column, value: Any) -> Any:
        """The cell (or plain value) for one value of a column."""
        value = plain(value)
        if is_missing(value) or isinstance(value, bool):
            return value
        if isinstance(value, str):
            return self._text(column, value)
        if column.name in self.numbers:
            cell = self.numbers[column.name]
            cell.value = value
            return cell
        return value


def _header(sheet: Any) -> list[WriteOnlyCell]:
    cells = []
    for index, column in enumerate(DEAL_COLUMNS_SPEC):
        sheet.column_dimensions[get_column_letter(index + 1)].width = WIDTHS.get(column.kind, 12)
        cell = WriteOnlyCell(sheet, value=column.name)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def write_xlsx(rows: Iterable[Mapping[str, Any]], path: str | Path) -> int:
    """Write deal rows to an .xlsx file, one sheet "deals"; return how many rows.

    Raises TooManyRows past Excel's 1,048,575 rows (nothing is written then).
    """
    book = Workbook(write_only=True)
    sheet = book.create_sheet("deals")
    sheet.freeze_panes = "A2"
    sheet.append(_header(sheet))
    cells = RowCells(sheet)
    count = 0
    for count, row in enumerate(rows, 1):  # noqa: B007
        if count > MAX_ROWS:
            raise TooManyRows(
                f"more than {MAX_ROWS:,} rows, the most an Excel sheet holds: use --limit or .csv"
            )
        sheet.append([cells.cell(column, row.get(column.name)) for column in DEAL_COLUMNS_SPEC])
    book.save(path)
    return count
