"""Alerts on watched listings: a price drop (by a percentage, an amount, or below a set price) and a new,
cheaper factory source for a watched retail listing. Each fires once: a watch remembers what it has told."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from sourcefinder.jobs.config import AlertRules
from sourcefinder.listing import now_iso, tier_price
from sourcefinder.store import history

WATCH_COLUMNS = {
    "listing_id": str,
    "below": float,  # alert once when the price falls to or below this
    "created_at": str,
    "reference_price": float,  # the highest price since the watch began or its last drop alert
    "below_fired": int,
    "sources": str,  # JSON list of the factory sources already known
    "cheapest_source": float,  # the lowest landed cost per piece among them
    "lowest_alerted": str,  # the history row whose "lowest in N weeks" was told
}
ALERT_COLUMNS = {
    "id": int,
    "job_run_id": int,
    "listing_id": str,
    "kind": str,
    "message": str,
    "old_price": float,
    "new_price": float,
    "saving": float,
    "url": str,
    "source_url": str,
    "created_at": str,
    "delivered": str,
    "errors": str,
}
_SOURCES_SQL = """
select f.id, f.url, f.price, f.price_tiers, f.moq, f.shipping_fee
from matches m join listings f on f.id = m.factory_id
where m.retail_id = ? and m.confidence >= ?
"""


@dataclass(frozen=True)
class Alert:
    """Something worth telling about a watched listing: old and new price, the saving and both links."""

    kind: str  # price_drop or new_source
    listing_id: str
    title: str
    old_price: float
    new_price: float
    url: str | None
    source_url: str | None = None
    reason: str = ""

    @property
    def saving(self) -> float:
        """How much cheaper the new price is."""
        return round(self.old_price - self.new_price, 2)

    @property
    def saving_percent(self) -> float:
        """The saving as a percentage of the old price."""
        return round(100 * self.saving / self.old_price, 1) if self.old_price else 0.0

    @property
    def headline(self) -> str:
        """What happened, in two or three words (a notification's title)."""
        return "Price drop" if self.kind == "price_drop" else "Cheaper factory source"

    @property
    def message(self) -> str:
        """The alert in one line, as the channels show it."""
        head = self.headline
        links = " ".join(link for link in (self.url, self.source_url) if link)
        return (
            f"{head}: {self.title} ¥{self.old_price:.2f} -> ¥{self.new_price:.2f} "
            f"(save ¥{self.saving:.2f}, {self.saving_percent:g}%; {self.reason}) {links}"
        ).strip()

    def as_dict(self) -> dict[str, Any]:
        """The alert's fields with its saving and message, for JSON channels."""
        return {
            **asdict(self),
            "saving": self.saving,
            "saving_percent": self.saving_percent,
            "message": self.message,
        }


def ensure_alert_tables(db: sqlite_utils.Database) -> None:
    """Create the watches and alerts tables if they are missing."""
    db["watches"].create(WATCH_COLUMNS, pk="listing_id", if_not_exists=True)
    db["alerts"].create(ALERT_COLUMNS, pk="id", if_not_exists=True)


def source_cost(row: dict[str, Any]) -> float:
    """A factory listing's cost per piece bought at its minimum order: the tier price plus shipping shared."""
    qty = max(1, int(row.get("moq") or 1))
    tiers = (
        json.loads(row["price_tiers"]) if isinstance(row.get("price_tiers"), str) else row.get("price_tiers")
    )
    return tier_price(row["price"], tiers or [], qty) + (row.get("shipping_fee") or 0.0) / qty


def _sources(
    db: sqlite_utils.Database, retail_id: str, min_confidence: float
) -> dict[str, tuple[float, str]]:
    """The matched factory sources of a retail listing: id -> (cost per piece, url)."""
    rows = db.query(_SOURCES_SQL, [retail_id, min_confidence])
    return {row["id"]: (source_cost(row), row["url"]) for row in rows}


def add_watch(
    db: sqlite_utils.Database, listing_id: str, below: float | None, min_confidence: float
) -> dict[str, Any]:
    """Watch a stored listing from its current price and sources on; the watch row."""
    ensure_alert_tables(db)
    listing = next(db.query("select id, price from listings where id = ?", [listing_id]), None)
    if listing is None:
        raise KeyError(listing_id)
    sources = _sources(db, listing_id, min_confidence)
    row = {
        "listing_id": listing_id,
        "below": below,
        "created_at": now_iso(),
        "reference_price": listing["price"],
        "below_fired": 0,
        "sources": json.dumps(sorted(sources)),
        "cheapest_source": min((cost for cost, _ in sources.values()), default=None),
    }
    with db.conn:
        db["watches"].upsert(row, pk="listing_id")
    return row


def _drop_reasons(reference: float, price: float, rules: AlertRules) -> list[str]:
    """Why a fall from ``reference`` to ``price`` is worth an alert under ``rules`` (nothing when it is not)."""
    drop, reasons = reference - price, []
    if rules.drop_percent and reference and drop / reference * 100 >= rules.drop_percent - 1e-9:
        reasons.append(f"down {drop / reference * 100:.1f}%, alert at {rules.drop_percent:g}%")
    if rules.drop_amount and drop >= rules.drop_amount - 1e-9:
        reasons.append(f"down ¥{drop:.2f}, alert at ¥{rules.drop_amount:g}")
    return reasons


def _new_low(points: list[history.PricePoint], weeks: int, now: datetime) -> bool:
    """Whether the price just fell to its lowest in at least ``weeks`` weeks of recorded history."""
    if len(points) < 2 or points[-1].price is None or points[-2].price is None:
        return False
    since = history.lowest_since(points) or points[0].when
    return points[-1].price < points[-2].price and since <= history.weeks_ago(weeks, now)


def _price_alert(
    watch: dict[str, Any], rules: AlertRules, points: list[history.PricePoint]
) -> tuple[Alert | None, dict]:
    """The drop alert a watched listing (joined with its watch) calls for, if any, and the watch's new state."""
    price = watch["price"]
    reference = max(watch["reference_price"] or price, price)
    reasons = _drop_reasons(reference, price, rules)
    below = watch["below"]
    under = below is not None and price <= below
    if under and not watch["below_fired"]:
        reasons.append(f"at or below your ¥{below:g}")
    latest = points[-1].seen_at if points else None
    if (
        rules.lowest_weeks
        and latest != watch.get("lowest_alerted")
        and _new_low(points, rules.lowest_weeks, datetime.now(UTC))
    ):
        reasons.append(f"lowest in {rules.lowest_weeks}+ weeks")
    state = {"reference_price": price if reasons else reference, "below_fired": int(under)}
    if rules.lowest_weeks:
        state["lowest_alerted"] = (
            latest if any("lowest" in r for r in reasons) else watch.get("lowest_alerted")
        )
    if not reasons:
        return None, state
    old = reference if reference > price else (points[-2].price if len(points) > 1 else price)
    alert = Alert(
        "price_drop", watch["id"], watch["title"], old, price, watch["url"], reason="; ".join(reasons)
    )
    return alert, state


def _source_alert(
    db: sqlite_utils.Database, watch: dict[str, Any], min_confidence: float
) -> tuple[Alert | None, dict]:
    """The new-source alert of a watched retail listing, if a new source beats every known one."""
    sources = _sources(db, watch["id"], min_confidence)
    known = set(json.loads(watch["sources"] or "[]"))
    cheapest = watch["cheapest_source"]
    bar = cheapest if cheapest is not None else watch["price"]
    fresh = [(cost, url) for sid, (cost, url) in sources.items() if sid not in known and cost < bar]
    state = {
        "sources": json.dumps(sorted(known | set(sources))),
        "cheapest_source": min(
            [cost for cost, _ in sources.values()] + [c for c in [cheapest] if c is not None], default=None
        ),
    }
    if not fresh:
        return None, state
    cost, url = min(fresh)
    reason = (
        "new source below the cheapest known"
        if cheapest is not None
        else "first source below the retail price"
    )
    return Alert(
        "new_source", watch["id"], watch["title"], bar, round(cost, 2), watch["url"], url, reason
    ), state


def check_watches(db: sqlite_utils.Database, rules: AlertRules, min_confidence: float) -> Iterator[Alert]:
    """The alerts the watched listings call for now; each watch is updated so that none fires twice."""
    ensure_alert_tables(db)
    sql = "select w.*, l.id, l.title, l.price, l.url, l.role from watches w join listings l on l.id = w.listing_id"
    for row in list(db.query(sql)):
        if row["price"] is None:
            continue
        points = history.price_history(db, row["id"]) if rules.lowest_weeks else []
        alert, state = _price_alert(row, rules, points)
        if alert:
            yield alert
        if rules.new_source and row["role"] == "retail":
            source, source_state = _source_alert(db, row, min_confidence)
            state |= source_state
            if source:
                yield source
        with db.conn:
            db["watches"].update(row["listing_id"], state, alter=True)


def log_alert(
    db: sqlite_utils.Database, alert: Alert, job_run_id: int | None, delivered: list[str], errors: list[str]
) -> None:
    """Keep a fired alert with where it was delivered and which channels failed."""
    ensure_alert_tables(db)
    row = {
        "job_run_id": job_run_id,
        "listing_id": alert.listing_id,
        "kind": alert.kind,
        "message": alert.message,
        "old_price": alert.old_price,
        "new_price": alert.new_price,
        "saving": alert.saving,
        "url": alert.url,
        "source_url": alert.source_url,
        "created_at": now_iso(),
        "delivered": ",".join(delivered),
        "errors": "; ".join(errors) or None,
    }
    with db.conn:
        db["alerts"].insert(row)
