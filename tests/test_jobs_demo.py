"""A job end to end on the demo marketplace (127.0.0.1): crawled by Scrapy under its lock, a second run refused
while the first runs, price changes kept as history, a listing that left the site marked delisted."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sourcefinder.cli import app
from sourcefinder.demo.catalogue import build_marketplace
from sourcefinder.demo.job import CRAWL_SETTINGS
from sourcefinder.demo.server import DemoServer
from sourcefinder.store import database as store
from sourcefinder.store import history

runner = CliRunner()


@pytest.fixture(scope="module")
def marketplace(tmp_path_factory) -> Path:
    return build_marketplace(tmp_path_factory.mktemp("demo") / "marketplace", size="small")


@pytest.fixture
def offline(monkeypatch):
    """Any request that tried to leave 127.0.0.1 would go to a dead proxy and fail."""
    for name in ("http_proxy", "https_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


def _inline(table: dict) -> str:
    return "{ " + ", ".join(f"{key} = {json.dumps(value)}" for key, value in table.items()) + " }"


def write_jobs(path: Path, server: DemoServer) -> Path:
    args = {"start_url": server.retail_start_url, "source": "demotaobao", "allowed_domains": "127.0.0.1"}
    path.write_text(
        f'[jobs.retail]\nspider = "retail"\nargs = {_inline(args)}\nsettings = {_inline(CRAWL_SETTINGS)}\n'
        'schedule = "0 6 * * *"\nfull_crawl = true\n',
        encoding="utf-8",
    )
    return path


def _job_runs(db_path: Path) -> list[dict]:
    if not db_path.exists():
        return []
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute("select * from job_runs order by id")]
    except sqlite3.OperationalError:  # no table yet
        return []
    finally:
        conn.close()


def _wait_for_running(db_path: Path, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if any(run["status"] == "running" for run in _job_runs(db_path)):
            return
        time.sleep(0.05)
    pytest.fail("the first run never started")


def test_a_job_crawls_the_demo_keeps_history_delists_and_never_overlaps(marketplace, tmp_path, offline):
    root = shutil.copytree(marketplace, tmp_path / "marketplace")
    db_path = tmp_path / "data" / "jobs.db"
    server = DemoServer(root)
    jobs = write_jobs(tmp_path / "jobs.toml", server)
    command = ["jobs", "run", "retail", "--jobs", str(jobs), "--db", str(db_path)]
    try:
        first = subprocess.Popen(
            [sys.executable, "-m", "sourcefinder", *command],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy(),
        )  # fmt: skip
        _wait_for_running(db_path, first)
        second = runner.invoke(app, command)
        out, errors = first.communicate(timeout=300)
    finally:
        server.stop()
    assert second.exit_code == 0 and "job 'retail' is already running" in second.stderr, second.output
    assert first.returncode == 0, errors
    assert "retail: ok, 80 listings stored" in out
    [run] = _job_runs(db_path)  # the refused run left no record
    assert (run["status"], run["listings_stored"], run["delisted"]) == ("ok", 80, 0)

    catalogue = json.loads((root / "catalogue.json").read_text(encoding="utf-8"))
    cheaper, gone = catalogue["retail"][0], catalogue["retail"].pop(1)
    old_price = cheaper["price"]
    cheaper["price"] = round(old_price * 0.8, 2)
    (root / "catalogue.json").write_text(json.dumps(catalogue, ensure_ascii=False), encoding="utf-8")
    with DemoServer(root, port=server.port):
        again = runner.invoke(app, command)
    assert again.exit_code == 0, again.output

    database = store.open_db(db_path)
    last = database["job_runs"].get(2)
    assert (last["status"], last["listings_stored"], last["prices_changed"], last["delisted"]) == (
        "ok",
        79,
        1,
        1,
    )
    assert database["listings"].count == 80  # delisted, not deleted
    assert history.delisted_at(database, f"demotaobao:{gone['id']}") is not None
    assert database.execute("select count(*) from listings where delisted_at is not null").fetchone()[0] == 1
    changed = f"demotaobao:{cheaper['id']}"
    assert [p.price for p in history.price_history(database, changed)] == [old_price, cheaper["price"]]
    assert database["price_history"].count == 81

    shown = runner.invoke(app, ["history", changed, "--db", str(db_path)])
    assert shown.exit_code == 0, shown.output
    assert f"¥{old_price:.2f}" in shown.stdout and f"¥{cheaper['price']:.2f}" in shown.stdout
    assert "▇" in shown.stdout or "█" in shown.stdout
    assert "lowest ever recorded" in shown.stdout
    listed = runner.invoke(app, ["jobs", "list", "--jobs", str(jobs), "--db", str(db_path)])
    assert listed.exit_code == 0 and "ok; 79 listings, 1 price changes" in listed.stdout
    runs = runner.invoke(app, ["runs", "--db", str(db_path)])
    assert runs.exit_code == 0, runs.output
    rows = [line.split("│")[1:-1] for line in runs.stdout.splitlines() if line.startswith("│")]
    second = [cell.strip() for cell in rows[0]]  # newest first
    assert second[1:3] == ["retail", "retail"] and second[6:13] == ["0", "1", "78", "1", "0", "0", "finished"]
    first = [cell.strip() for cell in rows[1]]
    assert first[6:10] == ["80", "0", "0", "0"]
