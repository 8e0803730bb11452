"""Engine inputs built from a :class:`~spm_models.data.Company`: credits, quotas, assignments.

Credits are the company's bookings: one credit line per account, month and booking type, with
``measure`` = the booking type (``new``, ``expansion``, ``renewal``) and the account's
``segment``, ``industry`` and ``region`` as attributes for credit rules and SPIFs. Bookings
without a rep are not creditable and are left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from spm_models.data import Company
from spm_models.errors import InputDataError, Problem, param_error
from spm_models.incentives.cost import (
    AttainmentSimulation,
    AttainmentSource,
    DealProfile,
    deal_profile,
)
from spm_models.incentives.plan import Plan
from spm_models.quota.inputs import QUOTA_BOOKING_TYPES
from spm_models.skipped import Skipped


def credits_from_bookings(company: Company, year: int) -> pd.DataFrame:
    """Credit lines for the bookings of ``year``.

    Returns
    -------
    DataFrame
        ``deal_id``, ``rep_id``, ``date``, ``measure``, ``amount``, ``split_pct`` (100),
        ``account_id``, ``segment``, ``industry``, ``region``.
    """
    b = company.bookings
    b = b[(b["period"].dt.year == year) & b["rep_id"].notna()]
    acc = company.accounts.set_index("account_id")
    out = pd.DataFrame(
        {
            "deal_id": b["account_id"].astype(str)
            + "-"
            + b["period"].dt.strftime("%Y%m")
            + "-"
            + b["booking_type"].astype(str),
            "rep_id": b["rep_id"].astype(str),
            "date": b["period"],
            "measure": b["booking_type"].astype(str),
            "amount": b["amount"].astype(float),
            "split_pct": 100.0,
            "account_id": b["account_id"].astype(str),
        }
    )
    for col in ("segment", "industry", "region"):
        out[col] = out["account_id"].map(acc[col]).astype(str)
    return out.reset_index(drop=True)


def rep_bookings_by_year(company: Company) -> pd.DataFrame:
    """Bookings per rep (rows) and calendar year (columns), USD."""
    b = company.bookings[company.bookings["rep_id"].notna()]
    return b.groupby([b["rep_id"], b["period"].dt.year])["amount"].sum().unstack(fill_value=0.0)


def historical_attainment(company: Company, growth: float = 0.1) -> pd.DataFrame:
    """Attainment each rep would have had in each past year under growth-based quotas.

    For every rep and year ``y`` with a full year ``y - 1`` behind it, attainment is
    ``bookings[y] / (bookings[y - 1] x (1 + growth))``. These observations are the ``history``
    source of :func:`~spm_models.incentives.simulate_attainment`.

    Returns
    -------
    DataFrame
        ``rep_id``, ``year``, ``attainment``.
    """
    by_year = rep_bookings_by_year(company)
    hire = company.reps.set_index("rep_id")["hire_date"]
    rows = []
    years = sorted(by_year.columns)
    for y in years[1:]:
        if y - 1 not in by_year.columns or y > company.as_of.year:
            continue
        if y == company.as_of.year and company.as_of.month != 12:
            continue
        prior = by_year[y - 1]
        eligible = hire.reindex(by_year.index) <= pd.Timestamp(y - 2, 12, 31)
        ok = eligible.to_numpy() & (prior > 0).to_numpy()
        att = by_year[y][ok] / (prior[ok] * (1 + growth))
        rows.append(pd.DataFrame({"rep_id": att.index, "year": y, "attainment": att.to_numpy()}))
    if not rows:
        return pd.DataFrame(columns=["rep_id", "year", "attainment"])
    return pd.concat(rows, ignore_index=True)


def issued_quotas(table: pd.DataFrame | None) -> pd.DataFrame | None:
    """Rep quotas issued by the quota notebook as ``rep_id``, ``annual_quota``, or ``None``.

    Accepts its ``quotas`` table (full-year quota in ``annual_quota`` or ``quota``); returns
    ``None`` when there is no usable table.
    """
    if table is None or "rep_id" not in table.columns:
        return None
    col = next((c for c in ("annual_quota", "quota") if c in table.columns), None)
    if col is None:
        return None
    out = pd.DataFrame(
        {
            "rep_id": table["rep_id"].astype(str),
            "annual_quota": pd.to_numeric(table[col], errors="coerce"),
        }
    )
    out = out[out["annual_quota"] > 0]
    return out.reset_index(drop=True) if len(out) else None


def plan_quotas(
    company: Company,
    plan: Plan,
    year: int,
    growth: float = 0.1,
    quota_table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Quota of every non-vacant rep for each measure of ``plan`` in ``year``.

    Each measure's quota is the rep's credits of the prior year that the measure's credit rule
    matches, times ``1 + growth``. Reps without a full prior year (and reps with nothing to go
    on) get the median of the others, so a new hire carries a full-territory quota that the
    plan's ramp lowers month by month. When no rep has prior-year credits for a measure, no
    quota is invented: :class:`~spm_models.errors.InputDataError` says so (see
    :func:`replay_skipped`). When ``quota_table`` (``rep_id``, ``annual_quota``: new
    and expansion bookings, as the quota notebook issues them) is given, measures that credit
    exactly new and/or expansion bookings take those quotas instead.

    Returns
    -------
    DataFrame
        ``rep_id``, one ``quota_<measure_id>`` column per measure (USD) and ``annual_quota``
        (their sum).
    """
    if growth <= -1:
        raise param_error("growth", "plan_quotas", "> -1", growth)
    reps = company.reps[company.reps["status"] != "vacant"]
    hist = credits_from_bookings(company, year - 1)
    full_year = (reps["hire_date"] <= pd.Timestamp(year - 1, 1, 1)).to_numpy()
    out = pd.DataFrame({"rep_id": reps["rep_id"].to_numpy()})
    table = issued_quotas(quota_table)
    issued = None if table is None else table.set_index("rep_id")["annual_quota"]
    for m in plan.measures:
        mask = hist["measure"].isin(m.credit.measures)
        for col, values in m.credit.where:
            mask &= hist[col].astype(str).isin(values)
        bookings_quota = set(m.credit.measures) <= {"new", "expansion"} and not m.credit.where
        from_table = None
        if issued is not None and bookings_quota:
            from_table = out["rep_id"].map(issued).astype(float)
            if (from_table > 0).all():
                out[f"quota_{m.id}"] = from_table.to_numpy()
                continue
        trailing = hist[mask].groupby("rep_id")["amount"].sum()
        quota = out["rep_id"].map(trailing).where(full_year) * (1 + growth)
        quota = quota.where(quota > 0)
        if not quota.notna().any():
            raise InputDataError(
                [
                    Problem(
                        source="bookings",
                        column="period",
                        message=(
                            f"has no {year - 1} bookings that the measure {m.id!r} credits, so "
                            f"no {year} quota can be derived for it"
                        ),
                    )
                ]
            )
        quota = quota.fillna(float(quota.median())).round(-2)
        if from_table is not None:
            quota = from_table.where(from_table > 0, quota)
        out[f"quota_{m.id}"] = quota.to_numpy()
    out["annual_quota"] = out[[f"quota_{m.id}" for m in plan.measures]].sum(axis=1)
    return out


