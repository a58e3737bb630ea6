"""sourcefinder: find the factory source of a retail product and show the real markup."""

__version__ = "0.1.0"
