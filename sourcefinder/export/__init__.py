"""Exports of the deals: CSV, Excel, JSON lines and Markdown, chosen by the file's extension, written as a stream."""

from sourcefinder.export.cells import neutralise_formula
from sourcefinder.export.writers import FORMATS, write_csv, write_deals

__all__ = ["FORMATS", "neutralise_formula", "write_csv", "write_deals"]
