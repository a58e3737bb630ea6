"""The job_runs table: each run of a job, when it started and ended, what it did and how it ended."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlite_utils

from sourcefinder.listing import now_iso

JOB_RUN_COLUMNS = {
    "id": int,
    "job": str,
    "started_at": str,
    "finished_at": str,
    "status": str,  # running, ok, failed, killed
    "crawl_runs": str,  # ids in the runs table, comma-separated
    "listings_stored": int,
    "prices_changed": int,
    "delisted": int,
    "matched": int,
    "alerts_sent": int,
    "alert_errors": int,
    "message": str,
}


def ensure_job_runs(db: sqlite_utils.Database) -> None:
    """Create the job_runs table if it is missing."""
    db["job_runs"].create(JOB_RUN_COLUMNS, pk="id", if_not_exists=True)
    db["job_runs"].create_index(["job", "started_at"], if_not_exists=True)


def start_job_run(db: sqlite_utils.Database, job: str) -> int:
    """Record that a run of ``job`` started; its id."""
    ensure_job_runs(db)
    with db.conn:
        return db["job_runs"].insert({"job": job, "started_at": now_iso(), "status": "running"}).last_pk


def close_abandoned(db: sqlite_utils.Database, job: str) -> int:
    """Mark ``killed`` the runs of ``job`` still ``running``: call it holding the job's lock, which proves
    that none of them is alive (a killed run cannot record its end). How many."""
    ensure_job_runs(db)
    with db.conn:
        cursor = db.execute(
            "update job_runs set status = 'killed', message = 'ended without recording its end (killed?)'"
            " where job = ? and status = 'running'",
            [job],
        )
    return cursor.rowcount


def finish_job_run(db: sqlite_utils.Database, run_id: int, status: str, counts: dict[str, Any]) -> None:
    """Record how a job run ended, with what it did."""
    with db.conn:
        db["job_runs"].update(run_id, {"finished_at": now_iso(), "status": status, **counts})


def last_job_run(db: sqlite_utils.Database, job: str) -> dict[str, Any] | None:
    """The latest run of ``job`` (None when it never ran)."""
    ensure_job_runs(db)
    return next(db.query("select * from job_runs where job = ? order by id desc limit 1", [job]), None)


def started(run: dict[str, Any] | None) -> datetime | None:
    """When a job run started (None for no run)."""
    return datetime.fromisoformat(run["started_at"]) if run else None