def assignments_for(company: Company, plan: Plan, quotas: pd.DataFrame) -> pd.DataFrame:
    """Assign every non-vacant rep in ``quotas`` to ``plan`` for its plan year.

    Reps hired during the plan year start on their hire date (prorated, ramped); the hire date
    is passed on so the plan's ramp starts there.

    Returns
    -------
    DataFrame
        Assignment rows as :func:`~spm_models.incentives.compute_payouts` expects, with the
        quota columns of ``quotas``.
    """
    reps = company.reps[company.reps["status"] != "vacant"].set_index("rep_id")
    q = quotas[quotas["rep_id"].isin(reps.index)]
    year_start = pd.Timestamp(plan.year, 1, 1)
    hire = q["rep_id"].map(reps["hire_date"])
    out = q.copy()
    out.insert(1, "plan_id", plan.id)
    out.insert(2, "start_date", hire.where(hire > year_start, year_start).to_numpy())
    out.insert(3, "hire_date", hire.to_numpy())
    keep = out["start_date"] <= pd.Timestamp(plan.year, 12, 31)
    return out[keep.to_numpy()].reset_index(drop=True)


def plan_for_year(plan: Plan, year: int) -> Plan:
    """The same plan moved to another year (SPIF windows move with it), e.g. to replay history."""
    shift = year - plan.year
    spifs = tuple(
        replace(
            s,
            start=s.start.replace(year=s.start.year + shift),
            end=s.end.replace(year=s.end.year + shift),
        )
        for s in plan.spifs
    )
    return replace(plan, year=year, spifs=spifs)


