"""Facts of English shop titles read as quantities: version numbers and years, pack and user counts, platform
words and edition words (word lists in resources/title_words.json); see docs/matching-titles.md."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from functools import cache

from sourcefinder.match.title_text import resource
from sourcefinder.match.units import Quantity

# The dimensions these facts are kept under (each has its own agree/conflict feature, title_features).
WORD_DIMENSIONS = ("version", "platform", "edition", "users", "ordinal")
ORDINAL = "ordinal"  # 1st grade, 8th edition: a fact of its own, never a model number
PACK = "pack"  # English pack counts join the quantities' pack dimension (5pk = 5个装 = 5装)

_COUNT = re.compile(
    r"(?=\d)(?<![\w.])(?P<n>\d+)\s*-?\s*(?P<unit>pk|packs?|pcs|count|ct|users?|u|seats?|licen[cs]es?|clients?|cal)(?![a-z])"
)
_LATIN_OR_DIGIT = re.compile(r"[a-z0-9]")
_DIGIT = re.compile(r"[0-9]")
_ORDINAL = re.compile(r"(?=\d)(?<![\w.])\d+(?:st|nd|rd|th)(?![a-z])")
# A number standing alone (not inside a code: X-300, 3-8 are not versions), v11, ver. 9.2, 5.0, 2007.
_NUMBER = re.compile(r"(?=[v\d])(?<![\w.\-/])(?:v|ver|version)?\.?\s?(?P<n>\d+(?:\.\d+)*)(?![\w\-/])")


@cache
def _words() -> dict[str, dict[str, str]]:
    return {k: v for k, v in json.loads(resource("title_words.json")).items() if not k.startswith("_")}


@cache
def _word_pattern(kind: str) -> re.Pattern[str]:
    spellings = sorted(_words()[kind], key=len, reverse=True)
    first = "".join(sorted({re.escape(w[0]) for w in spellings}))  # lets re skip positions no word starts at
    alternatives = "|".join(re.escape(w) for w in spellings)
    return re.compile(rf"(?=[{first}])(?<![\w.])(?:{alternatives})(?![\w])")


def _version(number: str) -> str:
    """A version or a year as compared: trailing .0 parts dropped (5.0 = 5), leading zeros too."""
    parts = number.split(".")
    while len(parts) > 1 and parts[-1].strip("0") == "":
        parts.pop()
    return ".".join(str(int(p)) if p.isdigit() and len(p) < 6 else p for p in parts)


def _outside(span: tuple[int, int], taken: Sequence[tuple[int, int]]) -> bool:
    return all(span[1] <= a or span[0] >= b for a, b in taken)


def find_counts(text: str) -> Iterator[Quantity]:
    """Pack counts (30pk, 4-pack: the pack dimension), user or licence counts (5 users, 1u, 10 seats) and
    ordinals (1st grade, 8th edition)."""
    for match in _COUNT.finditer(text):
        unit, n = match["unit"], str(int(match["n"]))
        dimension = PACK if unit.startswith(("p", "c")) and not unit.startswith("cal") else "users"
        yield Quantity(dimension, f"{n}装" if dimension == PACK else n, match.group(0), match.span())
    for match in _ORDINAL.finditer(text):
        yield Quantity(ORDINAL, match.group(0)[:-2], match.group(0), match.span())


def find_words(text: str, taken: Sequence[tuple[int, int]]) -> Iterator[Quantity]:
    """Platform and edition words, and the numbers standing alone outside ``taken`` (the spans of quantities and
    counts already read): versions and years (2007, v11.1, 5.0)."""
    for kind in ("platform", "edition"):
        table = _words()[kind]
        for match in _word_pattern(kind).finditer(text):
            yield Quantity(kind, table[match.group(0)], match.group(0), match.span())
    if not _DIGIT.search(text):
        return
    for match in _NUMBER.finditer(text):
        # at most 4 digits before a point: longer numbers are catalogue numbers (encore 10449), not versions
        if _outside(match.span(), taken) and len(match["n"].split(".")[0]) <= 4:
            yield Quantity("version", _version(match["n"]), match.group(0), match.span())


def english_facts(text: str, taken: Sequence[tuple[int, int]]) -> list[Quantity]:
    """Counts and ordinals, then platform, edition and version facts of a normalised title; ``taken`` are the
    spans of the quantities found before (a version is never a number already read as a quantity)."""
    if not _LATIN_OR_DIGIT.search(text):
        return []  # most Chinese titles: nothing to read, and the patterns are not run
    counts = list(find_counts(text)) if _DIGIT.search(text) else []
    return counts + list(find_words(text, [*taken, *(q.span for q in counts)]))
