"""Quantities in product titles: numbers with units, normalised to one base unit per dimension.

The tables live in ``resources/units.json``; ``16.5cm``, ``165mm`` and ``16.5厘米`` all become ``length: 165mm``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import NamedTuple

_NUMBER = r"\d+(?:\.\d+)?"
LETTER_SIZE = "size"  # the dimension of letter sizes (S, M, XL)
PRODUCT_TYPE = "type"  # the kind of item a title's head noun names (resources/product_types.json)


class Quantity(NamedTuple):
    """One number with its unit, found in a text (a named tuple: titles hold many, made quickly)."""

    dimension: str
    value: str  # normalised, e.g. "165mm"
    surface: str  # as written, e.g. "16.5cm"
    span: tuple[int, int]


@dataclass(frozen=True)
class _Unit:
    dimension: str
    base: str
    factor: float
    numerals: bool


@cache
def unit_table() -> dict:
    """The parsed ``units.json``."""
    return json.loads(resources.files("sourcefinder.resources").joinpath("units.json").read_text("utf-8"))


@cache
def _units() -> dict[str, _Unit]:
    table = unit_table()
    units = {}
    for name, dim in table["dimensions"].items():
        for spelling, factor in dim["units"].items():
            units[spelling] = _Unit(name, dim["base"], factor, dim.get("numerals", False))
    return units


def dimension_label(dimension: str) -> str:
    """The Chinese display name of a dimension (``length`` -> ``尺寸``)."""
    dims = unit_table()["dimensions"]
    if dimension == LETTER_SIZE:
        return unit_table()["letter_size_label"]
    if dimension == PRODUCT_TYPE:
        return unit_table()["product_type_label"]
    return dims[dimension]["label"] if dimension in dims else dimension


@cache
def _pattern() -> re.Pattern[str]:
    spellings = sorted(_units(), key=len, reverse=True)
    numerals = "".join(unit_table()["numerals"])
    unit = "|".join(re.escape(s) for s in spellings)
    # A number (or Chinese numerals), optionally more numbers joined by * / x (150*200cm), then a unit.
    # Latin units must not run into more latin letters (2mini is not 2 m).
    number = rf"(?:{_NUMBER}|[{numerals}]+)"
    return re.compile(
        rf"(?<![a-z0-9.])(?P<nums>{number}(?:\s*[*×x]\s*{_NUMBER})*)\s*(?P<unit>{unit})(?![a-z])"
    )


@cache
def _size_pattern() -> re.Pattern[str]:
    sizes = sorted(unit_table()["letter_sizes"], key=len, reverse=True)
    first = "".join(sorted({s[0] for s in sizes}))  # lets re skip positions that cannot start a size
    return re.compile(rf"(?=[{first}])(?<![a-z0-9.])(?P<size>{'|'.join(sizes)})(?:码|号)?(?![a-z0-9])")


def _to_number(text: str) -> float | None:
    numerals = unit_table()["numerals"]
    if text[0] in numerals:
        if len(text) == 1:
            return float(numerals[text])
        if text[0] == "十":  # 十二 = 12
            return 10.0 + numerals.get(text[1], 0)
        if len(text) == 2 and text[1] == "十":  # 二十 = 20
            return 10.0 * numerals[text[0]]
        return None
    return float(text)


def _format(value: float, base: str) -> str:
    return f"{round(value, 3):g}{base}"


def find_quantities(text: str) -> Iterator[Quantity]:
    """Every number-with-unit in a normalised (lowercase, half-width) text."""
    for match in _pattern().finditer(text):
        unit = _units()[match["unit"]]
        parts = re.split(r"\s*[*×x]\s*", match["nums"])
        if not unit.numerals and not parts[0][0].isdigit():
            continue
        for part in parts:
            number = _to_number(part)
            if number is not None:
                value = _format(number * unit.factor, unit.base)
                yield Quantity(unit.dimension, value, match.group(0), match.span())


def find_letter_sizes(text: str) -> Iterator[Quantity]:
    """Clothing sizes written as letters: S, M, XL, 2XL, XL码."""
    for match in _size_pattern().finditer(text):
        size = match["size"].upper()
        yield Quantity(LETTER_SIZE, size, size, match.span())
