"""Embedded JavaScript data: the real 1688 IIFE, assignments, fastjson $ref links, broken data."""

from __future__ import annotations

from pathlib import Path

import pytest

from sourcefinder.sites.jsdata import (
    PageDataError,
    find_assignment,
    find_iife_argument,
    load_data,
    parse_js_object,
    resolve_refs,
)

REAL = Path(__file__).parent / "fixtures" / "real-pages"
OFFER_PAGE = (REAL / "1688" / "detail_pc_od2024_offer769706957407.html").read_text(encoding="utf-8")


def test_window_context_is_the_second_argument_of_the_iife():
    context = find_iife_argument(OFFER_PAGE, "window.context")
    assert set(context) == {"result", "module", "version"}
    assert context["result"]["data"]["productTitle"]["fields"]["saleNum"] == "400+"


def test_unquoted_numeric_keys_are_read():
    context = find_iife_argument(OFFER_PAGE, "window.context")
    weights = context["result"]["data"]["submitOrder"]["fields"]["freightInfo"]["skuWeight"]
    assert weights["5449210271738"] == 0.295


def test_fastjson_refs_are_resolved_against_the_root():
    context = resolve_refs(find_iife_argument(OFFER_PAGE, "window.context"))
    shipping = context["result"]["data"]["shippingServices"]["fields"]
    assert shipping["skuWeight"] == shipping["freightInfo"]["skuWeight"]
    trade = context["result"]["global"]["globalData"]["model"]["tradeModel"]
    assert trade["tradeWithoutPromotion"]["skuMapOriginal"][0] == trade["skuMap"][0]
    assert trade["skuMap"][0]["skuId"] == 5449210271773


def test_a_ref_that_leads_nowhere_becomes_none():
    assert resolve_refs({"a": {"$ref": "$.b[3]"}, "b": []}) == {"a": None, "b": []}


def test_description_payload_assignment():
    text = (REAL / "1688" / "description_offer813724060928.txt").read_text(encoding="utf-8")
    details = find_assignment(text, "offer_details")
    assert details["content"].startswith('<div id="offer-template-0"></div>')


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        (
            '<script>g_page_config = {"pageName": "mainsrp"};\ng_srp_loadCss();</script>',
            "g_page_config",
            {"pageName": "mainsrp"},
        ),
        (
            "var _DATA_Detail = {item: {itemId: 1}}; var _DATA_Mdskip = {}",
            "_DATA_Detail",
            {"item": {"itemId": 1}},
        ),
        ("window.__INIT_DATA={globalData:{1:2}}</script>", "window.__INIT_DATA", {"globalData": {"1": 2}}),
        ("window.__INIT_DATA={a:1}", "__INIT_DATA", {"a": 1}),
        ("var other = 1;", "g_page_config", None),
    ],
)
def test_find_assignment(text, name, expected):
    assert find_assignment(text, name) == expected


def test_iife_absent_is_none():
    assert find_iife_argument("<html>no data</html>", "window.context") is None


def test_load_data_reads_json_and_jsonp():
    assert load_data('mtopjsonp1({"ret": ["SUCCESS::调用成功"]})') == {"ret": ["SUCCESS::调用成功"]}
    assert load_data(b'[{"a": 1}]') == [{"a": 1}]


@pytest.mark.parametrize(
    "call",
    [
        lambda: find_assignment('var _DATA_Detail = {"item": {"title": "x", ;</script>', "_DATA_Detail"),
        lambda: find_assignment('g_page_config = {"mods": {"itemlist": [1, 2', "g_page_config"),
        lambda: find_iife_argument(OFFER_PAGE[: OFFER_PAGE.find('"productTitle"')], "window.context"),
        lambda: find_iife_argument("window.context=(function(b,d){return d;}", "window.context"),
        lambda: parse_js_object(""),
        lambda: load_data("<html>not data</html>"),
    ],
    ids=[
        "truncated detail",
        "truncated g_page_config",
        "truncated window.context",
        "no call",
        "empty",
        "html",
    ],
)
def test_broken_data_raises_page_data_error(call):
    with pytest.raises(PageDataError):
        call()
