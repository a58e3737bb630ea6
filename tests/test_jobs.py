"""Jobs: the jobs file and its one-line errors, cron schedules and due jobs, the per-job lock, cron lines."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sourcefinder.cli import app
from sourcefinder.jobs import records
from sourcefinder.jobs.config import JobsFileError, load_jobs, parse_jobs
from sourcefinder.jobs.lock import JobLock, JobLocked, lock_path
from sourcefinder.jobs.runner import due_jobs, run_job
from sourcefinder.jobs.schedule import is_due, next_run
from sourcefinder.store import database as store

ROOT = Path(__file__).parent.parent
runner = CliRunner()
ISSUE_EXAMPLE = """
[jobs.spoons]
spider = "retail"
args = { q = "陶瓷勺子", max_pages = 2 }
settings = { DOWNLOAD_DELAY = 3 }
schedule = "0 6 * * *"
match = true
"""
TZ = timezone(timedelta(hours=8))


def test_the_issue_example_and_the_repository_example_are_read():
    [job] = parse_jobs(ISSUE_EXAMPLE).values()
    assert (job.name, job.spider, job.schedule, job.match) == ("spoons", "retail", "0 6 * * *", True)
    assert job.args == {"q": "陶瓷勺子", "max_pages": "2"}  # spider arguments are strings, as with -a
    assert job.crawl_settings() == {"DOWNLOAD_DELAY": 3}
    jobs = load_jobs(ROOT / "jobs.example.toml")
    assert jobs["spoons"].alerts.drop_percent == 10 and jobs["spoons"].alerts.new_source
    assert jobs["spoons"].crawl_settings()["CLOSESPIDER_TIMEOUT"] == 30 * 60
    assert jobs["factory-spoons"].full_crawl


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[jobs.a\nspider=1", "is not valid TOML"),
        ("[other]\nx = 1", "unknown key 'other'"),
        ("", "defines no job"),
        ('[jobs.a]\nschedule = "0 6 * * *"', "job 'a' needs 'spider'"),
        ('[jobs.a]\nspider = "retail"', "job 'a' needs 'schedule'"),
        ('[jobs.a]\nspider = "ebay"\nschedule = "0 6 * * *"', "spider must be one of"),
        ('[jobs.a]\nspider = "retail"\nschedule = "0 6 * *"', "five fields"),
        ('[jobs.a]\nspider = "retail"\nschedule = "0 25 * * *"', "not a valid cron schedule"),
        ('[jobs.a]\nspider = "retail"\nschedule = "@daily"\nmatch = "yes"', "match must be true or false"),
        ('[jobs.a]\nspider = "retail"\nschedule = "0 6 * * *"\nshedule = 1', "unknown key 'shedule'"),
        ('[jobs.a]\nspider = "retail"\nschedule = "0 6 * * *"\nlimits = { pages = -1 }', "pages must be"),
        ('[jobs.a]\nspider = "retail"\nschedule = "0 6 * * *"\nargs = { q = [1] }', "args.q must be"),
        (
            '[jobs.a]\nspider = "retail"\nschedule = "0 6 * * *"\nfull_crawl = true\nlimits = { pages = 2 }',
            "full_crawl cannot have",
        ),
        (
            '[jobs.a]\nspider = "retail"\nschedule = "0 6 * * *"\nalerts = { webhook = "ftp://x" }',
            "webhook must be an http",
        ),
    ],
)
def test_a_bad_jobs_file_is_one_clear_line(text, expected):
    with pytest.raises(JobsFileError) as error:
        parse_jobs(text)
    assert expected in str(error.value) and "\n" not in str(error.value)


def test_the_cli_says_what_is_wrong_in_one_line_without_a_traceback(tmp_path):
    bad = tmp_path / "jobs.toml"
    bad.write_text('[jobs.a]\nspider = "retail"\nschedule = "61 * * * *"\n', encoding="utf-8")
    for command in (["jobs", "list"], ["jobs", "run"], ["jobs", "cron"]):
        result = runner.invoke(app, [*command, "--jobs", str(bad), "--db", str(tmp_path / "t.db")])
        assert result.exit_code == 1
        assert result.stderr.strip().count("\n") == 0 and "schedule" in result.stderr, result.stderr
        assert "Traceback" not in result.output
    missing = runner.invoke(app, ["jobs", "list", "--jobs", str(tmp_path / "none.toml")])
    assert missing.exit_code == 1 and "no jobs file" in missing.stderr


def test_next_run_and_due_follow_the_cron_schedule():
    six = "0 6 * * *"
    morning = datetime(2026, 12, 3, 5, 59, tzinfo=TZ)
    assert next_run(six, morning) == datetime(2026, 12, 3, 6, 0, tzinfo=TZ)
    assert next_run(six, morning.replace(hour=6, minute=0)) == datetime(2026, 12, 4, 6, 0, tzinfo=TZ)
    assert next_run("30 5 * * 1", morning) == datetime(2026, 12, 7, 5, 30, tzinfo=TZ)  # the next Monday
    ran_yesterday = datetime(2026, 12, 2, 6, 0, 5, tzinfo=TZ)
    assert not is_due(six, ran_yesterday, morning)
    assert is_due(six, ran_yesterday, morning.replace(hour=6, minute=0, second=30))
    assert is_due(six, ran_yesterday, morning.replace(hour=9))
    assert not is_due(six, morning.replace(hour=6, minute=0, second=1), morning.replace(hour=9))
    assert is_due(six, None, morning)  # a job that never ran runs at once


def test_due_jobs_reads_the_last_runs(tmp_path):
    jobs = parse_jobs(ISSUE_EXAMPLE + '\n[jobs.hourly]\nspider = "factory"\nschedule = "0 * * * *"\n')
    db_path = tmp_path / "t.db"
    database = store.open_db(db_path)
    run = records.start_job_run(database, "spoons")
    records.finish_job_run(database, run, "ok", {})
    database.close()
    now = datetime.now().astimezone()
    assert [job.name for job in due_jobs(jobs, db_path, now)] == ["hourly"]
    later = now + timedelta(days=1, hours=1)
    assert [job.name for job in due_jobs(jobs, db_path, later)] == ["spoons", "hourly"]


HOLD = textwrap.dedent(
    """
    import sys, time
    from sourcefinder.jobs.lock import JobLock
    with JobLock(sys.argv[1], "spoons"):
        print("held", flush=True)
        time.sleep(60)
    """
)


def test_a_second_run_of_a_job_is_refused_while_the_first_holds_the_lock_and_allowed_once_it_dies(tmp_path):
    db_path = tmp_path / "t.db"
    path = lock_path(db_path, "spoons")
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(JobLocked, match=rf"already running \(pid {holder.pid}\)"):
            JobLock(path, "spoons").__enter__()
        jobs = parse_jobs(ISSUE_EXAMPLE)
        outcome = run_job(jobs["spoons"], db_path, crawl=lambda *a: pytest.fail("the crawl ran"))
        assert outcome.status == "skipped" and "already running" in outcome.message
        result = runner.invoke(
            app, ["jobs", "run", "spoons", "--jobs", str(_file(tmp_path)), "--db", str(db_path)]
        )
        assert result.exit_code == 0 and "already running" in result.stderr
        assert records.last_job_run(store.open_db(db_path), "spoons") is None  # nothing ran, nothing recorded
    finally:
        holder.kill()  # SIGKILL: the kernel drops the lock with the process
        holder.wait()
    with JobLock(path, "spoons"):
        assert path.read_text() == str(__import__("os").getpid())


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "jobs.toml"
    path.write_text(ISSUE_EXAMPLE, encoding="utf-8")
    return path


def test_a_failed_crawl_is_recorded_as_failed_with_its_reason(tmp_path):
    db_path = tmp_path / "t.db"
    jobs = parse_jobs(ISSUE_EXAMPLE)
    outcome = run_job(jobs["spoons"], db_path, crawl=lambda *a: 2)
    assert outcome.status == "failed" and "exit code 2" in outcome.message
    run = records.last_job_run(store.open_db(db_path), "spoons")
    assert run["status"] == "failed" and run["finished_at"] and "exit code 2" in run["message"]
    listed = runner.invoke(app, ["jobs", "list", "--jobs", str(_file(tmp_path)), "--db", str(db_path)])
    assert listed.exit_code == 0 and "failed" in listed.stdout and "exit code 2" in listed.stdout


def test_cron_prints_a_crontab_line_per_job_and_a_systemd_timer(tmp_path):
    db_path = tmp_path / "t.db"
    result = runner.invoke(
        app, ["jobs", "cron", "--jobs", str(ROOT / "jobs.example.toml"), "--db", str(db_path)]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    spoons = next(line for line in lines if line.startswith("0 6 * * * "))
    assert "-m sourcefinder jobs run spoons --jobs" in spoons and str(db_path) in spoons
    assert any(line.startswith("30 5 * * 1 ") and "jobs run factory-spoons" in line for line in lines)
    assert "[Timer]" in lines and "OnCalendar=*:0/5" in lines and "Type=oneshot" in lines
    exec_start = next(line for line in lines if line.startswith("ExecStart="))
    assert exec_start.endswith(f"jobs run --jobs {ROOT / 'jobs.example.toml'} --db {db_path}")


def test_options_given_to_jobs_before_the_subcommand_count_for_it(tmp_path):
    db_path = tmp_path / "before.db"
    example = str(ROOT / "jobs.example.toml")
    result = runner.invoke(app, ["jobs", "--jobs", example, "--db", str(db_path), "cron"])
    assert result.exit_code == 0, result.output
    assert f"--jobs {example} --db {db_path}" in result.stdout
    own = runner.invoke(
        app, ["jobs", "--jobs", example, "--db", str(db_path), "cron", "--db", str(tmp_path / "own.db")]
    )
    assert f"--db {tmp_path / 'own.db'}" in own.stdout and str(db_path) not in own.stdout


def test_a_run_that_was_killed_is_marked_killed_by_the_next_run(tmp_path):
    db_path = tmp_path / "t.db"
    database = store.open_db(db_path)
    records.start_job_run(database, "spoons")  # its process died before recording its end
    outcome = run_job(parse_jobs(ISSUE_EXAMPLE)["spoons"], db_path, crawl=lambda *a: 3)
    assert outcome.status == "failed"
    statuses = [row["status"] for row in database.query("select status from job_runs order by id")]
    assert statuses == ["killed", "failed"]
