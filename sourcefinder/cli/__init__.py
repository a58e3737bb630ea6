"""The ``sourcefinder`` command line: every stage of spider -> SQLite -> matcher -> deals, usable alone.

Each module registers the commands of one stage on the app of ``common``.
"""

from sourcefinder.cli import (
    alerts_commands,
    crawl_commands,
    deals_commands,
    demo_commands,
    history_commands,
    jobs_commands,
    lookup_commands,
    match_commands,
    publish_commands,
)
from sourcefinder.cli.common import app

__all__ = [
    "alerts_commands",
    "app",
    "crawl_commands",
    "deals_commands",
    "demo_commands",
    "history_commands",
    "jobs_commands",
    "lookup_commands",
    "match_commands",
    "publish_commands",
]
