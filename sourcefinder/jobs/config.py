"""The jobs file (TOML): named crawl jobs with their spider, arguments, settings, schedule, limits and alerts.

Every mistake in the file is reported as one line that names the job and the key (JobsFileError)."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sourcefinder.jobs.schedule import check_cron

DEFAULT_JOBS_FILE = "jobs.toml"
SPIDERS = ("factory", "retail", "shop", "feed")
# Job limits and the Scrapy settings that enforce them.
LIMITS = {
    "pages": "SOURCEFINDER_MAX_PAGES",
    "items": "CLOSESPIDER_ITEMCOUNT",
    "minutes": "CLOSESPIDER_TIMEOUT",
}
JOB_KEYS = {"spider", "args", "settings", "schedule", "match", "limits", "full_crawl", "alerts"}
ALERT_KEYS = {
    "drop_percent",
    "drop_amount",
    "lowest_weeks",
    "new_source",
    "log",
    "jsonl",
    "webhook",
    "email",
    "apprise",
}
EMAIL_KEYS = {"host", "port", "sender", "to"}


class JobsFileError(ValueError):
    """A jobs file that cannot be used; the message is one line saying where and why."""


@dataclass(frozen=True)
class AlertRules:
    """When a job alerts about the watched listings, and through which channels."""

    drop_percent: float | None = None
    drop_amount: float | None = None
    lowest_weeks: int | None = None
    new_source: bool = False
    log: bool = True
    jsonl: str | None = None
    webhook: str | None = None
    email: Mapping[str, Any] | None = None
    apprise: tuple[str, ...] = ()


@dataclass(frozen=True)
class Job:
    """One named job of the jobs file."""

    name: str
    spider: str
    schedule: str
    args: Mapping[str, str] = field(default_factory=dict)
    settings: Mapping[str, Any] = field(default_factory=dict)
    match: bool = False
    limits: Mapping[str, int] = field(default_factory=dict)
    full_crawl: bool = False
    alerts: AlertRules | None = None

    def crawl_settings(self) -> dict[str, Any]:
        """The Scrapy settings of the crawl: the job's own, then its limits."""
        settings = dict(self.settings)
        for limit, value in self.limits.items():
            settings[LIMITS[limit]] = value * 60 if limit == "minutes" else value
        return settings


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise JobsFileError(f"{where} must be a table, not {type(value).__name__}")
    return value


def _unknown(keys: Any, allowed: set[str], where: str) -> None:
    extra = sorted(set(keys) - allowed)
    if extra:
        raise JobsFileError(f"{where} has unknown key {extra[0]!r} (allowed: {', '.join(sorted(allowed))})")


def _number(value: Any, where: str, whole: bool = False) -> float | int:
    kinds = (int,) if whole else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or value <= 0:
        kind = "a whole number" if whole else "a number"
        raise JobsFileError(f"{where} must be {kind} above 0, not {value!r}")
    return value


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise JobsFileError(f"{where} must be true or false, not {value!r}")
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise JobsFileError(f"{where} must be a non-empty string, not {value!r}")
    return value


def _args(value: Any, where: str) -> dict[str, str]:
    args = {}
    for name, arg in _table(value, where).items():
        if isinstance(arg, bool | dict | list):
            raise JobsFileError(f"{where}.{name} must be a string or a number, not {arg!r}")
        args[name] = str(arg)
    return args


def _email(value: Any, where: str) -> dict[str, Any]:
    email = _table(value, where)
    _unknown(email, EMAIL_KEYS, where)
    for key in ("host", "to"):
        if key not in email:
            raise JobsFileError(f"{where} needs {key!r}")
    to = email["to"] if isinstance(email["to"], list) else [email["to"]]
    return {
        "host": _text(email["host"], f"{where}.host"),
        "port": int(_number(email.get("port", 25), f"{where}.port", whole=True)),
        "sender": _text(email.get("sender", "sourcefinder@localhost"), f"{where}.sender"),
        "to": [_text(address, f"{where}.to") for address in to],
    }


