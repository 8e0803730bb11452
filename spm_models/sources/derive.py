"""Derivation rules for account fields an export lacks: segment, potential and workload.

Each rule takes its parameters from a :class:`~spm_models.sources.deals.BuildRules` and
records what it filled through ``notes.add(table, column, rule, detail, rows)`` (rows filled
zero are not recorded), so that the provenance section of the reports lists it. Both the
opportunity-level path (:func:`~spm_models.sources.deals.build_company_from_deals`) and the
plain ``tables`` path of a mapping (:func:`derive_account_fields`) use them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np
import pandas as pd

from spm_models.data.schema import SEGMENTS
from spm_models.data.text import blank_mask, clean_text

if TYPE_CHECKING:
    from spm_models.sources.deals import BuildRules


class Notes(Protocol):
    """Where a rule records what it derived."""

    def add(self, table: str, column: str, rule: str, detail: str, rows: int) -> None:
        """Record one derived field (nothing when ``rows`` is 0)."""


def _text(series: pd.Series) -> pd.Series:
    return clean_text(series)


def segments(accounts: pd.DataFrame, rules: BuildRules, notes: Notes) -> pd.Series:
    """Segment per account: a recognised ``segment`` value, else employee bands, else
    revenue bands, else :attr:`BuildRules.default_segment`."""
    n = len(accounts)
    seg = pd.Series(pd.NA, index=accounts.index, dtype="string")
    if "segment" in accounts:
        given = _text(accounts["segment"]).str.lower().str.replace(r"[\s_]+", "-", regex=True)
        given = given.replace(
            {
                "mid": "mid-market",
                "midmarket": "mid-market",
                "small": "smb",
                "small-business": "smb",
                "ent": "enterprise",
            }
        )
        seg = given.where(given.isin(SEGMENTS))
        bad = given.notna() & seg.isna()
        notes.add(
            "accounts",
            "segment",
            "segment not recognised",
            "Segments other than " + ", ".join(SEGMENTS) + " are derived as if empty.",
            bad.sum(),
        )
    for column, (mid, ent), label in (
        ("employees", rules.segment_employees, "employees"),
        ("annual_revenue", rules.segment_revenue, "annual revenue"),
    ):
        if column not in accounts:
            continue
        value = pd.to_numeric(accounts[column], errors="coerce")
        banded = pd.Series(
            np.where(value >= ent, "enterprise", np.where(value >= mid, "mid-market", "smb")),
            index=accounts.index,
            dtype="string",
        ).where(value.notna())
        use = seg.isna() & banded.notna()
        seg = seg.mask(use, banded)
        notes.add(
            "accounts",
            "segment",
            f"segment from {label}",
            f"Segment from {label}: mid-market from {mid:,.0f}, enterprise from {ent:,.0f}.",
            use.sum(),
        )
    notes.add(
        "accounts",
        "segment",
        "segment defaulted",
        f"Accounts with no segment, employees or revenue are {rules.default_segment}.",
        seg.isna().sum(),
    )
    return seg.fillna(rules.default_segment).astype(object) if n else seg.astype(object)


def history_months(won: pd.DataFrame) -> int:
    """Calendar months from the first to the last won deal, both included."""
    if won.empty:
        return 0
    first, last = won["close_date"].min(), won["close_date"].max()
    return (last.year - first.year) * 12 + last.month - first.month + 1


def potential(
    accounts: pd.DataFrame, won: pd.DataFrame, rules: BuildRules, notes: Notes
) -> pd.Series:
    """Potential per account by :attr:`BuildRules.potential_rule` where ``potential`` is
    missing; ``won`` holds ``account_id, amount, close_date`` of won deals."""
    given = (
        pd.to_numeric(accounts["potential"], errors="coerce") if "potential" in accounts else None
    )
    if given is not None and given.notna().all():
        return given.astype(float)
    rule = rules.potential_rule
    if rule == "auto":
        rule = "history" if not won.empty else "firmographics"
    pot = given if given is not None else pd.Series(np.nan, index=accounts.index)
    todo = pot.isna()
    if rule == "history":
        months = history_months(won)
        per_year = won.groupby("account_id")["amount"].sum() * 12 / max(months, 12)
        derived = accounts["account_id"].map(per_year) * rules.potential_multiple
        use = todo & derived.notna() & (derived > 0)
        pot = pot.mask(use, derived)
        notes.add(
            "accounts",
            "potential",
            "potential from history",
            f"Potential is {rules.potential_multiple:g} times the account's won bookings "
            f"per year over {months} months of history.",
            use.sum(),
        )
    else:
        for column, factor, label in (
            ("annual_revenue", rules.potential_revenue_share, "of annual revenue"),
            ("employees", rules.potential_per_employee, "per employee"),
        ):
            if column not in accounts:
                continue
            value = pd.to_numeric(accounts[column], errors="coerce") * factor
            use = pot.isna() & value.notna() & (value > 0)
            pot = pot.mask(use, value)
            amount = f"{factor:.2%}" if column == "annual_revenue" else f"${factor:,.0f}"
            notes.add(
                "accounts",
                "potential",
                "potential from firmographics",
                f"Potential is {amount} {label}.",
                use.sum(),
            )
    rest = pot.isna()
    if rest.any():
        median = pot.groupby(accounts["segment"]).median()
        fill = accounts["segment"].map(median)
        overall = pot.median()
        fill = fill.fillna(0.0 if pd.isna(overall) else overall)
        pot = pot.fillna(fill)
        notes.add(
            "accounts",
            "potential",
            "potential from segment median",
            "Accounts with nothing to derive potential from take the median potential of "
            "their segment.",
            rest.sum(),
        )
    return pot.astype(float)


def workload(accounts: pd.DataFrame, rules: BuildRules, notes: Notes) -> pd.Series:
    """Workload per account: the ``workload`` column, else calls per year by segment."""
    given = pd.to_numeric(accounts["workload"], errors="coerce") if "workload" in accounts else None
    calls = accounts["segment"].map(rules.calls_per_year).astype(float)
    if given is None:
        given = pd.Series(np.nan, index=accounts.index)
    todo = given.isna()
    rule = ", ".join(f"{s} {rules.calls_per_year.get(s, 0):g}" for s in SEGMENTS)
    notes.add(
        "accounts",
        "workload",
        "workload per segment",
        f"Workload is a fixed number of calls per year by segment ({rule}).",
        todo.sum(),
    )
    return given.fillna(calls).fillna(0.0).astype(float)


#: Rules of :class:`~spm_models.sources.deals.BuildRules` that a mapping's ``tables`` use.
ACCOUNT_RULES = (
    "segment_employees",
    "segment_revenue",
    "default_segment",
    "potential_rule",
    "potential_multiple",
    "potential_revenue_share",
    "potential_per_employee",
    "calls_per_year",
)


class _Entries:
    """Collects provenance entries (the :class:`Notes` of :func:`derive_account_fields`)."""

    def __init__(self) -> None:
        from spm_models.sources.provenance import ProvenanceEntry

        self._entry = ProvenanceEntry
        self.entries: list = []

    def add(self, table: str, column: str, rule: str, detail: str, rows) -> None:
        if int(rows) > 0:
            self.entries.append(self._entry(table, column, rule, detail, int(rows)))


def _won_from_bookings(bookings: pd.DataFrame | None) -> pd.DataFrame:
    """Bookings as the won deals the history rule reads: ``account_id, amount, close_date``."""
    columns = ["account_id", "amount", "close_date"]
    if bookings is None or not {"account_id", "amount", "period"} <= set(bookings.columns):
        return pd.DataFrame(columns=columns)
    period = bookings["period"]
    if not pd.api.types.is_datetime64_any_dtype(period):
        period = pd.to_datetime(clean_text(period), errors="coerce", format="ISO8601")
    won = pd.DataFrame(
        {
            "account_id": clean_text(bookings["account_id"]).to_numpy(),
            "amount": pd.to_numeric(bookings["amount"], errors="coerce").to_numpy(),
            "close_date": period.to_numpy(),
        }
    )
    return won.dropna().reset_index(drop=True)


def _numbers(frame: pd.DataFrame, column: str, blank: np.ndarray) -> pd.Series:
    """A column's numbers with NaN where blank; a given value that is not a number counts
    as given (0 here) so that it is kept for validation to report, not derived over."""
    values = pd.to_numeric(frame[column], errors="coerce") if column in frame else None
    if values is None:
        return pd.Series(np.nan, index=frame.index)
    return values.where(blank, values.fillna(0.0)).where(~blank)


def derive_account_fields(
    accounts: pd.DataFrame, bookings: pd.DataFrame | None, rules: BuildRules
) -> tuple[pd.DataFrame, list]:
    """Fill ``segment``, ``potential`` and ``workload`` of a mapped accounts table where the
    export leaves them blank (or has no such column), by the rules of ``rules``.

    Values the export gives are kept as they are, to be validated with the table; only
    blank ones are derived. Segment bands read ``employees`` and ``annual_revenue`` columns
    when the mapping names them; the history rule of potential reads the bookings.

    Parameters
    ----------
    accounts : DataFrame
        The mapped (not yet validated) accounts table.
    bookings : DataFrame or None
        The mapped bookings table (``account_id, period, amount``).
    rules : BuildRules
        Bands, potential rule and calls per year.

    Returns
    -------
    DataFrame, list of ProvenanceEntry
        The table with the three columns filled, and one entry per rule that filled rows.
    """
    notes = _Entries()
    out = accounts.reset_index(drop=True).copy()
    n = len(out)

    def blank(column: str) -> np.ndarray:
        return blank_mask(out[column]) if column in out else np.ones(n, dtype=bool)

    firmographics = {
        col: pd.to_numeric(out[col], errors="coerce")
        for col in ("employees", "annual_revenue")
        if col in out
    }
    no_segment = blank("segment")
    segment = clean_text(out["segment"]) if "segment" in out else pd.Series(None, index=out.index)
    if no_segment.any():
        basis = pd.DataFrame(firmographics, index=out.index)[no_segment]
        segment = segment.astype(object)
        segment[no_segment] = segments(basis, rules, notes).to_numpy()
        out["segment"] = segment
    no_potential, no_workload = blank("potential"), blank("workload")
    work = pd.DataFrame(
        {
            "account_id": clean_text(out["account_id"]) if "account_id" in out else None,
            "segment": segment,
            **firmographics,
        }
    )
    if no_potential.any():
        work["potential"] = _numbers(out, "potential", no_potential)
        derived = potential(work, _won_from_bookings(bookings), rules, notes)
        given = out.get("potential", derived)
        out["potential"] = given.astype(object).where(~no_potential, derived)
    if no_workload.any():
        work["workload"] = _numbers(out, "workload", no_workload)
        derived = workload(work, rules, notes)
        given = out.get("workload", derived)
        out["workload"] = given.astype(object).where(~no_workload, derived)
    return out, notes.entries
