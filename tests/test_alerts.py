"""Alerts: a price drop and a new, cheaper factory source each fire once, and reach a webhook, a JSON-lines
file and an SMTP server started by the test on 127.0.0.1; an unreachable channel does not fail the job."""

from __future__ import annotations

import json
import socketserver
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sourcefinder.cli import app
from sourcefinder.jobs import alerts as watching
from sourcefinder.jobs.config import parse_jobs
from sourcefinder.jobs.runner import run_job
from sourcefinder.store import database as store

runner = CliRunner()


@pytest.fixture
def webhook():
    """A local HTTP endpoint that keeps the JSON bodies POSTed to it."""
    bodies: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (the stdlib's name)
            bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", bodies
    server.shutdown()
    server.server_close()


@pytest.fixture
def smtp():
    """A local SMTP server that keeps the messages it is sent (just enough of RFC 5321 for smtplib)."""
    messages: list[str] = []

    class Handler(socketserver.StreamRequestHandler):
        def reply(self, line: str) -> None:
            self.wfile.write(f"{line}\r\n".encode())

        def handle(self):
            self.reply("220 localhost test SMTP")
            while line := self.rfile.readline().decode().strip():
                verb = line.split(" ", 1)[0].upper()
                if verb == "DATA":
                    self.reply("354 go on")
                    body = []
                    while (part := self.rfile.readline().decode()) not in (".\r\n", ""):
                        body.append(part)
                    messages.append("".join(body))
                    self.reply("250 kept")
                elif verb == "QUIT":
                    self.reply("221 bye")
                    return
                else:
                    self.reply("250 ok")

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], messages
    server.shutdown()
    server.server_close()


def fake_crawl(db_path: Path, make_listing, steps: list[list[dict]]) -> Callable[..., int]:
    """A crawl that stores the next step's listings and records its run, as the spiders would."""

    def crawl(spiders, path, settings) -> int:
        database = store.open_db(path)
        run = store.start_run(database, "retail")
        for fields in steps.pop(0):
            store.save_listing(database, make_listing(**fields))
            if fields["role"] == "factory":  # the match step, done here: every factory is a source of r1
                source = {"retail_id": "demotaobao:r1", "factory_id": f"demo1688:{fields['item_id']}"}
                store.replace_matches(database, [], [{**source, "confidence": 0.99}])
        store.finish_run(database, run, "finished", {"items_stored": 1, "errors": 0, "pages_blocked": 0})
        database.close()
        return 0

    return crawl


def _job(alerts: str):
    return parse_jobs(f'[jobs.watch]\nspider = "retail"\nschedule = "@daily"\nalerts = {{ {alerts} }}\n')[
        "watch"
    ]


def _retail(price: float) -> dict:
    return {
        "item_id": "r1",
        "role": "retail",
        "price": price,
        "url": "https://item.taobao.com/item.htm?id=r1",
    }


def _factory(item_id: str, price: float) -> dict:
    url = f"https://detail.1688.com/offer/{item_id}.html"
    return {"item_id": item_id, "role": "factory", "price": price, "moq": 1, "shipping_fee": 0.0, "url": url}


def test_a_drop_and_a_new_cheaper_source_fire_once_each_on_every_channel(
    tmp_path, make_listing, webhook, smtp, capfd
):
    db_path = tmp_path / "alerts.db"
    database = store.open_db(db_path)
    store.save_listing(database, make_listing(**_retail(100.0)))
    store.save_listing(database, make_listing(**_factory("f1", 60.0)))
    store.replace_matches(
        database, [], [{"retail_id": "demotaobao:r1", "factory_id": "demo1688:f1", "confidence": 0.99}]
    )
    result = runner.invoke(app, ["watch", "demotaobao:r1", "--db", str(db_path)])
    assert result.exit_code == 0 and "1 factory sources known" in result.stdout, result.output
    url, bodies = webhook
    port, mails = smtp
    jsonl = tmp_path / "alerts.jsonl"
    job = _job(
        f'drop_percent = 10, new_source = true, webhook = "{url}", jsonl = "{jsonl}", '
        f'email = {{ host = "127.0.0.1", port = {port}, to = "me@localhost" }}'
    )
    steps = [
        [_retail(95.0)],  # 5%: not yet
        [_retail(85.0)],  # 15% below the 100 it was watched at: alert
        [_retail(85.0)],  # unchanged: nothing again
        [_factory("f2", 40.0), _factory("f3", 70.0)],  # f2 beats f1 (60): alert; f3 does not
        [_retail(85.0)],  # nothing new
    ]
    crawl = fake_crawl(db_path, make_listing, steps)
    outcomes = [run_job(job, db_path, crawl=crawl) for _ in range(5)]
    assert [o.status for o in outcomes] == ["ok"] * 5
    assert [o.counts["alerts_sent"] for o in outcomes] == [0, 1, 0, 1, 0]

    assert [body["alert"]["kind"] for body in bodies] == ["price_drop", "new_source"]
    drop, source = (body["alert"] for body in bodies)
    assert (drop["old_price"], drop["new_price"], drop["saving"], drop["saving_percent"]) == (
        100.0,
        85.0,
        15.0,
        15.0,
    )
    assert "¥100.00 -> ¥85.00" in bodies[0]["message"] and "item.taobao.com" in bodies[0]["message"]
    assert bodies[0]["title"] == "Price drop" and bodies[0]["type"] == "info"
    assert (source["old_price"], source["new_price"]) == (60.0, 40.0)
    assert source["source_url"] == "https://detail.1688.com/offer/f2.html" and source["url"].endswith("id=r1")
    assert [json.loads(line)["kind"] for line in jsonl.read_text(encoding="utf-8").splitlines()] == [
        "price_drop",
        "new_source",
    ]
    assert len(mails) == 2 and "Subject: Price drop" in mails[0] and "me@localhost" in mails[0]
    assert "ALERT Cheaper factory source" in capfd.readouterr().out

    shown = runner.invoke(app, ["alerts", "--db", str(db_path)])
    assert shown.exit_code == 0 and "Alerts (2)" in shown.stdout and "new_source" in shown.stdout