def _apprise(value: Any, where: str) -> tuple[str, ...]:
    urls = value if isinstance(value, list) else [value]
    for url in urls:
        if "://" not in _text(url, where):
            raise JobsFileError(f"{where} takes Apprise URLs such as json://host/path, not {url!r}")
    return tuple(urls)


def _alerts(value: Any, where: str) -> AlertRules:
    table = _table(value, where)
    _unknown(table, ALERT_KEYS, where)
    webhook = table.get("webhook")
    if webhook is not None and not _text(webhook, f"{where}.webhook").startswith(("http://", "https://")):
        raise JobsFileError(f"{where}.webhook must be an http:// or https:// URL, not {webhook!r}")
    return AlertRules(
        drop_percent=_number(table["drop_percent"], f"{where}.drop_percent")
        if "drop_percent" in table
        else None,
        drop_amount=_number(table["drop_amount"], f"{where}.drop_amount") if "drop_amount" in table else None,
        lowest_weeks=int(_number(table["lowest_weeks"], f"{where}.lowest_weeks", whole=True))
        if "lowest_weeks" in table
        else None,
        new_source=_flag(table.get("new_source", False), f"{where}.new_source"),
        log=_flag(table.get("log", True), f"{where}.log"),
        jsonl=_text(table["jsonl"], f"{where}.jsonl") if "jsonl" in table else None,
        webhook=webhook,
        email=_email(table["email"], f"{where}.email") if "email" in table else None,
        apprise=_apprise(table.get("apprise", []), f"{where}.apprise"),
    )


def _limits(value: Any, where: str) -> dict[str, int]:
    table = _table(value, where)
    _unknown(table, set(LIMITS), where)
    return {name: int(_number(limit, f"{where}.{name}", whole=True)) for name, limit in table.items()}


def parse_job(name: str, table: Any) -> Job:
    """One job's table as a Job, checked key by key."""
    where = f"job {name!r}"
    table = _table(table, where)
    _unknown(table, JOB_KEYS, where)
    for key in ("spider", "schedule"):
        if key not in table:
            raise JobsFileError(f"{where} needs {key!r}")
    spider = table["spider"]
    if spider not in SPIDERS:
        raise JobsFileError(f"{where}: spider must be one of {', '.join(SPIDERS)}, not {spider!r}")
    problem = check_cron(table["schedule"])
    if problem:
        raise JobsFileError(f"{where}: schedule {problem}")
    limits = _limits(table.get("limits", {}), f"{where} limits")
    full_crawl = _flag(table.get("full_crawl", False), f"{where} full_crawl")
    if full_crawl and {"pages", "items"} & set(limits):
        raise JobsFileError(
            f"{where}: full_crawl cannot have a pages or items limit (it would delist the rest)"
        )
    return Job(
        name=name,
        spider=spider,
        schedule=table["schedule"],
        args=_args(table.get("args", {}), f"{where} args"),
        settings=_table(table.get("settings", {}), f"{where} settings"),
        match=_flag(table.get("match", False), f"{where} match"),
        limits=limits,
        full_crawl=full_crawl,
        alerts=_alerts(table["alerts"], f"{where} alerts") if "alerts" in table else None,
    )


def parse_jobs(text: str, origin: str = "the jobs file") -> dict[str, Job]:
    """The jobs of a jobs file's text, by name."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise JobsFileError(f"{origin} is not valid TOML: {exc}") from exc
    _unknown(data, {"jobs"}, origin)
    jobs = _table(data.get("jobs", {}), f"{origin}: [jobs]")
    if not jobs:
        raise JobsFileError(f"{origin} defines no job: add a [jobs.NAME] table")
    try:
        return {name: parse_job(name, table) for name, table in jobs.items()}
    except JobsFileError as exc:
        raise JobsFileError(f"{origin}: {exc}") from None


def load_jobs(path: str | Path) -> dict[str, Job]:
    """The jobs of the jobs file at ``path``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise JobsFileError(f"no jobs file at {path} (see jobs.example.toml)") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise JobsFileError(f"cannot read the jobs file {path}: {exc}") from exc
    return parse_jobs(text, str(path))
