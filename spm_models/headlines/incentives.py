"""Figures of incentive plans (``incentives.*``)."""

from spm_models.registry import register_figure

PAGE = "40_incentive_plan"

register_figure(
    "incentives.total_cost",
    "Expected incentive cost",
    "usd",
    "Mean simulated incentive payout of the plan over a year.",
    page=PAGE,
    section="Plan cost",
    better="lower",
    headline=True,
)
register_figure(
    "incentives.cost_of_sales",
    "Incentive cost of sales",
    "pct",
    "Expected incentive cost as a share of expected bookings.",
    page=PAGE,
    section="Plan cost",
    better="lower",
    headline=True,
)
