"""Figures of incentive plans (``incentives.*``)."""

from spm_models.registry import register_figure

PAGE = "40_incentive_plan"
COST = "What each plan costs"

register_figure(
    "incentives.plan_a",
    "Current plan",
    "text",
    "The plan in force, costed first.",
    page=PAGE,
    section=COST,
)
register_figure(
    "incentives.plan_b",
    "Proposed plan",
    "text",
    "The alternative plan, costed on the same simulated attainment.",
    page=PAGE,
    section=COST,
)
register_figure(
    "incentives.quota_total",
    "Quota the cost is simulated on",
    "usd",
    "Sum of the new and expansion quotas the plan cost is simulated on (the issued quotas).",
    page=PAGE,
    section="Quotas and the attainment we simulate",
)
register_figure(
    "incentives.seats",
    "Seats costed",
    "int",
    "Quota-carrying seats whose incentive is simulated.",
    page=PAGE,
    section="Quotas and the attainment we simulate",
)
register_figure(
    "incentives.total_cost",
    "Expected incentive cost",
    "usd",
    "Mean simulated incentive payout of the current plan over the plan year.",
    page=PAGE,
    section=COST,
    better="lower",
    headline=True,
)
register_figure(
    "incentives.target_cost",
    "Target incentive cost",
    "usd",
    "The current plan's cost if every seat attained exactly 100% of quota.",
    page=PAGE,
    section=COST,
)
register_figure(
    "incentives.cost_p10",
    "Incentive cost, weak year (P10)",
    "usd",
    "10th percentile of the current plan's simulated yearly cost.",
    page=PAGE,
    section=COST,
    better="lower",
)
register_figure(
    "incentives.cost_p90",
    "Incentive cost, strong year (P90)",
    "usd",
    "90th percentile of the current plan's simulated yearly cost.",
    page=PAGE,
    section=COST,
    better="lower",
)
register_figure(
    "incentives.cost_of_sales",
    "Incentive cost of sales",
    "pct",
    "Expected incentive cost of the current plan as a share of credited bookings.",
    page=PAGE,
    section=COST,
    better="lower",
    headline=True,
)
register_figure(
    "incentives.p90_payout",
    "Payout of a 90th-percentile rep",
    "usd",
    "90th percentile of a rep's simulated annual incentive under the current plan.",
    page=PAGE,
    section=COST,
)
register_figure(
    "incentives.p90_multiple",
    "Upside at the 90th percentile",
    "ratio",
    "The 90th-percentile rep's payout over the median target incentive.",
    page=PAGE,
    section=COST,
)
register_figure(
    "incentives.plan_b_cost",
    "Expected cost, proposed plan",
    "usd",
    "Mean simulated incentive payout of the proposed plan over the plan year.",
    page=PAGE,
    section=COST,
    better="lower",
)
register_figure(
    "incentives.plan_b_extra_cost",
    "Proposed plan's extra cost",
    "usd",
    "Mean of the proposed plan's cost minus the current plan's, draw by draw.",
    page=PAGE,
    section=COST,
    better="lower",
)
register_figure(
    "incentives.plan_b_costs_more_share",
    "Years the proposed plan costs more",
    "pct",
    "Share of simulated years in which the proposed plan costs more than the current one.",
    page=PAGE,
    section=COST,
)
register_figure(
    "incentives.recommended_plan",
    "Recommended plan",
    "text",
    "The plan with the lower expected cost of sales, unless it pays less upside than 2x.",
    page=PAGE,
    section=COST,
)
register_figure(
    "incentives.replay_total_paid",
    "Last year's payouts, replayed",
    "usd",
    "What the current plan's rules pay on last year's bookings, in exact cents.",
    page=PAGE,
    section="A statement, line by line",
)
register_figure(
    "incentives.replay_cost_of_sales",
    "Replayed cost of sales",
    "pct",
    "Replayed payouts as a share of last year's credited bookings.",
    page=PAGE,
    section="A statement, line by line",
    better="lower",
)