def deal_profiles(
    company: Company, plans: Sequence[Plan], year: int
) -> dict[str, DealProfile] | Skipped:
    """Each plan's :class:`DealProfile` measured on the bookings of ``year`` (SPIF windows
    moved to that year), for costing SPIFs; the bookings carry no cancellations.

    A year the bookings history does not cover in full is refused (a SPIF's share of a
    year's bookings would be biased towards the months it covers).
    """
    months = _covered_months(company, year)
    credits = credits_from_bookings(company, year) if months == 12 else None
    if credits is None or credits.empty:
        return Skipped(
            "The cost of SPIFs",
            f"the bookings history covers {months} month(s) of {year}, and a SPIF's share of "
            "bookings is measured on a whole year",
            f"bookings for every month of {year}",
        )
    return {p.id: deal_profile(plan_for_year(p, year), credits) for p in plans}


def _covered_months(company: Company, year: int) -> int:
    """Months of calendar ``year`` that the bookings history covers."""
    periods = company.bookings["period"]
    first = pd.Timestamp(periods.min()).to_period("M")
    last = pd.Timestamp(company.as_of).to_period("M")
    start = max(first, pd.Period(f"{year}-01", "M"))
    end = min(last, pd.Period(f"{year}-12", "M"))
    return max(0, (end - start).n + 1)


def replay_skipped(company: Company, plan: Plan, year: int) -> Skipped | None:
    """Why ``year`` cannot be replayed through ``plan``, or None when it can.

    A replay needs every month of ``year`` (its credits) and of the year before (its quotas).
    """
    for y, what in ((year, "its bookings"), (year - 1, "the quotas it is paid against")):
        months = _covered_months(company, y)
        if months < 12:
            return Skipped(
                "The replayed payout statement",
                f"the bookings history covers {months} month(s) of {y}, and a replay of "
                f"{year} needs the whole of {y} for {what}",
                f"bookings for every month of {year - 1} and {year}",
            )
    return None


def _bookings_measure(plan: Plan) -> list[str]:
    """Ids of the measures that credit exactly the quota's booking types (new, expansion)."""
    return [
        m.id
        for m in plan.measures
        if set(m.credit.measures) <= set(QUOTA_BOOKING_TYPES) and not m.credit.where
    ]


