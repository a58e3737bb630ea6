"""Quantities in product titles: numbers with units, normalised to one base unit per dimension.

The tables live in ``resources/units.json``; ``16.5cm``, ``165mm`` and ``16.5厘米`` all become ``length: 165mm``.
A body weight or height written in a title (``适合200斤``, ``100-140斤可穿``) is a fit range, a size of its own
(``fit_weight: 140斤``), never the item's weight.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import NamedTuple

_NUMBER = r"\d+(?:\.\d+)?"
LETTER_SIZE = "size"  # the dimension of letter sizes (S, M, XL)
FIT_DIMENSIONS = ("fit_weight", "fit_height")  # body weights and heights the item fits (units.json "fit")
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


def alternation(words: Iterable[str]) -> str:
    """A regex alternative of the words, longest first (so that a longer word wins over its prefix)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


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
    dims = unit_table()["dimensions"] | unit_table()["fit"]["dimensions"]
    if dimension == LETTER_SIZE:
        return unit_table()["letter_size_label"]
    if dimension == PRODUCT_TYPE:
        return unit_table()["product_type_label"]
    return dims[dimension]["label"] if dimension in dims else dimension


@cache
def _pattern() -> re.Pattern[str]:
    numerals = "".join(unit_table()["numerals"])
    unit = alternation(_units())
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


@cache
def _fit_units() -> dict[str, tuple[str, float, dict]]:
    """Unit spelling -> (fit dimension, factor to its base unit, the dimension's table)."""
    dims = unit_table()["fit"]["dimensions"]
    return {unit: (name, factor, dim) for name, dim in dims.items() for unit, factor in dim["units"].items()}


@cache
def _fit_pattern() -> re.Pattern[str]:
    fit = unit_table()["fit"]
    return re.compile(
        rf"(?P<before>{alternation(fit['before'])})?\s*(?<![a-z0-9.])(?P<low>{_NUMBER})"
        rf"(?:\s*[-~到至]\s*(?P<high>{_NUMBER}))?\s*(?P<unit>{alternation(_fit_units())})(?![a-z])"
    )


def _is_fit(match: re.Match[str], text: str, dim: dict, value: float) -> bool:
    """A body value in the plausible range, marked as a fit (or bare, or a range) and not as the item's own."""
    fit = unit_table()["fit"]
    low, high = dim["body"]
    before, after = text[: match.start("low")].rstrip(), text[match.end() :].lstrip()
    if not low <= value <= high or after.startswith(tuple(fit["item_after"])):
        return False
    if match["before"] is None and before.endswith(tuple(fit["item_before"])):  # 净重 (but 体重 is a marker)
        return False
    marked = match["before"] is not None or after.startswith(tuple(fit["after"]))
    return marked or match["unit"] in dim["bare"] or (match["high"] is not None and dim["ranges"])


def find_fit_ranges(text: str) -> Iterator[Quantity]:
    """Body weights and heights a title says the item fits (适合200斤, 100-140斤可穿, 身高155cm), by their upper
    bound in the base unit (``fit_weight: 140斤``)."""
    for match in _fit_pattern().finditer(text):
        name, factor, dim = _fit_units()[match["unit"]]
        value = float(match["high"] or match["low"]) * factor
        if _is_fit(match, text, dim, value):
            span = (match.start("low"), match.end())
            yield Quantity(name, _format(value, dim["base"]), text[span[0] : span[1]], span)


def find_quantities(text: str) -> Iterator[Quantity]:
    """Every number-with-unit in a normalised (lowercase, half-width) text; fit ranges apart (find_fit_ranges)."""
    fits = list(find_fit_ranges(text))
    yield from fits
    for match in _pattern().finditer(text):
        if any(start < match.end() and match.start() < end for _, _, _, (start, end) in fits):
            continue
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
