"""Scheduled jobs: run the due jobs (or one), list them with their last and next runs, print cron lines."""

from __future__ import annotations

import shlex
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from sourcefinder.cli.common import DbOption, app, console, err, fail
from sourcefinder.jobs import records
from sourcefinder.jobs.config import DEFAULT_JOBS_FILE, Job, JobsFileError, load_jobs
from sourcefinder.jobs.schedule import is_due, next_run
from sourcefinder.store import database as store

jobs_app = typer.Typer(invoke_without_command=True, rich_markup_mode=None)
app.add_typer(jobs_app, name="jobs")

SHORT = "%m-%d %H:%M"  # the runs table's times: it has many columns
JobsOption = Annotated[Path, typer.Option("--jobs", help="The jobs file (TOML; see jobs.example.toml).")]
GIVEN = {"COMMANDLINE", "ENVIRONMENT"}  # click's ParameterSource names (typer may vendor click)


def _given(ctx: typer.Context, name: str) -> bool:
    source = ctx.get_parameter_source(name)
    return source is not None and source.name in GIVEN


def inherited(ctx: typer.Context, name: str, value: Any) -> Any:
    """A subcommand's option, or the one given to `jobs` before the subcommand when the subcommand's is unset."""
    parent = ctx.parent
    if parent is None or _given(ctx, name) or not _given(parent, name):
        return value
    return parent.params[name]


def read_jobs(path: Path) -> dict[str, Job]:
    """The jobs of ``path``, or a one-line error."""
    try:
        return load_jobs(path)
    except JobsFileError as exc:
        raise fail(str(exc)) from exc


def _local(text: str | None, form: str = "%Y-%m-%d %H:%M") -> str:
    if not text:
        return "-"
    return datetime.fromisoformat(text).astimezone().strftime(form)


def _outcome(run: dict | None) -> str:
    if run is None:
        return "never run"
    parts = [run["status"]]
    if run["listings_stored"] is not None:
        parts.append(f"{run['listings_stored']} listings, {run['prices_changed'] or 0} price changes")
    if run["alerts_sent"]:
        parts.append(f"{run['alerts_sent']} alerts")
    if run["message"]:
        parts.append(run["message"][:80])
    return "; ".join(parts)


def print_jobs(jobs: dict[str, Job], db: Path) -> None:
    """The jobs table: schedule, last run, its outcome, next run."""
    database = store.open_db(db)
    table = Table("job", "spider", "schedule", "last run", "outcome", "next run", title=f"Jobs ({len(jobs)})")
    now = datetime.now().astimezone()
    for job in jobs.values():
        run = records.last_job_run(database, job.name)
        upcoming = next_run(job.schedule, now).strftime("%Y-%m-%d %H:%M")
        if is_due(job.schedule, records.started(run), now):
            upcoming = f"due now (then {upcoming})"
        table.add_row(
            job.name,
            job.spider,
            job.schedule,
            _local(run and run["started_at"]),
            escape(_outcome(run)),
            upcoming,
        )
    database.close()
    console.print(table)


@jobs_app.callback()
def jobs(ctx: typer.Context, db: DbOption, jobs_file: JobsOption = Path(DEFAULT_JOBS_FILE)) -> None:
    """Scheduled crawl jobs from a jobs file; alone, lists them like `jobs list`.

    Example: sourcefinder jobs --jobs jobs.toml
    """
    if ctx.invoked_subcommand is None:
        print_jobs(read_jobs(jobs_file), db)


@jobs_app.command("list")
def list_command(ctx: typer.Context, db: DbOption, jobs_file: JobsOption = Path(DEFAULT_JOBS_FILE)) -> None:
    """List the jobs with their schedule, last run, its outcome and the next run.

    Example: sourcefinder jobs list --jobs jobs.toml
    """
    print_jobs(read_jobs(inherited(ctx, "jobs_file", jobs_file)), inherited(ctx, "db", db))


@jobs_app.command("run")
def run_command(
    ctx: typer.Context,
    db: DbOption,
    name: Annotated[str | None, typer.Argument(help="Run this job now (default: every due job).")] = None,
    jobs_file: JobsOption = Path(DEFAULT_JOBS_FILE),
) -> None:
    """Run the due jobs (or the one named) under their locks: crawl, match, alert; record each run.

    Example: sourcefinder jobs run spoons --jobs jobs.toml
    """
    from sourcefinder.jobs.runner import due_jobs, run_job

    jobs_file, db = inherited(ctx, "jobs_file", jobs_file), inherited(ctx, "db", db)
    jobs = read_jobs(jobs_file)
    if name is not None and name not in jobs:
        raise fail(f"no job {name!r} in {jobs_file} (jobs: {', '.join(jobs)})")
    chosen = [jobs[name]] if name else due_jobs(jobs, db, datetime.now().astimezone())
    if not chosen:
        console.print("No job is due.")
        return
    failed = False
    for job in chosen:
        console.print(f"Running job {job.name} ({job.spider})", highlight=False)
        outcome = run_job(job, db)
        if outcome.status == "skipped":
            err.print(outcome.message, highlight=False)
            continue
        failed |= outcome.status == "failed"
        counts = outcome.counts
        line = (
            f"  {job.name}: {outcome.status}, {counts.get('listings_stored', 0)} listings stored, "
            f"{counts.get('prices_changed', 0)} price changes, {counts.get('delisted', 0)} delisted, "
            f"{counts.get('alerts_sent', 0)} alerts"
        )
        if "matched" in counts:
            line += f", {counts['matched']} retail listings (re)matched"
        console.print(line, highlight=False)
        if outcome.message:
            err.print(f"  {outcome.message}", highlight=False, markup=False)
    if failed:
        raise typer.Exit(code=1)


