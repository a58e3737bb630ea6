"""English-titled products with model numbers in the demo marketplace: the factories' codes, the resellers'
respellings of them, and the ``model_sibling`` case (one line, other codes and capacities, similar photos)."""

from __future__ import annotations

import random
import re
from collections import defaultdict

import pytest

from sourcefinder.demo import english_kinds as E
from sourcefinder.demo.generator import Generator
from sourcefinder.demo.plan import Family, Plan
from sourcefinder.demo.titles import code_words, model_code, retail_title, spell_code

CJK = re.compile(r"[\u4e00-\u9fff]")


def _squashed(text: str) -> str:
    """Lower case without spaces or hyphens: how a code compares however it is written."""
    return re.sub(r"[\s-]", "", text.lower())


@pytest.fixture(scope="module")
def plan() -> Plan:
    return Generator(random.Random(7), 150, 450).plan()


def _sources(plan: Plan) -> dict[str, set[str]]:
    """Each retail listing's true sources."""
    pairs: dict[str, set[str]] = defaultdict(set)
    for retail_id, factory_id in plan.truth:
        pairs[retail_id].add(factory_id)
    return pairs


@pytest.fixture(scope="module")
def truth(plan: Plan) -> dict[str, set[str]]:
    return _sources(plan)


def _english(plan: Plan) -> dict[str, dict]:
    return {f"demo1688:{o['id']}": o for o in plan.factory if "型号" in o["attributes"]}


def _family(key: str, series: tuple[str, str], brand: str = "VOLTEK") -> Family:
    kind = next(k for k in E.ENGLISH_KINDS if k.key == key)
    return Family(kind, None, list(kind.words[:3]), kind.materials[0], {}, 10.0, brand, series)  # type: ignore[arg-type]


# --- codes and their spellings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key, series, size, code",
    [
        ("usb_c_charger", ("PD", "C"), "65W", "PD65C"),
        ("usb_c_charger", ("GN", "Pro"), "100W", "GN100Pro"),
        ("power_bank", ("PB", ""), "10000mAh", "PB10"),
        ("power_bank", ("PB", ""), "20000mAh", "PB20"),
        ("led_bulb", ("LB9", "W"), "4-Pack", "LB904W"),
        ("phone_case", ("IP", "S"), "iPhone 15 Pro Max", "IP1530S"),
        ("cordless_drill", ("CD", "X"), "16.8V", "CD16X"),
        ("earbuds", ("TWS", "Pro"), "40H Playtime", "TWS40Pro"),
    ],
)
def test_each_variant_of_a_line_has_its_own_code(
    key: str, series: tuple[str, str], size: str, code: str
) -> None:
    assert model_code(_family(key, series), size) == code


@pytest.mark.parametrize(
    "code, colour, style, spellings",
    [
        ("PD65C", "白色", "as_is", {"PD65C"}),
        ("PD65C", "白色", "hyphen", {"PD-65C", "PD65-C"}),
        ("PD65C", "白色", "space", {"PD 65C", "PD65 C"}),
        ("PD65C", "白色", "colour", {"PD65C-WH", "PD65CWH"}),
        ("PD65C", "黑色", "colour", {"PD65C-BK", "PD65CBK"}),
        ("PD65C", "白色", "lower", {"pd65c"}),
        ("T30", "粉色", "hyphen", {"T-30"}),
        ("IP1530S", "紫色", "space", {"IP 1530S", "IP1530 S"}),
    ],
)
def test_resellers_respell_a_code(code: str, colour: str, style: str, spellings: set[str]) -> None:
    seen = {spell_code(random.Random(seed), code, colour, style) for seed in range(20)}
    assert seen == spellings
    assert all(_squashed(s).startswith(code.lower()) for s in seen)


def test_a_glued_code_sticks_to_the_brand() -> None:
    family = _family("usb_c_charger", ("PD", "C"))
    written = {" ".join(code_words(random.Random(seed), family, "PD65C", "白色")) for seed in range(200)}
    assert "VOLTEKPD65C" in written and "VOLTEK" in written and "PD-65C" in written
    assert all("PD65C" in _squashed(w).upper() or w in ("", "VOLTEK") for w in written)


