"""The command line: every command documented with an example, and the commands that need no crawl."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from sourcefinder.cli import app
from sourcefinder.store import database as store

ROOT = Path(__file__).parent.parent
REAL = Path(__file__).parent / "fixtures" / "real-pages"
runner = CliRunner()


def _commands(group, prefix: str = "") -> list[tuple[str, object]]:
    found = []
    for name, command in group.commands.items():
        found.append((f"{prefix}{name}", command))
        if hasattr(command, "commands"):
            found += _commands(command, f"{prefix}{name} ")
    return found


COMMANDS = _commands(get_command(app))


def test_all_commands_are_found():
    names = {name for name, _ in COMMANDS}
    assert {"demo", "demo serve", "crawl", "import", "match", "deals", "export", "parse", "evaluate"} <= names


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[name for name, _ in COMMANDS])
def test_every_command_has_an_example_and_is_in_the_readme(name, command):
    assert f"Example: sourcefinder {name}" in (command.help or ""), f"`{name}` --help has no example"
    assert f"sourcefinder {name}" in (ROOT / "README.md").read_text(encoding="utf-8"), (
        f"README lacks `{name}`"
    )
    assert "--db" in {opt for param in command.params for opt in getattr(param, "opts", [])}


def test_parse_prints_the_listing_of_a_saved_page():
    page = REAL / "1688" / "detail_pc_od2024_offer769706957407.html"
    result = runner.invoke(app, ["parse", str(page)])
    assert result.exit_code == 0, result.output
    [listing] = [json.loads(line) for line in result.stdout.splitlines()]
    assert listing["item_id"] == "769706957407" and listing["role"] == "factory"


def test_parse_refuses_a_wall_with_a_clear_error():
    result = runner.invoke(app, ["parse", str(REAL / "1688" / "antibot_login_jump_from_offer_search.html")])
    assert result.exit_code == 1
    assert "wall" in result.stderr


def test_parse_of_a_missing_file():
    result = runner.invoke(app, ["parse", "no/such/page.html"])
    assert result.exit_code == 1 and "no such file" in result.stderr


def test_deals_and_export_on_an_empty_database(tmp_path):
    db_path = str(tmp_path / "empty.db")
    result = runner.invoke(app, ["deals", "--db", db_path])
    assert result.exit_code == 0 and "No matched pairs yet" in result.stdout
    out = tmp_path / "deals.csv"
    result = runner.invoke(app, ["export", str(out), "--db", db_path])
    assert result.exit_code == 0 and out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_match_export_and_evaluate_on_stored_listings(tmp_path, make_listing):
    db_path = tmp_path / "m.db"
    database = store.open_db(db_path)
    spoon = "景德镇陶瓷勺子 16.5cm 家用汤勺"
    store.save_listing(
        database,
        make_listing("r1", title=f"网红新款 {spoon} 包邮", price=19.9, image_phash="c3a1b2d4e5f60718"),
    )
    store.save_listing(
        database, make_listing("f1", role="factory", title=spoon, price=3.2, image_phash="c3a1b2d4e5f60719")
    )
    store.save_listing(
        database,
        make_listing("f2", role="factory", title="不锈钢炒锅 32cm", price=45, image_phash="0f0f0f0f0f0f0f0f"),
    )
    result = runner.invoke(app, ["match", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "out.csv"
    assert runner.invoke(app, ["export", str(out), "--db", str(db_path)]).exit_code == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert [(r["retail_id"], r["factory_id"]) for r in rows] == [("demotaobao:r1", "demo1688:f1")]
    truth = tmp_path / "truth.csv"
    truth.write_text("retail_id,factory_id\ndemotaobao:r1,demo1688:f1\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(truth), "--db", str(db_path)])
    assert result.exit_code == 0 and "F1 1.000" in result.stdout
    again = runner.invoke(app, ["match", "--db", str(db_path)])
    assert "Scored 0 of 1 retail listings" in again.stdout


def test_evaluate_names_a_bad_truth_file(tmp_path):
    truth = tmp_path / "truth.csv"
    truth.write_text("a,b\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(truth), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 1 and "lacks the column" in result.stderr


SAVED_PAGES = [
    ("1688/detail_pc_od2024_offer769706957407.html", "769706957407"),
    ("1688/detail_pc_od2024_offer769706957407_context_result.json", "769706957407"),
    ("1688/mobile_init_data_excerpt_offer813724060928.json", "813724060928"),
    ("1688/mtop_mbox_gateway_skus_offer813724060928.json", "813724060928"),
    ("1688/search_results_tmapi_style_bags.json", "737342241195"),
    ("1688/search_results_tmapi_style_sunglasses.json", "820581318475"),
    ("taobao/search_g_page_config_q-nvbao_2017-2018.json", "44280017876"),
    ("taobao/tmall_h5_detail_item583789686010__DATA_Detail.json", "583789686010"),
    ("taobao/tmall_h5_detail_item583789686010__DATA_Mdskip.json", "583789686010"),
]


@pytest.mark.parametrize(("page", "first_id"), SAVED_PAGES)
def test_parse_works_on_every_saved_product_page(page, first_id):
    result = runner.invoke(app, ["parse", str(REAL / page)])
    assert result.exit_code == 0, result.output
    listings = [json.loads(line) for line in result.stdout.splitlines()]
    assert listings[0]["item_id"] == first_id
    assert all(listing["title"] and listing["role"] in ("retail", "factory") for listing in listings)


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("1688/antibot_login_jump_from_offer_search.html", "anti-bot or login wall"),
        ("taobao/antibot_tmall_detail_login_jump.html", "anti-bot or login wall"),
        ("1688/search_pc_offer_search_shell.html", "no listing data"),
        ("1688/description_offer813724060928.txt", "no listing data"),
    ],
)
def test_parse_explains_saved_pages_without_listings(page, message):
    result = runner.invoke(app, ["parse", str(REAL / page)])
    assert result.exit_code == 1 and message in result.stderr


def test_parse_reads_schema_org_from_any_shop():
    page = Path(__file__).parent / "fixtures" / "shop" / "product_jsonld_graph.html"
    result = runner.invoke(
        app, ["parse", str(page), "--url", "https://shop.example/p/1", "--spider", "factory"]
    )
    assert result.exit_code == 0, result.output
    [listing] = [json.loads(line) for line in result.stdout.splitlines()]
    assert (
        listing["role"] == "factory"
        and listing["source"] == "shop.example"
        and listing["attributes"]["gtin13"]
    )


def test_demo_that_reaches_no_page_says_so_and_fails(tmp_path, monkeypatch):
    """Every request of the demo crawl fails (here: a closed port; for a user, e.g. a loopback that is down):
    the command names the cause instead of printing an empty table and F1 0."""
    from sourcefinder.demo import job

    def unreachable(server):
        return [
            (spider, {**args, "start_url": "http://127.0.0.1:9/"}) for spider, args in job_spiders(server)
        ]

    job_spiders = job.demo_spiders
    monkeypatch.setattr(job, "demo_spiders", unreachable)
    db_path = tmp_path / "demo.db"
    result = runner.invoke(
        app, ["demo", "--size", "small", "--db", str(db_path), "--out", str(tmp_path / "d.csv")]
    )
    assert result.exit_code == 1
    assert "requests failed (DownloadConnectionRefusedError)" in result.stderr
    assert "the demo crawl stored no listing" in result.stderr
    assert not (tmp_path / "d.csv").exists()
