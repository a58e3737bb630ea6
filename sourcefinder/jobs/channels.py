"""Where alerts go: the run's output, a JSON-lines file, a webhook (an HTTP POST of JSON), e-mail (SMTP) and
Apprise's services.

A channel that fails is reported, never raised: an unreachable webhook must not fail the job."""

from __future__ import annotations

import json
import smtplib
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sourcefinder import __version__
from sourcefinder.jobs.alerts import Alert
from sourcefinder.jobs.config import AlertRules

TIMEOUT = 10
Send = Callable[[Alert], None]


def to_output(alert: Alert) -> None:
    """Print the alert's line on standard output (cron mails it; systemd's journal keeps it)."""
    sys.stdout.write(f"ALERT {alert.message}\n")
    sys.stdout.flush()


def to_jsonl(path: str | Path) -> Send:
    """Append each alert as one JSON object per line to ``path``."""

    def send(alert: Alert) -> None:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(alert.as_dict(), ensure_ascii=False) + "\n")

    return send


def webhook_body(alert: Alert) -> dict[str, Any]:
    """The JSON a webhook receives: Apprise's json:// fields (version, title, message, type) and the alert."""
    return {
        "version": "1.0",
        "title": alert.headline,
        "message": alert.message,
        "type": "info",
        "alert": alert.as_dict(),
    }


def to_webhook(url: str) -> Send:
    """POST each alert as JSON to ``url``."""

    def send(alert: Alert) -> None:
        body = json.dumps(webhook_body(alert), ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", "User-Agent": f"sourcefinder/{__version__}"}
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 (the user's own URL)
            response.read(1024)

    return send


def to_email(settings: Mapping[str, Any]) -> Send:
    """Mail each alert through the SMTP server ``settings`` names (host, port, sender, to)."""

    def send(alert: Alert) -> None:
        message = EmailMessage()
        message["Subject"] = alert.message[:120]
        message["From"] = settings["sender"]
        message["To"] = ", ".join(settings["to"])
        message.set_content(json.dumps(alert.as_dict(), ensure_ascii=False, indent=2))
        with smtplib.SMTP(settings["host"], settings["port"], timeout=TIMEOUT) as smtp:
            smtp.send_message(message)

    return send


def to_apprise(url: str) -> Send:
    """Notify through Apprise (one URL per service: ntfy, Telegram, Discord, mailto, json, ...)."""

    def send(alert: Alert) -> None:
        import apprise  # imported on use: it loads a plugin per service

        notifier = apprise.Apprise()
        if not notifier.add(url):
            raise ValueError("Apprise does not know this URL")
        if not notifier.notify(title=alert.headline, body=alert.message):
            raise OSError("Apprise could not deliver (see the log)")

    return send


def channels(rules: AlertRules) -> dict[str, Send]:
    """The channels a job's alert rules name, by a label for the run's record."""
    found: dict[str, Send] = {}
    if rules.log:
        found["output"] = to_output
    if rules.jsonl:
        found[f"jsonl {rules.jsonl}"] = to_jsonl(rules.jsonl)
    if rules.webhook:
        found[f"webhook {rules.webhook}"] = to_webhook(rules.webhook)
    for url in rules.apprise:
        found[f"apprise {url.split('://', 1)[0]}://"] = to_apprise(url)
    if rules.email:
        found[f"email {rules.email['host']}:{rules.email['port']}"] = to_email(rules.email)
    return found


def deliver(alert: Alert, targets: Mapping[str, Send]) -> tuple[list[str], list[str]]:
    """Send ``alert`` through every channel; (the channels it reached, one line per channel that failed)."""
    delivered, errors = [], []
    for label, send in targets.items():
        try:
            send(alert)
        except (OSError, urllib.error.URLError, smtplib.SMTPException, ValueError) as exc:
            errors.append(f"{label}: {getattr(exc, 'reason', None) or exc}")
        else:
            delivered.append(label)
    return delivered, errors
