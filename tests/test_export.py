"""sourcefinder export: every format by its extension, every filter, formulas kept inert, Chinese text intact."""

from __future__ import annotations

import csv
import json

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from sourcefinder.cli import app
from sourcefinder.deals.columns import DEAL_COLUMNS
from sourcefinder.export import neutralise_formula, write_csv
from sourcefinder.export.writers import markdown_text
from sourcefinder.store import database as store
from tests.dealsdb import store_pairs

FORMULA_TITLE = '=HYPERLINK("http://x","y")'
runner = CliRunner()


@pytest.fixture
def deals_db(tmp_path, make_listing):
    """Three retail listings and four sources: a formula title, Chinese text, wholesale, unknown shipping."""
    database = store.open_db(tmp_path / "deals.db")
    listings = [
        make_listing(
            "r1",
            price=26.0,
            shipping_fee=0,
            category="餐具",
            title=FORMULA_TITLE,
            url="https://shop.example/item?id=1",
            image_urls=["https://img.example/r1.jpg"],
        ),
        make_listing("r2", price=89.0, shipping_fee=5, category="床品", title="南通家纺 纯棉四件套 1.8m床"),
        make_listing("r3", price=30.0, shipping_fee=0, category="瓷砖", title="佛山 仿古砖 600x600"),
        make_listing(
            "spoon",
            role="factory",
            price=9.0,
            shipping_fee=6.0,
            location="广东 潮州",
            url="https://detail.1688.com/offer/1.html",
            image_urls=["https://cbu01.alicdn.com/spoon.jpg"],
        ),
        make_listing(
            "sheets", role="factory", price=32.0, shipping_fee=0, location="江苏 南通", badges=["一件代发"]
        ),
        make_listing(
            "sheets_bulk", role="factory", price=25.0, moq=20, shipping_fee=20, location="江苏 南通"
        ),
        make_listing("tile", role="factory", price=12.0, location="广东 佛山"),
    ]
    store_pairs(
        database,
        listings,
        [("r1", "spoon", 0.95), ("r2", "sheets", 0.9), ("r2", "sheets_bulk", 0.85), ("r3", "tile", 0.7)],
    )
    database.close()
    return tmp_path / "deals.db"


def export(db, out, *options):
    result = runner.invoke(app, ["export", str(out), "--db", str(db), "--min-confidence", "0.5", *options])
    assert result.exit_code == 0, result.output
    return result.output


def csv_rows(path):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_csv_has_bom_every_column_and_no_live_formula(deals_db, tmp_path):
    out = tmp_path / "deals.csv"
    assert "Wrote 4 matched pairs" in export(deals_db, out)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = csv_rows(out)
    assert list(rows[0]) == list(DEAL_COLUMNS)
    by_factory = {row["factory_id"]: row for row in rows}
    assert by_factory["demo1688:spoon"]["retail_title"] == "'" + FORMULA_TITLE
    assert by_factory["demo1688:sheets"]["retail_title"] == "南通家纺 纯棉四件套 1.8m床"
    tile = by_factory["demo1688:tile"]
    assert (tile["shipping_fee"], tile["shipping_known"], tile["landed_cost"], tile["saving"]) == (
        "",
        "false",
        "",
        "",
    )
    bulk = by_factory["demo1688:sheets_bulk"]
    assert (bulk["buy_mode"], bulk["buy_quantity"], bulk["outlay"], bulk["saving"]) == (
        "wholesale",
        "20",
        "520",
        "",
    )


def test_csv_in_excels_encoding_keeps_the_chinese_text(deals_db, tmp_path):
    out = tmp_path / "deals.csv"
    export(deals_db, out)
    # Excel recognises UTF-8 by its BOM; decoded as such the text round-trips byte for byte.
    text = out.read_bytes().decode("utf-8-sig")
    assert "南通家纺 纯棉四件套 1.8m床" in text and "江苏 南通" in text


def test_xlsx_links_frozen_header_number_formats_and_text_that_stays_text(deals_db, tmp_path):
    out = tmp_path / "deals.xlsx"
    export(deals_db, out)
    sheet = load_workbook(out)["deals"]
    header = [cell.value for cell in sheet[1]]
    assert header == list(DEAL_COLUMNS)
    assert sheet.freeze_panes == "A2"
    rows = {row[header.index("factory_id")].value: row for row in sheet.iter_rows(min_row=2)}
    spoon = rows["demo1688:spoon"]
    title = spoon[header.index("retail_title")]
    assert (title.value, title.data_type) == (FORMULA_TITLE, "s")  # text, not a formula
    assert title.quotePrefix
    link = spoon[header.index("retail_url")]
    assert link.hyperlink.target == "https://shop.example/item?id=1"
    saving = spoon[header.index("saving")]
    assert saving.value == 11 and saving.number_format == '"¥"#,##0.00'
    assert spoon[header.index("markup_pct")].number_format == '0.0"%"'
    assert rows["demo1688:sheets"][header.index("retail_title")].value == "南通家纺 纯棉四件套 1.8m床"
    assert rows["demo1688:tile"][header.index("landed_cost")].value is None
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_jsonl_one_object_a_line_with_unknowns_as_null(deals_db, tmp_path):
    out = tmp_path / "deals.jsonl"
    export(deals_db, out)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 4 and all(list(row) == list(DEAL_COLUMNS) for row in rows)
    tile = next(row for row in rows if row["factory_id"] == "demo1688:tile")
    assert tile["shipping_fee"] is None and tile["shipping_known"] is False and tile["landed_cost"] is None
    spoon = next(row for row in rows if row["factory_id"] == "demo1688:spoon")
    assert spoon["retail_title"] == FORMULA_TITLE and spoon["saving"] == 11.0


