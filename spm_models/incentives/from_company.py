"""Engine inputs built from a :class:`~spm_models.data.Company`: credits, quotas, assignments.

Credits are the company's bookings: one credit line per account, month and booking type, with
``measure`` = the booking type (``new``, ``expansion``, ``renewal``) and the account's
``segment``, ``industry`` and ``region`` as attributes for credit rules and SPIFs. Bookings
without a rep are not creditable and are left out.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from spm_models.data import Company
from spm_models.errors import param_error
from spm_models.incentives.plan import Plan


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
    plan's ramp lowers month by month. When ``quota_table`` (``rep_id``, ``annual_quota``: new
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
        trailing = hist[mask].groupby("rep_id")["amount"].sum()
        quota = out["rep_id"].map(trailing).where(full_year) * (1 + growth)
        quota = quota.where(quota > 0)
        fill = float(quota.median()) if quota.notna().any() else 100_000.0
        quota = quota.fillna(max(fill, 1_000.0)).round(-2)
        bookings_quota = set(m.credit.measures) <= {"new", "expansion"} and not m.credit.where
        if issued is not None and bookings_quota:
            from_table = out["rep_id"].map(issued).astype(float)
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


__all__ = [
    "assignments_for",
    "credits_from_bookings",
    "historical_attainment",
    "issued_quotas",
    "plan_for_year",
    "plan_quotas",
    "rep_bookings_by_year",
]
