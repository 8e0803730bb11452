"""What the quota page says: sentences built from its figures, and its plausibility checks.

Every number in these sentences is formatted through :mod:`spm_models.registry`, so the page
prints a figure exactly as the executive summary does.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from spm_models.quota.attainment import HEALTHY_SHARE, AttainmentResult
from spm_models.quota.inputs import QUOTA_BOOKING_TYPES
from spm_models.quota.plan import PlanningInputs, QuotaPlan
from spm_models.registry import format_figure, format_value
from spm_models.skipped import PlausibilityWarning, Skipped

#: Expected attainment above this is implausible (a quota far below what a territory books).
MAX_PLAUSIBLE_ATTAINMENT = 3.0


def booking_types_text(types: Sequence[str] = QUOTA_BOOKING_TYPES) -> str:
    """The booking types in words: ``("new", "expansion")`` gives ``"new and expansion"``."""
    names = [str(t).replace("_", " ") for t in types]
    if not names:
        return "none"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def plan_target(inputs: PlanningInputs, target: float, target_growth: float) -> float:
    """The plan's quota-bookings target: ``target`` when given (> 0), else the trailing year
    (annualised when shorter) grown by ``target_growth``."""
    return float(target) if target > 0 else inputs.trailing * (1 + target_growth)


def alignment_sentence(aligned: bool) -> str:
    """Which territories the quotas are set on, in one sentence."""
    if aligned:
        return "Quotas are set on the new territories of the optimised alignment."
    return "Quotas are set on today's territories: this run has no realignment."


def target_sentence(inputs: PlanningInputs, target: float) -> str:
    """Where the target comes from: the trailing year, its growth and what the target asks."""
    types = booking_types_text()
    span = (
        f"the last {inputs.history_months} months, annualised"
        if inputs.annualised
        else "the last 12 months"
    )
    text = (
        f"Quota counts {types} bookings. Over {span}, they come to "
        f"{format_figure('quota.trailing_bookings', inputs.trailing)}"
    )
    if inputs.trend_measured:
        text += f", {_signed(inputs.trend)} on the year before"
    text += f". The target of {format_figure('quota.target', target)}"
    if inputs.trailing > 0:
        text += f" asks for {_signed(target / inputs.trailing - 1)} on that."
    else:
        text += " has no bookings history to compare with."
    return text


def attainment_sentence(plan: QuotaPlan, trend_measured: bool = True) -> str:
    """The expected share of reps at or above quota, its range and the verdict."""
    att = plan.attainment
    lo, hi = att.share_interval
    growth = (
        f"With bookings growing {_signed(plan.expected_growth)} in every territory"
        if trend_measured or plan.expected_growth != 0
        else "With every territory booking what it booked over the last year"
    )
    at_risk = int((att.by_rep["p_at_or_above"] < 0.2).sum())
    return (
        f"{growth}, {format_figure('quota.expected_share_at_or_above', att.expected_share)} "
        f"of reps are expected to reach quota (in 80% of simulated years between "
        f"{format_value(lo, 'pct')} and {format_value(hi, 'pct')}). Practitioners consider "
        f"{format_value(HEALTHY_SHARE[0], 'pct')} to {format_value(HEALTHY_SHARE[1], 'pct')} "
        f"healthy, so this plan looks {att.verdict}. Median attainment is "
        f"{format_value(att.median_attainment, 'pct')}; {at_risk} of {len(att.by_rep)} reps "
        "have less than a 20% chance of making quota."
    )


def quota_warnings(
    inputs: PlanningInputs,
    quotas: pd.DataFrame,
    attainment: AttainmentResult | None = None,
    plan: QuotaPlan | None = None,
) -> list[PlausibilityWarning]:
    """Plausibility warnings of a quota plan.

    - a target built from under 12 months of history (annualised);
    - a quota of $0 for an active (non-vacant) rep;
    - a rep expected to reach more than 300% of quota;
    - a growth limit of the fair method moved to meet the target (``plan.growth_relaxed``).

    Parameters
    ----------
    inputs : PlanningInputs
    quotas : DataFrame
        ``rep_id, status, quota`` (and ``rep_name`` when known).
    attainment : AttainmentResult, optional
    plan : QuotaPlan, optional
    """
    out: list[PlausibilityWarning] = []
    if inputs.annualised:
        out.append(
            PlausibilityWarning(
                "Quota target",
                f"the bookings history covers {inputs.history_months} months, so the last "
                f"year's bookings, the target and the quotas are annualised from "
                f"{inputs.history_months} months (times 12 over {inputs.history_months}); "
                "seasonal and partial-year effects may distort them.",
            )
        )
    relaxed = getattr(plan, "growth_relaxed", None) if plan is not None else None
    if relaxed is not None:
        bound, was, used = relaxed
        what = "most" if bound == "growth_max" else "least"
        out.append(
            PlausibilityWarning(
                "Growth limits",
                f"no fair quotas within the growth limits add up to the target, so the "
                f"{what} any territory is asked to grow was moved from {_signed(was)} to "
                f"{_signed(used)} over its trailing-year bookings.",
            )
        )
    active = quotas.loc[quotas["status"].astype(str) != "vacant"]
    zero = active.loc[~(active["quota"] > 0)]
    if not zero.empty:
        out.append(
            PlausibilityWarning(
                "Zero quotas",
                f"{len(zero)} active rep(s) carry a quota of $0 ({_names(zero)}): their "
                "territories have no potential or history to set a quota on.",
            )
        )
    if attainment is not None:
        high = attainment.by_rep.loc[
            attainment.by_rep["expected_attainment"] > MAX_PLAUSIBLE_ATTAINMENT
        ]
        if not high.empty:
            worst = float(high["expected_attainment"].max())
            out.append(
                PlausibilityWarning(
                    "Attainment",
                    f"{len(high)} rep(s) are expected to book more than "
                    f"{format_value(MAX_PLAUSIBLE_ATTAINMENT, 'pct')} of quota (up to "
                    f"{format_value(worst, 'pct')}: {_names(high)}); their quotas are far "
                    "below what their territories book.",
                )
            )
    return out


def seasonality_skipped(inputs: PlanningInputs) -> Skipped | None:
    """A :class:`Skipped` when the history is too short for a seasonal pattern, else None."""
    if not inputs.flat_season:
        return None
    return Skipped(
        "The seasonal split of quotas",
        f"the bookings history covers {inputs.history_months} months, so each month carries "
        "an equal twelfth of the year's quota",
        "at least 12 months of bookings",
    )


def _signed(value: float) -> str:
    text = format_value(value, "pct")
    return text if text.startswith("-") else f"+{text}"


def _names(frame: pd.DataFrame, limit: int = 5) -> str:
    col = "rep_name" if "rep_name" in frame.columns else "rep_id"
    names = [str(v) for v in frame[col].tolist()]
    more = len(names) - limit
    return ", ".join(names[:limit]) + (f" and {more} more" if more > 0 else "")


#: Method names as a reader sees them.
METHOD_LABELS = {
    "even": "even split",
    "historical": "historical bookings",
    "potential": "account potential",
    "bottom_up": "bottom-up estimate",
    "blended": "blend of history, potential and an even split",
    "fair": "fair quotas (quota against potential)",
}


#: Method names for chart legends.
METHOD_SHORT_LABELS = {
    "even": "even split",
    "historical": "history",
    "potential": "potential",
    "bottom_up": "bottom-up",
    "blended": "blend",
    "fair": "fair",
}


def quota_figures(inputs: PlanningInputs, plan: QuotaPlan) -> dict[str, object]:
    """The ``quota.*`` figures of a plan; figures that cannot be computed are left out."""
    values: dict[str, object] = {
        "quota.booking_types": booking_types_text(),
        "quota.history_months": inputs.history_months,
        "quota.alignment": "optimised" if inputs.aligned else "current",
        "quota.trailing_bookings": inputs.trailing,
        "quota.target": plan.target,
        "quota.total": plan.total,
        "quota.method": METHOD_LABELS.get(plan.method, plan.method),
        "quota.expected_share_at_or_above": plan.attainment.expected_share,
        "quota.verdict": plan.attainment.verdict,
        "quota.simulated_years": plan.attainment.n_sims,
    }
    if plan.target > 0:
        values["quota.over_assignment"] = plan.over_assignment
    if plan.fair is not None:
        values["quota.fairness_band"] = plan.fair.objective
    if plan.reconciliation.bottom_up > 0:
        values["quota.bottom_up_gap"] = plan.reconciliation.gap_pct
    return values


def walk_table(walk) -> pd.DataFrame:
    """The top-down walk (:class:`~spm_models.quota.TopDownPlan`) as ``step, amount`` rows."""
    return pd.DataFrame(
        {
            "step": [
                "Company bookings target, renewals included",
                "Less expected renewals",
                "New and expansion bookings target",
                "Cushion (over-assignment)",
                "Quota carried by reps",
                "Per seat on an even split",
            ],
            "amount": [
                walk.company_target,
                -walk.expected_renewals,
                walk.new_business,
                walk.rep_quota_total - walk.rep_carried,
                walk.rep_quota_total,
                walk.per_rep,
            ],
        }
    )


def bottom_up_sentence(plan: QuotaPlan, penetration: float) -> str:
    """The target against the bottom-up estimate from account potential."""
    rec = plan.reconciliation
    if rec.bottom_up <= 0:
        return "The accounts have no potential recorded, so no bottom-up estimate exists."
    side = "above" if rec.gap > 0 else "below"
    return (
        f"Bottom-up, {format_value(penetration, 'pct')} of account potential adds up to "
        f"{format_value(rec.bottom_up, 'usd')}: the target is "
        f"{format_value(abs(rec.gap_pct), 'pct')} {side} what the accounts are expected to yield."
    )


def method_spread_sentence(methods: pd.DataFrame, issued: str) -> str:
    """Which methods spread quotas most and least, and which one was issued.

    Parameters
    ----------
    methods : DataFrame
        ``method, quota`` rows (every method's quota per seat).
    issued : str
        The issued method.
    """
    by = methods.groupby("method")["quota"]
    mean = by.mean()
    spread = (by.std() / mean.where(mean > 0)).dropna().sort_values()
    label = METHOD_LABELS.get(issued, issued)
    if spread.empty:
        return f"The quotas issued follow the {label} method."
    most, least = spread.index[-1], spread.index[0]
    return (
        f"Quotas differ most between territories under the "
        f"{METHOD_LABELS.get(most, most)} method (coefficient of variation "
        f"{format_value(spread.iloc[-1], 'pct')}) and least under the "
        f"{METHOD_LABELS.get(least, least)} method ({format_value(spread.iloc[0], 'pct')}). "
        f"The quotas issued follow the {label} method."
    )


def fairness_sentence(plan: QuotaPlan, growth_min: float, growth_max: float) -> str:
    """What the fairness model achieved and how many territories its growth limits bind."""
    fair = plan.fair
    if fair is None:
        return ""
    if plan.growth_relaxed is not None:
        bound, _, used = plan.growth_relaxed
        growth_min, growth_max = (used, growth_max) if bound == "growth_min" else (growth_min, used)
    binding = fair.quotas["binding"].fillna("")
    capped, held = int((binding == "growth_max").sum()), int((binding == "growth_min").sum())
    return (
        f"The company asks for {format_value(fair.company_ratio, 'pct')} of potential. The "
        f"fairest quotas the growth limits allow keep every territory's ratio within "
        f"{format_figure('quota.fairness_band', fair.objective)} of potential of the company's; "
        f"{capped + held} of {len(fair.quotas)} territories sit on a growth limit ({capped} "
        f"capped at {_signed(growth_max)}, {held} held at {_signed(growth_min)}): their "
        "history, not their potential, sets their quota."
    )


def fairness_skipped(plan: QuotaPlan) -> Skipped | None:
    """A :class:`Skipped` when no fair quotas exist within the growth limits, else None."""
    if plan.fair is not None:
        return None
    return Skipped(
        "The fair-quota comparison",
        "no quotas within the growth limits set for this plan add up to the target",
        "wider growth limits or a target closer to last year's bookings",
    )


def phasing_sentence(plan: QuotaPlan) -> str:
    """Cushions, the share of quota in the first and last quarter, and ramp relief."""
    q_cols = [c for c in plan.quotas.columns if c.startswith("q") and c[1:].isdigit()]
    by_quarter = plan.quotas[q_cols].sum()
    total = float(by_quarter.sum())
    managers = float(plan.layered.totals["total"].iloc[1])
    relief = float((plan.quotas["quota"] - plan.quotas["ramped_quota"]).sum())
    text = (
        f"Cushions take the {format_figure('quota.target', plan.target)} target to "
        f"{format_value(managers, 'usd')} for managers and "
        f"{format_figure('quota.total', plan.total)} for reps "
        f"({_signed(plan.over_assignment)})."
    )
    if total > 0:
        text += (
            f" {format_value(by_quarter.iloc[-1] / total, 'pct')} of the year's quota falls in "
            f"the last quarter and {format_value(by_quarter.iloc[0] / total, 'pct')} in the "
            "first."
        )
    text += f" Ramp and mid-year starts relieve new reps of {format_value(relief, 'usd')}."
    return text
