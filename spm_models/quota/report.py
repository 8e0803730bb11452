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
    inputs: PlanningInputs, quotas: pd.DataFrame, attainment: AttainmentResult | None = None
) -> list[PlausibilityWarning]:
    """Plausibility warnings of a quota plan.

    - a target built from under 12 months of history (annualised);
    - a quota of $0 for an active (non-vacant) rep;
    - a rep expected to reach more than 300% of quota.

    Parameters
    ----------
    inputs : PlanningInputs
    quotas : DataFrame
        ``rep_id, status, quota`` (and ``rep_name`` when known).
    attainment : AttainmentResult, optional
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
