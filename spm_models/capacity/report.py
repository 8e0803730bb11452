"""What the capacity section says: its figures and the sentences built from them.

One definition of the shortfall: ``capacity.target_gap`` is the year's target minus the year's
capacity with the hiring plan (> 0: short); quarters that fall short of their own target are a
separate figure, ``capacity.quarterly_shortfall``, and the sentence names both.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from spm_models.capacity.plan import CapacityPlan
from spm_models.registry import format_figure, format_value
from spm_models.skipped import Skipped

#: A quarter counts as short when it misses its target by more than this (USD), not rounding.
SHORT_TOLERANCE = 0.5


def hires_by_quarter(hires: pd.DataFrame) -> str:
    """Requisitions per plan quarter, e.g. ``"Q1 3, Q2 2, Q3 0, Q4 0"``.

    Parameters
    ----------
    hires : DataFrame
        ``month`` (0 = first month of the plan year) and ``reqs_opened``.
    """
    quarter = hires["month"].astype(int) // 3 + 1
    counts = hires["reqs_opened"].round().astype(int).groupby(quarter).sum()
    counts = counts.reindex(range(1, int(max(4, quarter.max())) + 1), fill_value=0)
    return ", ".join(f"Q{q} {n}" for q, n in counts.items())


def short_quarters(quarterly: pd.DataFrame) -> str:
    """The quarters that miss their target, e.g. ``"Q1 $149.5k, Q2 $20.0k"`` (empty if none)."""
    short = quarterly.loc[quarterly["shortfall"] > SHORT_TOLERANCE]
    return ", ".join(
        f"Q{int(r.quarter)} {format_value(r.shortfall, 'usd')}" for r in short.itertuples()
    )


def capacity_figures(plan: CapacityPlan, target: float) -> dict[str, Any]:
    """The ``capacity.*`` figures of a plan measured against ``target`` (= ``quota.target``)."""
    hired = plan.with_hiring
    capacity = hired.bookings_capacity
    return {
        "capacity.target": float(target),
        "capacity.annual_capacity": capacity,
        "capacity.capacity_without_hiring": plan.no_hiring.bookings_capacity,
        "capacity.target_gap": float(target) - capacity,
        "capacity.quarterly_shortfall": float(plan.hiring.shortfall),
        "capacity.hires_needed": plan.hiring.total_hires,
        "capacity.hires_by_quarter": hires_by_quarter(plan.hiring.hires),
        "capacity.hiring_cost": float(plan.hiring.objective),
        "capacity.ending_headcount": round(hired.ending_heads),
        "capacity.status": "every quarter's target met"
        if plan.hiring.status.is_ok
        else "target not met",
    }


def capacity_sentence(figures: dict[str, Any], quarterly: pd.DataFrame) -> str:
    """Capacity against target with the hiring plan, in two or three sentences.

    Parameters
    ----------
    figures : dict
        As :func:`capacity_figures` returns.
    quarterly : DataFrame
        ``quarter, shortfall`` of the hiring plan.
    """

    def fig(name: str) -> str:
        return format_figure(name, figures[name])

    gap = figures["capacity.target_gap"]
    hires = int(figures["capacity.hires_needed"])
    text = (
        f"Without new hires the team can book {fig('capacity.capacity_without_hiring')} over "
        f"the plan year. The hiring plan opens {fig('capacity.hires_needed')} "
        f"requisition{'s' if hires != 1 else ''} ({figures['capacity.hires_by_quarter']}), "
        f"which brings capacity to {fig('capacity.annual_capacity')}: "
    )
    target = format_figure("capacity.target", figures["capacity.target"])
    if gap > SHORT_TOLERANCE:
        text += f"{format_figure('capacity.target_gap', gap)} short of the {target} target."
    else:
        text += f"{format_value(-gap, 'usd')} above the {target} target."
    short = short_quarters(quarterly)
    if short:
        text += (
            f" Quarter by quarter, capacity still misses its target by "
            f"{fig('capacity.quarterly_shortfall')} in all ({short})."
        )
    else:
        text += " Every quarter's target is met."
    return text


def hiring_skipped(plan: CapacityPlan) -> Skipped | None:
    """A :class:`Skipped` for the hiring chart when the plan can hire no one, else None."""
    if plan.hiring.total_hires > 0:
        return None
    reason = (
        "the team meets every quarter's target without new hires"
        if plan.hiring.status.is_ok
        else "no hire can start in time or within the limits set for this plan"
    )
    return Skipped("The hiring plan chart", reason)


#: What blocks an unmet hiring plan, in a reader's words (by constraint family).
BLOCKING_WORDS = {
    "budget": "the hiring budget",
    "max_hires": "the monthly limit on requisitions",
    "budget and max_hires": "the hiring budget and the monthly limit on requisitions",
    "meet_target": "time to hire and ramp: no hire can start and ramp in time",
}


def blocking_sentence(plan: CapacityPlan) -> str:
    """Why an unmet hiring plan falls short and what would close it (empty when it is met)."""
    hiring = plan.hiring
    if hiring.status.is_ok:
        return ""
    family = hiring.blocking or "meet_target"
    text = f"What holds the plan back is {BLOCKING_WORDS.get(family, family.replace('_', ' '))}."
    if family == "meet_target":
        short = short_quarters(hiring.quarterly)
        return text + (
            f" To close the gap, lower the targets of the quarters short ({short}) or start "
            "hiring before the plan year."
            if short
            else ""
        )
    if hiring.relaxation:
        text += f" To close the gap: {_money_in_words(hiring.relaxation)}."
    return text


_DOLLARS = re.compile(r"\$(\d[\d,]*(?:\.\d+)?)")


def _money_in_words(text: str) -> str:
    """Dollar amounts in ``text`` formatted as the registry formats money (``$2.29M``)."""
    return _DOLLARS.sub(lambda m: format_value(float(m.group(1).replace(",", "")), "usd"), text)


def assumptions_sentence(plan: CapacityPlan) -> str:
    """What a ramped rep is expected to book, and the headcount over the year."""
    a = plan.assumptions
    hired = plan.with_hiring
    return (
        f"A ramped rep is expected to book {format_value(a.productivity, 'usd')} a year "
        f"({format_value(a.attainment, 'pct')} of the {format_value(a.quota_per_rep, 'usd')} "
        f"average quota). Headcount moves from "
        f"{format_value(round(float(hired.monthly['heads'].iloc[0])), 'int')} to "
        f"{format_figure('capacity.ending_headcount', round(hired.ending_heads))} over the year."
    )


def drivers_sentence(plan: CapacityPlan) -> str:
    """The bridge from today's team to planned capacity, and the assumption that matters most."""
    steps = plan.waterfall.set_index("step")["value"]
    text = (
        f"Today's reps, fully ramped and all staying, would book "
        f"{format_value(steps.iloc[0], 'usd')}. The ramp still ahead of recent hires costs "
        f"{format_value(-steps.get('Ramp of current reps', 0.0), 'usd')}, attrition net of "
        f"backfills {format_value(-steps.get('Attrition net of backfills', 0.0), 'usd')}, and "
        f"open seats and planned hires add "
        f"{format_value(steps.get('Open seats and planned hires', 0.0), 'usd')}."
    )
    table = plan.sensitivity.table
    if not table.empty:
        top = table.iloc[0]
        low = min(top["low_capacity"], top["high_capacity"])
        high = max(top["low_capacity"], top["high_capacity"])
        text += (
            f" The assumption that matters most is {str(top['label']).lower()}: between its "
            f"low and high case capacity moves by {format_value(top['swing'], 'usd')} "
            f"({format_value(low, 'usd')} to {format_value(high, 'usd')})."
        )
    return text
