"""The decisions a plan asks of leadership, each with its figures, its risk and its source page.

Each rule reads a scenario's figures (``{name: value}`` from ``metrics.json``) and returns a
:class:`Decision`, or ``None`` when the figures it rests on are absent: a decision is never
written from a guess. Every figure is printed through the registry
(:func:`spm_models.registry.format_figure`), so it reads exactly as on the page that backs it.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from spm_models.registry import figure, format_value
from spm_models.reporting.summary import (
    HEALTHY_ATTAINMENT,
    all_present,
    has,
    number,
    page_title,
    text,
)

Metrics = Mapping[str, Any]


@dataclass(frozen=True)
class Decision:
    """One decision for leadership.

    Attributes
    ----------
    title : str
        What to decide, e.g. ``"Approve the realignment"``.
    statement : str
        The decision's figures in one or two sentences.
    risk : str
        What could go wrong, from the figures.
    source : str
        The registered figure whose page and section back the decision.
    figures : tuple of str
        Every registered figure the decision prints.
    """

    title: str
    statement: str
    risk: str
    source: str
    figures: tuple[str, ...]

    @property
    def link(self) -> str:
        """``<page>.html`` of the page that backs the decision."""
        return f"{figure(self.source).page}.html"

    @property
    def backed_by(self) -> str:
        """The backing page and section as a reader sees them."""
        fig = figure(self.source)
        return f"{page_title(fig.page)}: {fig.section}"


def _shown(metrics: Metrics, names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(n for n in names if has(metrics, n))


def realignment(metrics: Metrics) -> Decision | None:
    """Approve the realignment: accounts moved, reps gaining and losing, balance and travel."""
    if not has(metrics, "territory.accounts_moved"):
        return None
    if number(metrics, "territory.accounts_moved") == 0:
        return Decision(
            "Keep today's territories",
            "The optimised alignment moves no account: today's territories stay as they are.",
            "Workload stays as unbalanced as it is today.",
            "territory.accounts_moved",
            ("territory.accounts_moved",),
        )
    statement = f"{text(metrics, 'territory.accounts_moved')} accounts change rep"
    if has(metrics, "territory.accounts_moved_share"):
        statement += f" ({text(metrics, 'territory.accounts_moved_share')} of accounts)"
    if all_present(metrics, "territory.reps_gaining", "territory.reps_losing"):
        statement += (
            f"; {text(metrics, 'territory.reps_gaining')} reps gain workload and "
            f"{text(metrics, 'territory.reps_losing')} lose it"
        )
    statement += "."
    if has(metrics, "territory.balance_cv_after"):
        statement += " Workload spread"
        if has(metrics, "overview.workload_cv_current"):
            statement += f" goes from {text(metrics, 'overview.workload_cv_current')}"
        statement += f" to {text(metrics, 'territory.balance_cv_after')}."
    if all_present(metrics, "territory.weighted_travel_before", "territory.weighted_travel_after"):
        statement += (
            f" Weighted travel goes from {text(metrics, 'territory.weighted_travel_before')} "
            f"to {text(metrics, 'territory.weighted_travel_after')}"
        )
        if has(metrics, "territory.weighted_travel_change"):
            statement += f" ({text(metrics, 'territory.weighted_travel_change')})"
        statement += "."
    names = (
        "territory.accounts_moved",
        "territory.accounts_moved_share",
        "territory.reps_gaining",
        "territory.reps_losing",
        "overview.workload_cv_current",
        "territory.balance_cv_after",
        "territory.weighted_travel_before",
        "territory.weighted_travel_after",
        "territory.weighted_travel_change",
        "territory.gap",
    )
    return Decision(
        "Approve the realignment",
        statement,
        _realignment_risk(metrics),
        "territory.accounts_moved",
        _shown(metrics, names),
    )


def _realignment_risk(metrics: Metrics) -> str:
    risks = []
    if has(metrics, "territory.reps_losing") and number(metrics, "territory.reps_losing"):
        risks.append(
            "reps who lose accounts lose pipeline they built, so expect questions on relief "
            "and on how quotas follow the accounts"
        )
    else:
        risks.append("customers who change rep may see a dip in service while hand-overs run")
    if has(metrics, "territory.gap"):
        # A gap that rounds to 0.0% reads as "within 0.0%": say it as the territory page does.
        within = (
            "less than 0.1%"
            if number(metrics, "territory.gap") < 0.001
            else text(metrics, "territory.gap")
        )
        proof = f"the alignment is proven within {within} of the best"
        if has(metrics, "territory.gap_scope") and "candidate" in str(
            metrics["territory.gap_scope"]
        ):
            proof += (
                " among the candidate account-rep pairs only; a better alignment using other "
                "pairs is not ruled out"
            )
        else:
            proof += " possible"
        risks.append(proof)
    return _sentence(risks)


def quota_target(metrics: Metrics) -> Decision | None:
    """Set the quota target against the forecast and the sales capacity, with the gap."""
    target = next((n for n in ("quota.target", "quota.total") if has(metrics, n)), None)
    if target is None:
        return None
    if target == "quota.target":
        statement = f"The bookings target is {text(metrics, target)}"
        if has(metrics, "quota.total"):
            statement += f" and the quotas issued to reps total {text(metrics, 'quota.total')}"
    else:
        statement = f"The quotas issued to reps total {text(metrics, target)}"
    if has(metrics, "quota.booking_types"):
        statement += f", counting {text(metrics, 'quota.booking_types')} bookings"
    statement += "."
    against = []
    if has(metrics, "forecast.next_year_total"):
        against.append(f"the forecast is {text(metrics, 'forecast.next_year_total')}")
    if has(metrics, "capacity.annual_capacity"):
        against.append(f"the sales force can book {text(metrics, 'capacity.annual_capacity')}")
    if against:
        statement += " Against it, " + " and ".join(against) + "."
    gap = number(metrics, "capacity.target_gap")
    if gap is not None:
        statement += (
            f" Capacity falls {text(metrics, 'capacity.target_gap')} short of the target."
            if gap > 0
            else f" Capacity exceeds the target by {format_value(-gap, 'usd')}."
            if gap < 0
            else " Capacity meets the target exactly."
        )
    names = (
        "quota.target",
        "quota.total",
        "quota.booking_types",
        "forecast.next_year_total",
        "forecast.vs_quota",
        "capacity.annual_capacity",
        "capacity.target_gap",
    )
    if _booking_types_differ(metrics):  # printed only in the risk that says so
        names += ("forecast.booking_types",)
    if _capacity_target_differs(metrics):
        names += ("capacity.target",)
    return Decision(
        "Set the quota target",
        statement,
        _target_risk(metrics, gap),
        target,
        _shown(metrics, names),
    )


def _type_words(types: object) -> frozenset[str]:
    """Booking types named in a sentence ("new and expansion" == "expansion, new")."""
    words = str(types).lower().replace(",", " ").split()
    return frozenset(w for w in words if w != "and")


def _booking_types_differ(metrics: Metrics) -> bool:
    """True when forecast and quota count different booking types."""
    return all_present(metrics, "quota.booking_types", "forecast.booking_types") and (
        _type_words(metrics["quota.booking_types"])
        != _type_words(metrics["forecast.booking_types"])
    )


def _target_risk(metrics: Metrics, gap: float | None) -> str:
    risks = []
    if _booking_types_differ(metrics):
        risks.append(
            f"the forecast counts {text(metrics, 'forecast.booking_types')} bookings while "
            f"quota counts {text(metrics, 'quota.booking_types')}, so the two do not compare"
        )
    if _capacity_target_differs(metrics):
        risks.append(
            f"capacity is planned against {text(metrics, 'capacity.target')}, not against the "
            f"quota target of {text(metrics, 'quota.target')}"
        )
    vs_quota = number(metrics, "forecast.vs_quota")
    if vs_quota is not None:
        reading = (
            "reps are asked for more than the forecast expects"
            if vs_quota < 1
            else "quota asks less than the forecast expects"
        )
        risks.append(
            f"the forecast is {text(metrics, 'forecast.vs_quota')} of total quota: {reading}"
        )
    elif all_present(metrics, "forecast.next_year_total", "quota.total"):
        forecast, quota = (number(metrics, n) for n in ("forecast.next_year_total", "quota.total"))
        where = "below" if forecast < quota else "at or above"
        risks.append(
            f"the forecast of {text(metrics, 'forecast.next_year_total')} is {where} the "
            f"{text(metrics, 'quota.total')} of quotas issued"
        )
    if gap is not None and gap > 0:
        risks.append("without more capacity the target is not reachable as planned")
    if not risks:
        risks.append("the target rests on the assumptions of the quota page")
    return _sentence(risks)


def _capacity_target_differs(metrics: Metrics) -> bool:
    planned, target = number(metrics, "capacity.target"), number(metrics, "quota.target")
    return planned is not None and target is not None and abs(planned - target) > 0.5


def hiring(metrics: Metrics) -> Decision | None:
    """Approve the hires by quarter, their cost and the headcount they lead to."""
    if not has(metrics, "capacity.hires_needed"):
        return None
    statement = f"The plan hires {text(metrics, 'capacity.hires_needed')} reps"
    if has(metrics, "capacity.hires_by_quarter"):
        statement += f" ({text(metrics, 'capacity.hires_by_quarter')})"
    if has(metrics, "capacity.hiring_cost"):
        statement += f" at a cost of {text(metrics, 'capacity.hiring_cost')}"
    statement += "."
    if has(metrics, "capacity.ending_headcount"):
        statement += f" Headcount ends the year at {text(metrics, 'capacity.ending_headcount')}."
    gap = number(metrics, "capacity.target_gap")
    if gap is not None and gap > 0:
        risk = (
            f"even with these hires capacity is {text(metrics, 'capacity.target_gap')} short "
            "of the target: hire more, hire earlier or lower the target"
        )
    else:
        risk = "new reps take months to ramp, so a late hire delivers less than planned"
    names = (
        "capacity.hires_needed",
        "capacity.hires_by_quarter",
        "capacity.hiring_cost",
        "capacity.ending_headcount",
        "capacity.target_gap",
    )
    return Decision(
        "Approve the hiring plan",
        statement,
        _sentence([risk]),
        "capacity.hires_needed",
        _shown(metrics, names),
    )


def incentive_plan(metrics: Metrics) -> Decision | None:
    """Choose plan A or plan B, with plan A's cost range and plan B's cost."""
    if not has(metrics, "incentives.total_cost"):
        return None
    plan_a = (
        f"plan A ({text(metrics, 'incentives.plan_a')})"
        if has(metrics, "incentives.plan_a")
        else "plan A"
    )
    statement = f"Expected cost of {plan_a} is {text(metrics, 'incentives.total_cost')}"
    if all_present(metrics, "incentives.cost_p10", "incentives.cost_p90"):
        statement += (
            f", between {text(metrics, 'incentives.cost_p10')} and "
            f"{text(metrics, 'incentives.cost_p90')} in 8 of 10 simulated years"
        )
    if has(metrics, "incentives.cost_of_sales"):
        statement += f" ({text(metrics, 'incentives.cost_of_sales')} of bookings)"
    statement += "."
    if has(metrics, "incentives.plan_b_cost"):
        plan_b = (
            f"plan B ({text(metrics, 'incentives.plan_b')})"
            if has(metrics, "incentives.plan_b")
            else "plan B"
        )
        statement += f" The expected cost of {plan_b} is {text(metrics, 'incentives.plan_b_cost')}."
    if has(metrics, "incentives.recommended_plan"):
        statement += f" Recommended: {text(metrics, 'incentives.recommended_plan')}."
    names = (
        "incentives.plan_a",
        "incentives.total_cost",
        "incentives.cost_p10",
        "incentives.cost_p90",
        "incentives.cost_of_sales",
        "incentives.plan_b",
        "incentives.plan_b_cost",
        "incentives.recommended_plan",
    )
    return Decision(
        "Choose the incentive plan",
        statement,
        _incentive_risk(metrics),
        "incentives.total_cost",
        _shown(metrics, names),
    )


def _incentive_risk(metrics: Metrics) -> str:
    paid_on, issued = number(metrics, "incentives.quota_total"), number(metrics, "quota.total")
    if paid_on is not None and issued is not None and abs(paid_on - issued) > 0.5:
        return _sentence(
            [
                f"the cost is simulated on quotas totalling "
                f"{text(metrics, 'incentives.quota_total')}, not on the "
                f"{text(metrics, 'quota.total')} issued, so it does not price this plan"
            ]
        )
    if has(metrics, "incentives.cost_p90"):
        return _sentence(
            [
                "in a strong year the cost can reach "
                f"{text(metrics, 'incentives.cost_p90')}; budget for the top of the range"
            ]
        )
    return _sentence(["cost rises with attainment, so a strong year costs more than expected"])


def attainment_risk(metrics: Metrics) -> Decision | None:
    """Accept the quota difficulty: expected share of reps at or above quota against the band."""
    share = number(metrics, "quota.expected_share_at_or_above")
    if share is None:
        return None
    low, high = HEALTHY_ATTAINMENT
    band = "the healthy 55% to 65% band"
    statement = (
        f"{text(metrics, 'quota.expected_share_at_or_above')} of reps are expected to reach "
        "their quota, "
    )
    if share < low:
        statement += f"below {band}."
        risk = "quotas look too hard: expect low morale, attrition and disputes over quota"
    elif share > high:
        statement += f"above {band}."
        risk = "quotas look soft: incentive cost rises while bookings stay below potential"
    else:
        statement += f"inside {band}."
        risk = "a weaker year than simulated would push attainment below the band"
    return Decision(
        "Accept how hard quotas are",
        statement,
        _sentence([risk]),
        "quota.expected_share_at_or_above",
        ("quota.expected_share_at_or_above",),
    )


def forecast_risk(metrics: Metrics) -> Decision | None:
    """Accept the forecast risk: the forecast interval against total quota."""
    if not has(metrics, "forecast.next_year_total"):
        return None
    statement = f"Next year's bookings are forecast at {text(metrics, 'forecast.next_year_total')}"
    bounds = all_present(metrics, "forecast.next_year_lower", "forecast.next_year_upper")
    if bounds:
        statement += (
            f", between {text(metrics, 'forecast.next_year_lower')} and "
            f"{text(metrics, 'forecast.next_year_upper')}"
        )
        if has(metrics, "forecast.interval"):
            statement += f" with {text(metrics, 'forecast.interval')} confidence"
    if has(metrics, "forecast.model"):
        statement += f" (model: {text(metrics, 'forecast.model')})"
    statement += "."
    risk = "the forecast assumes next year behaves like the history it was fitted on"
    quota = number(metrics, "quota.total")
    if bounds and quota is not None:
        lower = number(metrics, "forecast.next_year_lower")
        upper = number(metrics, "forecast.next_year_upper")
        statement += f" Total quota is {text(metrics, 'quota.total')}."
        if upper is not None and upper < quota:
            risk = "total quota is above even the top of the forecast interval"
        elif lower is not None and lower > quota:
            risk = "total quota is below even the bottom of the forecast interval: quotas look soft"
        else:
            risk = "total quota lies inside the forecast interval, so making it is not assured"
    names = (
        "forecast.next_year_total",
        "forecast.next_year_lower",
        "forecast.next_year_upper",
        "forecast.interval",
        "forecast.model",
    )
    shown = _shown(metrics, names)
    if bounds and quota is not None:
        shown += ("quota.total",)
    return Decision(
        "Accept the forecast risk",
        statement,
        _sentence([risk]),
        "forecast.next_year_total",
        shown,
    )


#: The rules, in the order leadership reads them.
RULES: tuple[Callable[[Metrics], Decision | None], ...] = (
    realignment,
    quota_target,
    hiring,
    incentive_plan,
    attainment_risk,
    forecast_risk,
)


def decisions(metrics: Metrics) -> list[Decision]:
    """Every decision the scenario's figures support, in reading order."""
    return [d for rule in RULES if (d := rule(metrics)) is not None]


def decisions_html(items: list[Decision]) -> str:
    """The decisions as an HTML ordered list, each with its risk and a link to its page."""
    if not items:
        return ""
    entries = "".join(
        f'<li class="decision"><strong>{html.escape(d.title)}.</strong> '
        f"{html.escape(d.statement)}<br><em>Risk:</em> {html.escape(d.risk)}<br>"
        f'<small>Backed by <a href="{html.escape(d.link)}">{html.escape(d.backed_by)}</a>'
        "</small></li>"
        for d in items
    )
    return f'<ol class="decisions">{entries}</ol>'


def decisions_table(items: list[Decision]) -> pd.DataFrame:
    """The decisions as a table (for the CSV beside the summary)."""
    return pd.DataFrame(
        [
            {
                "decision": d.title,
                "statement": d.statement,
                "risk": d.risk,
                "page": d.backed_by,
                "link": d.link,
            }
            for d in items
        ],
        columns=["decision", "statement", "risk", "page", "link"],
    )


def _sentence(clauses: list[str]) -> str:
    joined = "; ".join(clauses)
    return joined[0].upper() + joined[1:] + "."
