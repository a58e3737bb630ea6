"""Running a job under its lock: crawl (Scrapy, in a child process), delist, match, alert, and record the run."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from sourcefinder.crawling import process as crawling
from sourcefinder.jobs import alerts as watching
from sourcefinder.jobs import channels, records
from sourcefinder.jobs.config import Job
from sourcefinder.jobs.lock import JobLock, JobLocked, lock_path
from sourcefinder.jobs.schedule import is_due
from sourcefinder.store import database as store
from sourcefinder.store import history

Crawl = Callable[[Sequence[crawling.SpiderSpec], Path, Mapping[str, Any]], int]
# How a crawl run may end and still count as a good one (a limit reached is not a failure).
GOOD_ENDS = ("finished", "closespider_itemcount", "closespider_timeout", "closespider_pagecount")


@dataclass
class JobOutcome:
    """What one run of a job did: ok, failed or skipped (another run held the lock), and its counts."""

    job: str
    status: str
    message: str = ""
    counts: dict[str, Any] = field(default_factory=dict)


def _crawl_runs(db: sqlite_utils.Database, after_id: int) -> list[dict[str, Any]]:
    return list(db.query("select * from runs where id > ? order by id", [after_id]))


def _last_run_id(db: sqlite_utils.Database) -> int:
    return db.execute("select coalesce(max(id), 0) from runs").fetchone()[0]


def _crawl_problem(exit_code: int, runs: list[dict[str, Any]]) -> str | None:
    """Why a crawl counts as failed, or None."""
    if exit_code:
        return f"the crawl ended with exit code {exit_code}"
    if not runs:
        return "the crawl recorded no run"
    bad = [run for run in runs if run["status"] not in GOOD_ENDS]
    if bad:
        return f"the crawl ended as {bad[0]['status']}: {bad[0]['message'] or 'see the crawl log'}"
    return None


def _delist(db: sqlite_utils.Database, runs: list[dict[str, Any]], started_at: str) -> int:
    """After a clean full crawl, mark delisted the listings of the crawled sources that it did not see."""
    if any(run["status"] != "finished" or run["errors"] or run["pages_blocked"] for run in runs):
        return 0
    seen = [
        row["source"]
        for row in db.query("select distinct source from listings where updated_at >= ?", [started_at])
    ]
    return sum(history.mark_delisted(db, source, started_at) for source in seen)


def _alert(db: sqlite_utils.Database, job: Job, run_id: int) -> tuple[int, list[str]]:
    """Check the watches and deliver what fires; (alerts sent, one line per failed delivery)."""
    from sourcefinder.match.index import DEFAULT_MIN_CONFIDENCE

    targets = channels.channels(job.alerts)
    sent, errors = 0, []
    for alert in list(watching.check_watches(db, job.alerts, DEFAULT_MIN_CONFIDENCE)):
        delivered, failed = channels.deliver(alert, targets)
        watching.log_alert(db, alert, run_id, delivered, failed)
        sent += 1
        errors += failed
    return sent, errors


def _steps(
    db: sqlite_utils.Database, job: Job, db_path: Path, run: dict[str, Any], crawl: Crawl
) -> tuple[str, str, dict]:
    """Crawl, delist, match and alert; (status, message, counts)."""
    before = _last_run_id(db)
    settings = {"LOG_FILE": str(db_path.parent / f"job-{job.name}.log"), **job.crawl_settings()}
    exit_code = crawl([(job.spider, dict(job.args))], db_path, settings)
    runs = _crawl_runs(db, before)
    counts: dict[str, Any] = {
        "crawl_runs": ",".join(str(r["id"]) for r in runs),
        "listings_stored": sum(r["items_stored"] or 0 for r in runs),
        "prices_changed": sum(r["prices_changed"] or 0 for r in runs),
    }
    problem = _crawl_problem(exit_code, runs)
    if problem:
        return "failed", problem, counts
    if job.full_crawl:
        counts["delisted"] = _delist(db, runs, run["started_at"])
    if job.match:
        from sourcefinder.match.database import match_database

        counts["matched"] = match_database(db).retail_scored
    message = ""
    if job.alerts is not None:
        counts["alerts_sent"], errors = _alert(db, job, run["id"])
        counts["alert_errors"] = len(errors)
        message = "; ".join(errors)
    return "ok", message, counts


def run_locked(job: Job, db_path: Path, crawl: Crawl = crawling.crawl) -> JobOutcome:
    """Run ``job`` now (the caller holds its lock) and record the run in job_runs."""
    db = store.open_db(db_path)
    try:
        records.close_abandoned(db, job.name)
        run_id = records.start_job_run(db, job.name)
        run = db["job_runs"].get(run_id)
        try:
            status, message, counts = _steps(db, job, Path(db_path), run, crawl)
        except (
            Exception
        ) as exc:  # a scheduled job records its failure instead of dying with the row "running"
            status, message, counts = "failed", f"{type(exc).__name__}: {exc}", {}
        records.finish_job_run(db, run_id, status, {**counts, "message": message or None})
        return JobOutcome(job.name, status, message, counts)
    finally:
        db.close()


def run_job(job: Job, db_path: str | Path, crawl: Crawl = crawling.crawl) -> JobOutcome:
    """Run ``job`` unless another run of it holds its lock (then it is skipped, saying so)."""
    try:
        with JobLock(lock_path(db_path, job.name), job.name):
            return run_locked(job, Path(db_path), crawl)
    except JobLocked as exc:
        return JobOutcome(job.name, "skipped", str(exc))


def due_jobs(jobs: Mapping[str, Job], db_path: str | Path, now: datetime) -> list[Job]:
    """The jobs whose schedule fired since their last run (or that never ran)."""
    db = store.open_db(db_path)
    try:
        return [
            job
            for job in jobs.values()
            if is_due(job.schedule, records.started(records.last_job_run(db, job.name)), now)
        ]
    finally:
        db.close()
