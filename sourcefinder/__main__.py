"""``python -m sourcefinder``: the command line."""

from sourcefinder.cli import app

app()
