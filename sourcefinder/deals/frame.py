"""The deals as a pandas DataFrame, for the terminal views and Python callers (exports stream instead)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sourcefinder.deals.columns import DEAL_COLUMNS
from sourcefinder.deals.rows import INTERNAL_COLUMNS
from sourcefinder.deals.staging import DealFilters, iter_deals, staged_deals


def deals_frame(database: Any, min_confidence: float, best_only: bool = False) -> pd.DataFrame:
    """Every pair at or above ``min_confidence``, best first; ``cheapest`` marks each retail listing's best source.

    ``best_only`` keeps only those: the cheapest one-piece source of each retail listing.
    """
    filters = DealFilters(min_confidence=min_confidence, cheapest_only=best_only)
    return filtered_frame(database, filters)


def filtered_frame(database: Any, filters: DealFilters) -> pd.DataFrame:
    """The pairs that pass ``filters``, in their order, with the exported and the internal columns."""
    with staged_deals(database, filters) as conn:
        rows = list(iter_deals(conn, filters))
    return pd.DataFrame(rows, columns=[*DEAL_COLUMNS, *INTERNAL_COLUMNS, "cheapest"])