def test_an_english_retail_title_carries_the_variant_and_mostly_the_code() -> None:
    family = _family("power_bank", ("PB", "S"))
    titles = [
        retail_title(random.Random(seed), family, "黑色", "20000mAh", family.words, False)
        for seed in range(200)
    ]
    assert all(not CJK.search(t) and "20000mah" in t.lower() for t in titles)
    with_code = [t for t in titles if "pb20s" in _squashed(t)]
    assert 0.75 <= len(with_code) / len(titles) <= 0.95
    assert any(t == t.lower() for t in titles) and any(any(w in t for w in E.RETAIL_STUFFING) for t in titles)


# --- the generated catalogue --------------------------------------------------------------------------------


def test_english_families_are_about_a_tenth_and_carry_model_codes(plan: Plan) -> None:
    english = _english(plan)
    assert 0.08 <= len(english) / len(plan.factory) <= 0.25
    for offer in english.values():
        code, brand = offer["attributes"]["型号"], offer["attributes"]["品牌"]
        assert code in offer["title"].split() and brand in E.BRANDS
        assert not CJK.search(offer["title"]), offer["title"]


def test_resellers_of_english_offers_write_english_titles_with_the_code(plan: Plan, truth) -> None:
    english = _english(plan)
    resold = [item for item in plan.retail if truth[f"demotaobao:{item['id']}"] & set(english)]
    assert len(resold) >= 30
    hits = 0
    for item in resold:
        offer = english[sorted(truth[f"demotaobao:{item['id']}"])[0]]
        assert not CJK.search(item["title"]) and item["attributes"]["品牌"] == offer["attributes"]["品牌"]
        hits += offer["attributes"]["型号"].lower() in _squashed(item["title"])
    assert hits / len(resold) >= 0.7


def _model_lines(plan: Plan, truth: dict[str, set[str]]) -> dict[tuple[str, str], dict[str, list[str]]]:
    """The model-sibling lines: (company, code with its number masked) -> offer id -> its resellers."""
    english = _english(plan)
    lines: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for retail_id, case in plan.cases:
        if case == "model_sibling":
            (factory_id,) = truth[retail_id]  # exactly one true source
            offer = english[factory_id]
            line = (offer["company"], re.sub(r"\d+", "#", offer["attributes"]["型号"]))
            lines[line][factory_id].append(retail_id)
    return lines


def test_model_siblings_are_one_line_and_only_their_own_offer_is_true(plan: Plan, truth) -> None:
    english, retail = _english(plan), {f"demotaobao:{i['id']}": i for i in plan.retail}
    lines = _model_lines(plan, truth)
    assert len(lines) >= 5
    for offers in lines.values():
        assert 2 <= len(offers) <= 3, "a line has two or three variants, each resold"
        assert len({english[f]["attributes"]["型号"] for f in offers}) == len(offers)
        for factory_id, resellers in offers.items():
            offer = english[factory_id]
            size_attr = offer["sku_props"][1]["prop"]
            for retail_id in resellers:
                assert truth[retail_id] == {factory_id}, "no sibling offer is a source"
                item = retail[retail_id]
                assert item["attributes"][size_attr] == offer["attributes"][size_attr]
                assert offer["attributes"][size_attr].lower() in item["title"].lower()


def test_a_model_siblings_photos_are_the_same_or_of_the_same_design(plan: Plan) -> None:
    same, similar = 0, 0
    others = [Generator(random.Random(seed), 60, 180).plan() for seed in (1, 2, 3)]
    for one in [plan, *others]:
        english = _english(one)
        designs = {path: design for path, design, _ in one.renders}
        copies = {path: source for path, source, edit in one.edits if edit is None}
        for offers in _model_lines(one, _sources(one)).values():
            mains = [english[f]["images"][0] for f in offers]
            if len({copies.get(path, path) for path in mains}) == 1:
                same += 1  # the very same photo bytes
                continue
            drawn = [designs[path] for path in mains]
            assert len({(d.shape, d.colour, d.pattern, d.seed) for d in drawn}) == 1, "one design"
            assert len({d.scale for d in drawn}) == len(drawn), "drawn a little larger or smaller"
            similar += 1
    assert same and similar
