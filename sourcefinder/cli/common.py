"""What every command shares: the typer apps, the consoles, the --db and --min-confidence options."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from sourcefinder.store import database as store

app = typer.Typer(
    help="Find the factory source of retail products and show the real markup.",
    no_args_is_help=True,
    rich_markup_mode=None,
    add_completion=False,
)
demo_app = typer.Typer(invoke_without_command=True, rich_markup_mode=None)
app.add_typer(demo_app, name="demo")
# Piped output (files, CI logs) gets 120 columns instead of rich's 80, so tables stay readable.
console = Console(width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True, soft_wrap=True)

DbOption = Annotated[
    Path,
    typer.Option(
        "--db",
        help="SQLite database (default: $SOURCEFINDER_DB or data/sourcefinder.db).",
        default_factory=lambda: Path(store.default_db_path()),
        show_default=False,
    ),
]
MinConfidence = Annotated[
    float, typer.Option("--min-confidence", help="Keep matched pairs at or above this confidence (0..1).")
]


def fail(message: str) -> typer.Exit:
    """Print a one-line error and return the Exit to raise."""
    err.print(f"[red]Error:[/red] {message}", highlight=False)
    return typer.Exit(code=1)