def seat_quotas(
    company: Company, plan: Plan, issued: pd.DataFrame, growth: float = 0.1
) -> pd.DataFrame | Skipped:
    """The measure quotas of every seat of the issued quota table, for costing ``plan``.

    The seats are exactly the rows of ``issued`` with a quota above zero, so the costed
    new and expansion quota adds up to the issued total. A measure that credits new and
    expansion bookings takes the issued quota; any other measure (e.g. renewals) takes the
    seat's credits of the measure over the last 12 months, annualised when the history is
    shorter, times ``1 + growth``; a seat with no such credits (a vacant seat, a new hire)
    takes the median of the others.

    Parameters
    ----------
    company : Company
    plan : Plan
    issued : DataFrame
        ``rep_id, quota`` (and ``rep_name``, ``status``), the quota page's ``quotas`` table.
    growth : float
        Growth of the other measures' quotas over their trailing credits.

    Returns
    -------
    DataFrame or Skipped
        ``rep_id, rep_name, status, quota_<measure>..., annual_quota``; a :class:`Skipped`
        when the plan has no new and expansion measure or another measure has no history.
    """
    if growth <= -1:
        raise param_error("growth", "seat_quotas", "> -1", growth)
    require = {"rep_id", "quota"} - set(issued.columns)
    if require:
        raise param_error("issued", "seat_quotas", "a table with rep_id and quota", list(issued))
    seats = issued.loc[pd.to_numeric(issued["quota"], errors="coerce") > 0].copy()
    seats["rep_id"] = seats["rep_id"].astype(str)
    if "rep_name" not in seats.columns:
        seats["rep_name"] = seats["rep_id"]
    if "status" not in seats.columns:
        seats["status"] = "active"
    section = "The incentive cost"
    bookings_ids = _bookings_measure(plan)
    if not bookings_ids:
        return Skipped(
            section,
            f"the plan {plan.id!r} has no measure on new and expansion bookings to carry the "
            "issued quotas",
        )
    out = seats[["rep_id", "rep_name", "status"]].reset_index(drop=True)
    quota = seats["quota"].astype(float).to_numpy()
    months = _covered_months_trailing(company)
    b = company.bookings
    end = pd.Timestamp(company.as_of).to_period("M").to_timestamp()
    recent = b[(b["period"] > end - pd.DateOffset(months=12)) & b["rep_id"].notna()]
    for m in plan.measures:
        if m.id == bookings_ids[0]:
            out[f"quota_{m.id}"] = quota
            continue
        if m.id in bookings_ids:
            return Skipped(section, "the plan has two measures on new and expansion bookings")
        mask = recent["booking_type"].isin(m.credit.measures)
        credited = recent[mask]
        for col, values in m.credit.where:
            attr = credited["account_id"].map(company.accounts.set_index("account_id")[col])
            credited = credited[attr.astype(str).isin(values).to_numpy()]
        trailing = credited.groupby(credited["rep_id"].astype(str))["amount"].sum()
        q = out["rep_id"].map(trailing * (12 / months) * (1 + growth)).where(lambda v: v > 0)
        if not q.notna().any():
            return Skipped(
                section,
                f"no seat has bookings that the measure {m.name!r} credits in the last "
                "12 months, so its quota cannot be derived",
                "bookings of that kind in the history",
            )
        out[f"quota_{m.id}"] = q.fillna(float(q.median())).round(-2).to_numpy()
    out["annual_quota"] = out[[f"quota_{m.id}" for m in plan.measures]].sum(axis=1)
    out.attrs["bookings_measure"] = bookings_ids[0]
    return out


def _covered_months_trailing(company: Company) -> int:
    """Months of the last 12 that the bookings history covers (at least 1)."""
    from spm_models.quota.inputs import history_months

    return max(1, min(12, history_months(company.bookings, company.as_of)))


def seat_attainment(
    draws: pd.DataFrame, seats: Sequence[str], *, seed: int = 7
) -> AttainmentSimulation:
    """Simulated attainment of each seat, taken from the quota page's simulation.

    ``draws`` has one column per simulated rep and one row per simulated year (see
    :meth:`spm_models.quota.AttainmentResult.draws`). A seat the quota simulation did not
    cover (a vacant seat, or one with no quota before its start) is costed as a typical rep:
    in each simulated year it takes the attainment of a simulated rep drawn at random.

    Raises
    ------
    ValueError
        When ``draws`` is empty.
    """
    if draws.empty or draws.shape[1] == 0:
        raise param_error("draws", "seat_attainment", "a non-empty table of draws", draws.shape)
    values = draws.to_numpy(dtype=float)
    columns = {str(c): i for i, c in enumerate(draws.columns)}
    rng = np.random.default_rng(seed)
    out = np.empty((values.shape[0], len(seats)))
    for j, seat in enumerate(seats):
        if seat in columns:
            out[:, j] = values[:, columns[seat]]
        else:
            pick = rng.integers(0, values.shape[1], size=values.shape[0])
            out[:, j] = values[np.arange(values.shape[0]), pick]
    covered = sum(s in columns for s in seats)
    params = {"from": "quota simulation", "seats_drawn_from_others": len(seats) - covered}
    return AttainmentSimulation(np.maximum(out, 0.0), AttainmentSource.FORECAST, params)


def share_at_or_above(draws: pd.DataFrame) -> float:
    """Expected share of simulated reps at or above quota (the quota page's figure)."""
    return float((draws.to_numpy(dtype=float) >= 1.0).mean(axis=1).mean())


__all__ = [
    "assignments_for",
    "credits_from_bookings",
    "historical_attainment",
    "issued_quotas",
    "plan_for_year",
    "plan_quotas",
    "rep_bookings_by_year",
    "replay_skipped",
    "seat_attainment",
    "seat_quotas",
    "share_at_or_above",
]
