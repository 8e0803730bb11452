"""What the incentive page says: the quotas it costs, its sentences and its readable tables.

The page costs plans on exactly the quota page's issued ``quotas`` table and on that page's
own attainment simulation (``quota_attainment_draws``), so the share of reps at quota and the
quota total are one figure each across both pages. When the run has no quota page, the same
package functions set quotas here and the page says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from spm_models.data import Company
from spm_models.incentives.cost import PlanComparison
from spm_models.incentives.engine import STATEMENT_MONEY
from spm_models.incentives.from_company import share_at_or_above
from spm_models.registry import format_figure, format_value


@dataclass(frozen=True)
class QuotaBasis:
    """The issued quotas and attainment draws the cost is simulated on.

    Attributes
    ----------
    issued : DataFrame
        ``rep_id, rep_name, status, quota``: the issued annual quota of every seat.
    draws : DataFrame
        Simulated attainment, one column per simulated rep, one row per simulated year.
    from_quota_page : bool
        True when the quotas came from the quota page of this run.
    aligned : bool
        Whether the quotas follow the optimised alignment.
    draws_from_quota_page : bool
        True when the draws are the quota page's own simulation (else simulated here, by the
        same function, on the issued quotas).
    """

    issued: pd.DataFrame
    draws: pd.DataFrame
    from_quota_page: bool
    aligned: bool
    draws_from_quota_page: bool = True

    @property
    def total(self) -> float:
        """Sum of the issued quotas (the quota page's ``quota.total``)."""
        return float(pd.to_numeric(self.issued["quota"], errors="coerce").fillna(0.0).sum())

    @property
    def expected_share(self) -> float:
        """Expected share of reps at or above quota in the simulation."""
        return share_at_or_above(self.draws)


def quota_basis(
    company: Company,
    quotas: pd.DataFrame | None,
    draws: pd.DataFrame | None,
    *,
    assignment: pd.DataFrame | None = None,
    growth: float = 0.1,
    n_sims: int = 2000,
    seed: int = 7,
) -> QuotaBasis:
    """The quota page's issued quotas and draws, or the same computed here when absent.

    Parameters
    ----------
    quotas, draws : DataFrame or None
        The quota page's ``quotas`` and ``quota_attainment_draws`` tables of this run.
    assignment : DataFrame, optional
        The territory page's ``assignment`` (used only when quotas are computed here).
    growth : float
        Target growth over the last 12 months' quota bookings when computed here.
    n_sims, seed : int
        Simulation size and seed when computed here.
    """
    from spm_models.quota.plan import plan_quotas, planning_inputs
    from spm_models.quota.report import plan_target

    aligned = assignment is not None
    if quotas is not None and {"rep_id", "quota"} <= set(quotas.columns):
        issued = quotas.copy()
        issued["rep_id"] = issued["rep_id"].astype(str)
        if draws is not None:
            return QuotaBasis(issued, draws.rename(columns=str), True, aligned)
        inputs = planning_inputs(company, assignment=assignment)
        return QuotaBasis(issued, _draws_for(inputs, issued, n_sims, seed), True, aligned, False)
    inputs = planning_inputs(company, assignment=assignment)
    target = plan_target(inputs, 0.0, growth)
    plan = plan_quotas(inputs, target=target, n_sims=n_sims, seed=seed, relax_growth=True)
    return QuotaBasis(plan.quotas, plan.attainment.draws(), False, inputs.aligned)


def _draws_for(inputs, issued: pd.DataFrame, n_sims: int, seed: int) -> pd.DataFrame:
    """Attainment draws on issued quotas by the quota page's own simulation function."""
    from spm_models.quota.attainment import simulate_attainment

    status = issued["status"].astype(str) if "status" in issued.columns else "active"
    q = issued.loc[(status != "vacant") & (pd.to_numeric(issued["quota"]) > 0), ["rep_id", "quota"]]
    history = inputs.history.assign(rep_id=inputs.history["rep_id"].astype(str))
    expected = history.assign(expected_bookings=history["expected_bookings"] * (1 + inputs.trend))
    expected = (
        q[["rep_id"]]
        .merge(expected, on="rep_id", how="left")
        .fillna({"expected_bookings": 0.0, "cv": 1.0})
    )
    return simulate_attainment(q, expected, n_sims=n_sims, seed=seed).draws()


def basis_sentence(basis: QuotaBasis, seats: int, growth: float) -> str:
    """Which quotas and which simulation the cost rests on, in one or two sentences."""
    share = format_figure("quota.expected_share_at_or_above", basis.expected_share)
    total = format_figure("incentives.quota_total", basis.total)
    if basis.from_quota_page and basis.draws_from_quota_page:
        return (
            f"The cost is simulated on the quota page's issued quotas: {seats} seats carrying "
            f"{total} of new and expansion quota, and on that page's attainment simulation, in "
            f"which {share} of reps reach quota."
        )
    if basis.from_quota_page:
        return (
            f"The cost is simulated on the quota page's issued quotas: {seats} seats carrying "
            f"{total} of new and expansion quota. This run has no attainment simulation from "
            f"that page, so it is run here the same way on those quotas: {share} of reps reach "
            "quota."
        )
    where = "the optimised territories" if basis.aligned else "today's territories"
    return (
        f"This run has no quota page, so quotas are set here the way that page sets them: fair "
        f"quotas on {where}, a target of the last 12 months' new and expansion bookings "
        f"{_signed(growth)}, standard cushions. {seats} seats carry {total}; in the attainment "
        f"simulation {share} of reps reach quota."
    )


def curve_sentence(comparison: PlanComparison, names: dict[str, str]) -> str:
    """What a typical rep earns at 50%, 100% and 150% of quota under each plan."""
    curves = comparison.curves
    parts = []
    for pid in comparison.costs:
        c = curves.loc[curves["plan_id"] == pid].set_index("attainment")["payout_pct_of_target"]
        at = [c.iloc[(c.index.to_series() - a).abs().argmin()] for a in (0.5, 1.0, 1.5)]
        parts.append(
            f"on {names.get(pid, pid)} a typical rep earns {format_value(at[0], 'pct')} of "
            f"target incentive at half of quota, {format_value(at[1], 'pct')} at quota and "
            f"{format_value(at[2], 'pct')} at 150%"
        )
    text = "; ".join(parts)
    return (
        text[0].upper()
        + text[1:]
        + ". The steeper the curve above quota, the more a strong year costs and the more it "
        "rewards over-performance."
    )


def money_text(value: object) -> str:
    """Exact money for statements: ``$1,234.56``; an empty cell when there is no value."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    amount = Decimal(str(value))
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def number_text(value: object) -> str:
    """A rate or attainment for the trace, up to four decimals; empty when there is none."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return f"{float(Decimal(str(value))):,.4f}".rstrip("0").rstrip(".")


_LIST = re.compile(r"\[([^\[\]]*)\]")


def rule_text(rule: object) -> str:
    """A trace rule without Python list syntax: ``in ['new', 'expansion']`` becomes
    ``in new, expansion``."""
    text = "" if rule is None else str(rule)
    return _LIST.sub(lambda m: m.group(1).replace("'", "").replace('"', ""), text)


#: The statement's money columns a reader sees (the opening balance is last period's close).
STATEMENT_COLUMNS = tuple(c for c in STATEMENT_MONEY if c != "opening_balance")


def statement_rows(statements: pd.DataFrame) -> pd.DataFrame:
    """A rep's statements as text: ``period`` and exact money per column (from cents)."""
    out = pd.DataFrame({"period": statements["period"].astype(str).to_numpy()})
    for col in STATEMENT_COLUMNS:
        cents = statements[f"{col}_cents"].to_numpy()
        out[col] = [money_text(Decimal(int(c)) / 100) for c in cents]
    return out


def trace_rows(trace: pd.DataFrame) -> pd.DataFrame:
    """Trace lines as text: component, step, rule, base, rate and result, no ``None``.

    Money (``base``, ``result``) is shown exactly; the rate column holds multipliers and
    attainments as plain numbers.
    """
    return pd.DataFrame(
        {
            "component": trace["component"].astype(str).str.replace("_", " ").to_numpy(),
            "step": trace["step"].astype(str).str.replace("_", " ").to_numpy(),
            "rule": [rule_text(r) for r in trace["rule"]],
            "base": [money_text(v) for v in trace["base"]],
            "rate": [number_text(v) for v in trace["rate"]],
            "result": [money_text(v) for v in trace["result"]],
        }
    )


def replay_sentence(
    year: int,
    n_lines: int,
    paid: pd.Series,
    credited: float,
    rep_id: str,
    rep_name: str,
    period: str,
) -> str:
    """What replaying ``year`` pays, and which rep's statement is shown.

    Parameters
    ----------
    paid : Series
        Paid USD per ``rep_id`` over the year.
    """
    total = float(paid.sum())
    cos = (
        format_figure("incentives.replay_cost_of_sales", total / credited)
        if credited > 0
        else "n/a (no credited bookings)"
    )
    return (
        f"Replaying {year}: {n_lines:,} credit lines for {paid.size} reps pay "
        f"{format_figure('incentives.replay_total_paid', total)} in total, {cos} of "
        f"{format_value(credited, 'usd')} credited bookings; the median rep is paid "
        f"{format_value(float(paid.median()), 'usd')}. Below: {rep_name}, paid "
        f"{format_value(float(paid[rep_id]), 'usd')} over the year, and the trace of {period}, "
        "the period with the largest payout."
    )


def _signed(value: float) -> str:
    text = format_value(value, "pct")
    return text if text.startswith("-") else f"+{text}"


def plan_summary(plan) -> str:
    """:func:`~spm_models.incentives.plan.describe_plan` as a reader sees it: the plan file's
    id left out and measures named by their names, not their ids."""
    from spm_models.incentives.plan import describe_plan

    text = describe_plan(plan).replace(f" (`{plan.id}`, ", " (")
    for m in plan.measures:
        name = getattr(m, "name", None) or m.id
        text = re.sub(rf"\b{re.escape(m.id)}\b(?= reaches)", name, text)
    return text
