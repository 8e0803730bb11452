"""Small hand-made plans and tables for the incentives tests."""

from __future__ import annotations

import copy
from decimal import Decimal

import pandas as pd

from spm_models.incentives import Plan, plan_from_dict


def commission_measure(
    tiers: list[dict],
    *,
    mid: str = "new",
    weight: float = 1,
    quota: float | None = 1_000_000,
    method: str = "marginal",
    basis: str = "amount",
    **payout: object,
) -> dict:
    """A commission measure as a plan-file mapping."""
    measure = {
        "id": mid,
        "weight": weight,
        "payout": {"type": "commission", "method": method, "basis": basis, "tiers": tiers},
    }
    measure["payout"].update(payout)
    if quota is not None:
        measure["quota"] = quota
    return measure


def plan_dict(measures: list[dict], **extra: object) -> dict:
    """A plan-file mapping for year 2027."""
    data = {
        "id": "p",
        "year": 2027,
        "payout_frequency": "monthly",
        "target_incentive": 50_000,
        "measures": measures,
    }
    data.update(copy.deepcopy(extra))
    return data


def make_plan(measures: list[dict], **extra: object) -> Plan:
    """A validated plan."""
    return plan_from_dict(plan_dict(measures, **extra), source="test.yaml")


def assignment(rep: str = "R1", plan: str = "p", start: str = "2027-01-01", **cols) -> dict:
    """One assignment row."""
    return {"rep_id": rep, "plan_id": plan, "start_date": start, **cols}


def credit(deal: str, amount: float, date: str, rep: str = "R1", measure: str = "new", **cols):
    """One credit row."""
    return {
        "deal_id": deal,
        "rep_id": rep,
        "date": date,
        "measure": measure,
        "amount": amount,
        **cols,
    }


def frame(rows: list[dict]) -> pd.DataFrame:
    """Rows as a DataFrame."""
    return pd.DataFrame(rows)


def usd(cents: int) -> Decimal:
    """Cents as exact dollars."""
    return Decimal(int(cents)).scaleb(-2)


def row(result, rep: str, period: str) -> pd.Series:
    """The statement row of one rep and period."""
    s = result.statements
    hit = s[(s["rep_id"] == rep) & (s["period"] == period)]
    assert len(hit) == 1, f"no single statement row for {rep} {period}"
    return hit.iloc[0]


def comp(result, rep: str, period: str, measure: str) -> pd.Series:
    """The component row of one rep, period and measure."""
    c = result.components
    hit = c[(c["rep_id"] == rep) & (c["period"] == period) & (c["measure"] == measure)]
    assert len(hit) == 1
    return hit.iloc[0]


def steps(result, rep: str, period: str) -> pd.DataFrame:
    """Trace lines of one rep and period."""
    t = result.trace
    return t[(t["rep_id"] == rep) & (t["period"] == period)]
