"""Cron schedules (croniter) in local time, as cron reads them: checks, the next run, whether a job is due."""

from __future__ import annotations

from datetime import datetime

from croniter import CroniterBadCronError, croniter

# The nicknames that both cron and croniter read.
NICKNAMES = ("@hourly", "@daily", "@weekly", "@monthly", "@yearly")


def check_cron(expression: str) -> str | None:
    """Why ``expression`` is not a five-field cron schedule (or a nickname such as @daily), or None."""
    if isinstance(expression, str) and expression.strip() in NICKNAMES:
        return None
    if not isinstance(expression, str) or len(expression.split()) != 5:
        return (
            f"{expression!r} is not a cron schedule of five fields (minute hour day month weekday)"
            f" nor one of {', '.join(NICKNAMES)}"
        )
    try:
        croniter(expression)
    except (CroniterBadCronError, ValueError, KeyError) as exc:
        return f"{expression!r} is not a valid cron schedule: {exc}"
    return None


def _aware(when: datetime) -> datetime:
    """A naive time read as local time, as cron reads its schedules."""
    return when if when.tzinfo else when.astimezone()


def next_run(expression: str, after: datetime) -> datetime:
    """The first time after ``after`` that the schedule fires."""
    return croniter(expression, _aware(after)).get_next(datetime)


def last_fire(expression: str, now: datetime) -> datetime:
    """The last time at or before ``now`` that the schedule fired."""
    now = _aware(now)
    if croniter.match(expression, now.replace(second=0, microsecond=0)):
        return now.replace(second=0, microsecond=0)
    return croniter(expression, now).get_prev(datetime)


def is_due(expression: str, last_started: datetime | None, now: datetime) -> bool:
    """Whether a job should run at ``now``: never run yet, or the schedule fired since its last start."""
    if last_started is None:
        return True
    return last_fire(expression, now) > _aware(last_started)