def test_below_a_price_fires_once_until_the_price_rises_above_it_again(tmp_path, make_listing):
    database = store.open_db(tmp_path / "t.db")
    store.save_listing(database, make_listing(**_retail(100.0)))
    watching.add_watch(database, "demotaobao:r1", below=80.0, min_confidence=0.5)
    rules = _job("log = false").alerts
    fired = []
    for price in (90.0, 79.0, 78.0, 85.0, 80.0):
        store.save_listing(database, make_listing(**_retail(price)))
        fired.append([a.new_price for a in watching.check_watches(database, rules, 0.5)])
    assert fired == [[], [79.0], [], [], [80.0]]


def test_an_unreachable_channel_is_recorded_and_does_not_fail_the_job(tmp_path, make_listing, webhook):
    db_path = tmp_path / "t.db"
    database = store.open_db(db_path)
    store.save_listing(database, make_listing(**_retail(100.0)))
    watching.add_watch(database, "demotaobao:r1", below=None, min_confidence=0.5)
    url, bodies = webhook
    dead = "http://127.0.0.1:9/hook"  # the discard port: nothing listens
    job = _job(f'drop_percent = 5, webhook = "{dead}", log = false')
    outcome = run_job(job, db_path, crawl=fake_crawl(db_path, make_listing, [[_retail(50.0)]]))
    assert outcome.status == "ok" and outcome.counts["alerts_sent"] == 1
    assert outcome.counts["alert_errors"] == 1 and f"webhook {dead}" in outcome.message
    row = database.execute("select message, alert_errors from job_runs").fetchone()
    assert "webhook" in row[0] and row[1] == 1
    [alert] = database["alerts"].rows
    assert alert["delivered"] == "" and "refused" in alert["errors"].lower()
    assert bodies == []


def test_apprise_json_delivers_the_alert_to_a_local_endpoint(tmp_path, make_listing, webhook):
    db_path = tmp_path / "t.db"
    database = store.open_db(db_path)
    store.save_listing(database, make_listing(**_retail(100.0)))
    watching.add_watch(database, "demotaobao:r1", below=None, min_confidence=0.5)
    url, bodies = webhook
    job = _job(f'drop_amount = 10, log = false, apprise = ["{url.replace("http://", "json://")}"]')
    outcome = run_job(job, db_path, crawl=fake_crawl(db_path, make_listing, [[_retail(80.0)]]))
    assert outcome.status == "ok" and outcome.counts == {
        **outcome.counts,
        "alerts_sent": 1,
        "alert_errors": 0,
    }
    [body] = bodies  # Apprise's json:// notifier: version, title, message, type
    assert body["title"] == "Price drop" and body["type"] == "info"
    assert "¥100.00 -> ¥80.00 (save ¥20.00, 20%; down ¥20.00, alert at ¥10)" in body["message"]
    assert database["alerts"].get(1)["delivered"] == "apprise json://"


def test_lowest_in_n_weeks_fires_for_a_new_low_of_the_window_only(tmp_path, make_listing):
    database = store.open_db(tmp_path / "t.db")
    weeks_ago = datetime.now(UTC) - timedelta(weeks=6)

    def seen(days: int, price: float) -> None:
        when = (weeks_ago + timedelta(days=days)).replace(microsecond=0).isoformat()
        store.save_listing(database, make_listing(**_retail(price), crawled_at=when))

    seen(0, 90.0)
    seen(7, 70.0)  # the low, until day 10
    seen(10, 100.0)
    seen(30, 92.0)
    watching.add_watch(database, "demotaobao:r1", below=None, min_confidence=0.5)
    rules = _job("lowest_weeks = 4, log = false").alerts
    fired = []
    for days, price in [(40, 95.0), (41, 80.0), (41.5, 80.0), (42, 85.0), (42.2, 82.0)]:
        seen(days, price)
        fired.append([a.reason for a in watching.check_watches(database, rules, 0.5)])
    # 95 is a rise; 80 is the lowest since the 70 ended 32 days ago; 80 again is no new row; 85 is a rise;
    # 82 is a fall, but 80 was lower a day ago.
    assert fired == [[], ["lowest in 4+ weeks"], [], [], []]
    seen(42.4, 69.0)  # below the old 70: the lowest ever recorded
    assert [a.new_price for a in watching.check_watches(database, rules, 0.5)] == [69.0]
