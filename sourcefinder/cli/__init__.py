"""The ``sourcefinder`` command line: every stage of spider -> SQLite -> matcher -> deals, usable alone.

Each module registers the commands of one stage on the app of ``common``.
"""

from sourcefinder.cli import crawl_commands, deals_commands, demo_commands, match_commands
from sourcefinder.cli.common import app

__all__ = ["app", "crawl_commands", "deals_commands", "demo_commands", "match_commands"]