def _command(jobs_file: Path, db: Path, *words: str) -> str:
    argv = [sys.executable, "-m", "sourcefinder", "jobs", "run", *words, "--jobs", str(jobs_file.resolve())]
    return shlex.join([*argv, "--db", str(db.resolve())])


@jobs_app.command("cron")
def cron_command(
    ctx: typer.Context,
    db: DbOption,
    jobs_file: JobsOption = Path(DEFAULT_JOBS_FILE),
    every: Annotated[int, typer.Option(help="Minutes between the systemd timer's checks for due jobs.")] = 5,
) -> None:
    """Print crontab lines (one per job, on its schedule) and a systemd service and timer that run them.

    Example: sourcefinder jobs cron --jobs jobs.toml >> my.crontab
    """
    jobs_file, db = inherited(ctx, "jobs_file", jobs_file), inherited(ctx, "db", db)
    jobs = read_jobs(jobs_file)
    log = shlex.quote(str((db.parent / "jobs.log").resolve()))
    cwd = shlex.quote(str(Path.cwd()))
    if not 1 <= every <= 59:
        raise fail(f"--every takes minutes from 1 to 59, not {every}")
    print("# crontab (crontab -e): each job on its own schedule")
    for job in jobs.values():
        print(f"{job.schedule} cd {cwd} && {_command(jobs_file, db, job.name)} >> {log} 2>&1")
    print()
    print("# ~/.config/systemd/user/sourcefinder-jobs.service: runs every due job")
    print("[Unit]\nDescription=sourcefinder scheduled jobs\n\n[Service]\nType=oneshot")
    print(f"WorkingDirectory={Path.cwd()}\nExecStart={_command(jobs_file, db)}\n")
    print(
        "# ~/.config/systemd/user/sourcefinder-jobs.timer: systemctl --user enable --now sourcefinder-jobs.timer"
    )
    print("[Unit]\nDescription=Check sourcefinder's jobs for due runs\n\n[Timer]")
    print(f"OnCalendar=*:0/{every}\nPersistent=true\n\n[Install]\nWantedBy=timers.target")


def _jobs_of_runs(database: Any) -> dict[int, dict]:
    """The job run each crawl run belongs to, by crawl run id."""
    records.ensure_job_runs(database)
    owners = {}
    for job_run in database.query("select * from job_runs where crawl_runs is not null and crawl_runs != ''"):
        for run_id in job_run["crawl_runs"].split(","):
            owners[int(run_id)] = job_run
    return owners


@app.command("runs")
def runs_command(
    db: DbOption,
    last: Annotated[int, typer.Option(help="How many of the latest crawl runs to show.")] = 20,
) -> None:
    """Show the crawl runs: job, start, end, pages, listings new/changed/unchanged/delisted, walls, errors, status.

    Example: sourcefinder runs --last 10
    """
    database = store.open_db(db)
    owners = _jobs_of_runs(database)
    table = Table(
        "run", "job", "spider", "started", "ended", "pages", "new", "changed", "same", "delisted",
        "walls", "errors", "status", title="Crawl runs (same: stored again unchanged)", collapse_padding=True,
    )  # fmt: skip
    told: set[int] = set()
    for run in database.query("select * from runs order by id desc limit ?", [last]):
        owner = owners.get(run["id"])
        stored, new, changed = run["items_stored"] or 0, run["items_new"] or 0, run["prices_changed"] or 0
        delisted = "-"
        if owner is not None and owner["id"] not in told:  # a job's delistings, shown once
            told.add(owner["id"])
            delisted = str(owner["delisted"] or 0)
        table.add_row(
            str(run["id"]), escape(owner["job"]) if owner else "-", run["spider"], _local(run["started_at"], SHORT),
            _local(run["finished_at"], SHORT), str(run.get("pages") or "-"), str(new), str(changed),
            str(max(0, stored - new - changed)), delisted, str(run["pages_blocked"] or 0),
            str(run["errors"] or 0), run["status"] or "-",
        )  # fmt: skip
    database.close()
    console.print(table)
