"""The demo marketplace crawled once per test session for the lookup and web tests, and a live app server."""

from __future__ import annotations

import csv
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


@dataclass(frozen=True)
class Demo:
    """A crawled and matched demo database, its marketplace and the true retail -> factory pairs."""

    db: Path
    root: Path
    truth: dict[str, set[str]]

    def retail(self, database: Any, retail_id: str) -> dict[str, Any]:
        return next(database.query("select * from listings where id = ?", [retail_id]))

    def photo(self, retail_id: str) -> Path:
        return self.root / "img" / "taobao" / f"{retail_id.split(':', 1)[1]}_0.jpg"


def build_demo(base: Path) -> Demo:
    """Crawl the small demo marketplace into ``base`` (once: later calls reuse it)."""
    db = base / "data" / "demo.db"
    done = base / "done"
    if not done.exists():
        env = {**os.environ, "http_proxy": "", "https_proxy": "", "no_proxy": "127.0.0.1,localhost"}
        result = subprocess.run(
            [sys.executable, "-m", "sourcefinder", "demo", "--size", "small", "--db", str(db)],
            capture_output=True, text=True, timeout=900, cwd=base, env=env,
        )  # fmt: skip
        if result.returncode != 0:
            pytest.fail(f"demo crawl failed: {result.stderr[-2000:]}")
        done.write_text("ok")
    root = db.parent / "demo-marketplace"
    truth: dict[str, set[str]] = {}
    with (root / "ground_truth.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            truth.setdefault(row["retail_id"], set()).add(row["factory_id"])
    return Demo(db, root, truth)


def shared_demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """The session's demo (built by whichever test module asks first)."""
    base = tmp_path_factory.getbasetemp() / "lookup-demo"
    base.mkdir(exist_ok=True)
    return build_demo(base)


def free_socket() -> socket.socket:
    """A listening-ready socket bound to a free port on 127.0.0.1."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Run ``app`` under uvicorn on 127.0.0.1 (a free port) in a thread; yield its base URL; stop it."""
    import uvicorn

    sock = free_socket()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
