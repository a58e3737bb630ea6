"""Titles of the demo's offers and listings: 1688-style and Taobao-style Chinese ones, and English ones with
model codes, written by factories (``VOLTEK PD65C 65W USB C Charger ...``) and respelled by resellers
(``PD-65C``, ``PD 65C``, ``PD65C-WH``, ``pd65c``, ``VOLTEKPD65C``)."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

from sourcefinder.demo import english_kinds as E
from sourcefinder.demo import kinds as K
from sourcefinder.demo.plan import Family

# How resellers write a factory's model code, and how often (percent).
CODE_SPELLINGS = {"as_is": 25, "hyphen": 20, "space": 10, "colour": 15, "lower": 10, "glued": 10, "none": 10}


def model_code(family: Family, size: str) -> str:
    """The model code of one variant of an English-titled product line ("" for other kinds)."""
    line = family.kind.line
    return f"{family.series[0]}{line.numbers[size]}{family.series[1]}" if line else ""


def _variant(family: Family, size: str) -> str:
    return f"for {size}" if family.kind.key == "phone_case" else size


def factory_title(rng: random.Random, family: Family, size: str, colour: str | None) -> str:
    """A factory's title for its offer of one size (and of ``colour`` when the title names it)."""
    if family.kind.line:
        return _english_factory_title(rng, family, size, colour)
    parts = [rng.choice(K.FACTORY_PREFIXES)] if rng.random() < 0.7 else []
    if rng.random() < 0.5 and family.material not in family.kind.noun:
        parts.append(family.material)
    parts.append(family.kind.noun)
    parts += family.words
    if not family.kind.multi_size:
        parts.insert(rng.randint(len(parts) - len(family.words), len(parts)), size)
    if colour:
        parts.append(colour)
    parts += rng.sample(K.FACTORY_SUFFIXES, rng.randint(1, 2))
    return "".join(parts)


def _english_factory_title(rng: random.Random, family: Family, size: str, colour: str | None) -> str:
    """``2024 New VOLTEK PD65C 65W USB C Charger GaN Fast Charging Wholesale``: the code after the brand or last."""
    parts = [rng.choice(E.FACTORY_PREFIXES)] if rng.random() < 0.5 else []
    code = model_code(family, size)
    code_last = rng.random() < 0.2
    parts += [family.brand] if rng.random() < 0.8 else []
    parts += ([] if code_last else [code]) + [_variant(family, size), family.kind.noun, *family.words]
    if colour:
        parts.append(E.COLOUR_NAMES[colour][0])
    parts += [code] if code_last else []
    parts += rng.sample(E.FACTORY_SUFFIXES, rng.randint(1, 2))
    return " ".join(parts)


def retail_title(
    rng: random.Random, family: Family, colour: str, size: str, words: Sequence[str], with_colour: bool
) -> str:
    """A reseller's title: stuffing words, a synonym of the noun, some of the factory's words, reordered."""
    if family.kind.line:
        return _english_retail_title(rng, family, colour, size, words, with_colour)
    kind = family.kind
    noun = rng.choice(kind.synonyms) if rng.random() < 0.6 else kind.noun
    words = [w for w in words if w not in noun]
    core = [noun] + rng.sample(words, max(1, len(words) - rng.randint(0, 1)))
    rng.shuffle(core)
    blocks = [[size]] if not kind.multi_size else []
    if with_colour:
        blocks.append([colour])
    if rng.random() < 0.5 and family.material not in "".join(core):
        blocks.append([family.material])
    blocks.append(core)
    rng.shuffle(blocks)
    blocks.insert(0, rng.sample(K.RETAIL_STUFFING, rng.randint(1, 3)))
    separator = " " if rng.random() < 0.25 else ""
    return separator.join("".join(block) for block in blocks)


def _english_retail_title(
    rng: random.Random, family: Family, colour: str, size: str, words: Sequence[str], with_colour: bool
) -> str:
    """``Hot Sale VOLTEK PD-65C USB C Charger 65W GaN Fast Charging White Free Shipping``, sometimes lower case."""
    kind = family.kind
    noun = rng.choice(kind.synonyms) if rng.random() < 0.6 else kind.noun
    stuffing = rng.sample(E.RETAIL_STUFFING, rng.randint(1, 3))
    lead = stuffing[: rng.randint(0, len(stuffing))]
    core = [noun, _variant(family, size)] if rng.random() < 0.5 else [_variant(family, size), noun]
    picked = rng.sample(list(words), max(1, len(words) - rng.randint(0, 2)))
    named = [E.COLOUR_NAMES[colour][0]] if with_colour or rng.random() < 0.3 else []
    parts = lead + code_words(rng, family, model_code(family, size), colour) + core + picked + named
    title = " ".join(parts + stuffing[len(lead) :])
    return title.lower() if rng.random() < 0.15 else title


def code_words(rng: random.Random, family: Family, code: str, colour: str) -> list[str]:
    """The brand and model code as a reseller writes them (``CODE_SPELLINGS``); the brand is left out 2 in 5."""
    style = rng.choices(list(CODE_SPELLINGS), list(CODE_SPELLINGS.values()))[0]
    brand = [family.brand] if rng.random() < 0.6 else []
    if style == "none":
        return brand
    if style == "glued":
        return [family.brand + code]
    return brand + [spell_code(rng, code, colour, style)]


def spell_code(rng: random.Random, code: str, colour: str, style: str) -> str:
    """The code in one style: a hyphen or space between its letter and digit runs, a colour suffix, lower case."""
    runs = re.findall(r"[A-Za-z]+|\d+", code)
    if style in ("hyphen", "space") and len(runs) > 1:
        cut = rng.randrange(1, len(runs))
        separator = "-" if style == "hyphen" else " "
        return "".join(runs[:cut]) + separator + "".join(runs[cut:])
    if style == "colour":
        return f"{code}{rng.choice(('-', ''))}{E.COLOUR_NAMES[colour][1]}"
    return code.lower() if style == "lower" else code
