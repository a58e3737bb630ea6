"""The demo catalogue as the generator plans it: the two sites' source names, families, offers and the plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sourcefinder.demo import kinds as K
from sourcefinder.demo.designs import Design, View
from sourcefinder.demo.photo_edits import Edit
from sourcefinder.demo.photo_layouts import Layout

FACTORY_SOURCE = "demo1688"
RETAIL_SOURCE = "demotaobao"


@dataclass
class Family:
    """A product design that comes in colours (and sizes): what a factory makes."""

    kind: K.Kind
    design: Design
    words: list[str]
    material: str
    extra: dict[str, str]
    price: float
    brand: str = (
        ""  # English-titled lines: the brand and the model code's letters around the variant's number
    )
    series: tuple[str, str] = ("", "")


@dataclass
class Offer:
    """One factory offer while the catalogue is generated (before it becomes JSON)."""

    id: str
    family: Family
    colour: str
    size: str
    company: dict[str, Any]
    data: dict[str, Any] = field(default_factory=dict)
    images: list[str] = field(default_factory=list)


@dataclass
class Plan:
    """Everything the generator decided: records, truth rows, and the photo jobs that draw them."""

    factory: list[dict[str, Any]] = field(default_factory=list)
    retail: list[dict[str, Any]] = field(default_factory=list)
    truth: list[tuple[str, str]] = field(default_factory=list)
    cases: list[tuple[str, str]] = field(default_factory=list)
    renders: list[tuple[str, Design, View]] = field(default_factory=list)
    edits: list[tuple[str, str, Edit | Layout | None]] = field(default_factory=list)
    photo_kinds: list[tuple[str, str]] = field(default_factory=list)  # (retail id, kind of its main photo)