def test_markdown_table_with_photo_links(deals_db, tmp_path):
    out = tmp_path / "deals.md"
    export(deals_db, out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "| " + " | ".join(DEAL_COLUMNS) + " |"
    assert len(lines) == 2 + 4 and all(line.count(" | ") == len(DEAL_COLUMNS) - 1 for line in lines[2:])
    spoon = next(line for line in lines if "demo1688:spoon" in line)
    assert "[![photo](https://img.example/r1.jpg)](https://shop.example/item?id=1)" in spoon
    assert "[![photo](https://cbu01.alicdn.com/spoon.jpg)](https://detail.1688.com/offer/1.html)" in spoon


def test_markdown_text_cannot_break_the_table_or_inject_markup():
    assert markdown_text("a | b\n<script>[x](javascript:y)") == "a \\| b \\<script\\>\\[x\\](javascript:y)"


@pytest.mark.parametrize(
    ("options", "factories"),
    [
        ([], {"spoon", "sheets", "sheets_bulk", "tile"}),
        (["--category", "床品"], {"sheets", "sheets_bulk"}),
        (["--min-markup", "200"], {"sheets_bulk"}),
        (["--min-markup", "150"], {"sheets", "sheets_bulk"}),
        (["--min-saving", "50"], {"sheets"}),
        (["--min-confidence", "0.9"], {"spoon", "sheets"}),
        (["--one-piece"], {"spoon", "sheets", "tile"}),
        (["--location", "南通"], {"sheets", "sheets_bulk"}),
        (["--location", "佛山"], {"tile"}),
        (["--since", "2000-01-01"], {"spoon", "sheets", "sheets_bulk", "tile"}),
        (["--since", "2999-01-01"], set()),
        (["--limit", "1"], {"sheets"}),
        (["--sort", "confidence", "--limit", "2"], {"spoon", "sheets"}),
    ],
)
def test_filters(deals_db, tmp_path, options, factories):
    out = tmp_path / "deals.jsonl"
    export(deals_db, out, *options)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {row["factory_id"].split(":")[1] for row in rows} == factories


def test_sort_orders_rows(deals_db, tmp_path):
    out = tmp_path / "deals.jsonl"
    export(deals_db, out, "--sort", "landed")
    order = [json.loads(line)["factory_id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert order == ["demo1688:spoon", "demo1688:sheets_bulk", "demo1688:sheets", "demo1688:tile"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--sort", "cheapness"], "--sort 'cheapness' is not one of"),
        (["--since", "last week"], "not an ISO date"),
    ],
)
def test_bad_options_say_so_in_one_line(deals_db, tmp_path, options, message):
    result = runner.invoke(app, ["export", str(tmp_path / "x.csv"), "--db", str(deals_db), *options])
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output


def test_unknown_extension_is_refused(deals_db, tmp_path):
    result = runner.invoke(app, ["export", str(tmp_path / "deals.pdf"), "--db", str(deals_db)])
    assert result.exit_code == 1 and "must end in .csv, .jsonl, .md, .xlsx" in result.output


def test_write_csv_of_a_frame_keeps_the_deal_columns(tmp_path):
    import pandas as pd

    frame = pd.DataFrame(
        [{"retail_id": "a", "retail_title": "@SUM(A1)", "saving": float("nan"), "cheapest": True}]
    )
    rows = csv_rows(write_csv(frame, tmp_path / "x.csv"))
    assert list(rows[0]) == list(DEAL_COLUMNS)
    assert (rows[0]["retail_title"], rows[0]["saving"]) == ("'@SUM(A1)", "")


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+86 123", "'+86 123"),
        ("-5折", "'-5折"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("陶瓷", "陶瓷"),
        (3.5, 3.5),
    ],
)
def test_neutralise_formula(text, safe):
    assert neutralise_formula(text) == safe


def test_xlsx_figures_equal_the_jsonl_ones_row_by_row(deals_db, tmp_path):
    export(deals_db, tmp_path / "deals.xlsx")
    export(deals_db, tmp_path / "deals.jsonl")
    sheet = load_workbook(tmp_path / "deals.xlsx")["deals"]
    header = [cell.value for cell in sheet[1]]
    from_xlsx = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    from_jsonl = [
        json.loads(line) for line in (tmp_path / "deals.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    figures = (
        "retail_price",
        "unit_price",
        "landed_cost",
        "outlay",
        "saving",
        "markup_pct",
        "confidence",
        "buy_quantity",
    )
    assert [[r[f] for f in figures] for r in from_xlsx] == [[r[f] for f in figures] for r in from_jsonl]


def test_a_file_that_is_not_a_database_is_one_line(tmp_path):
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"this is not sqlite" * 100)
    result = runner.invoke(app, ["export", str(tmp_path / "x.csv"), "--db", str(broken)])
    assert result.exit_code == 1 and "is not a sourcefinder database" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_an_unwritable_output_is_one_line(deals_db, tmp_path):
    result = runner.invoke(app, ["export", str(tmp_path), "--db", str(deals_db)])
    assert result.exit_code == 1
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    result = runner.invoke(app, ["export", str(folder), "--db", str(deals_db)])
    assert result.exit_code == 1 and "cannot write" in result.output
