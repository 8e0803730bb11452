"""Figures of capacity planning (``capacity.*``)."""

from spm_models.registry import register_figure

PAGE = "20_quota_capacity"
SECTION = "Capacity: can the team deliver the target?"

register_figure(
    "capacity.target",
    "Capacity target",
    "usd",
    "The bookings target capacity is measured against: the quota bookings target.",
    page=PAGE,
    section=SECTION,
)
register_figure(
    "capacity.annual_capacity",
    "Bookings capacity with the hiring plan",
    "usd",
    "Bookings the team is expected to deliver over the plan year with the planned hires.",
    page=PAGE,
    section=SECTION,
    better="higher",
)
register_figure(
    "capacity.capacity_without_hiring",
    "Bookings capacity without hiring",
    "usd",
    "Bookings today's team (backfills and open seats included) delivers with no planned hires.",
    page=PAGE,
    section=SECTION,
    better="higher",
)
register_figure(
    "capacity.target_gap",
    "Target minus capacity",
    "usd",
    "Target minus bookings capacity over the plan year with the hiring plan (> 0: short).",
    page=PAGE,
    section=SECTION,
    better="lower",
    headline=True,
)
register_figure(
    "capacity.quarterly_shortfall",
    "Quarterly targets missed by",
    "usd",
    "Sum over quarters of capacity short of each quarter's target, with the hiring plan.",
    page=PAGE,
    section=SECTION,
    better="lower",
)
register_figure(
    "capacity.hires_needed",
    "Hires planned",
    "int",
    "Requisitions the cheapest hiring plan opens over the plan year.",
    page=PAGE,
    section=SECTION,
    better="lower",
    headline=True,
)
register_figure(
    "capacity.hires_by_quarter",
    "Hires by quarter",
    "text",
    "Requisitions the hiring plan opens in each quarter of the plan year.",
    page=PAGE,
    section=SECTION,
)
register_figure(
    "capacity.hiring_cost",
    "Cost of planned hires",
    "usd",
    "Salary and recruiting cost of the planned hires over the plan year.",
    page=PAGE,
    section=SECTION,
    better="lower",
)
register_figure(
    "capacity.ending_headcount",
    "Headcount at year end",
    "int",
    "Reps on the team in the last month of the plan year, with the hiring plan.",
    page=PAGE,
    section=SECTION,
)
register_figure(
    "capacity.status",
    "Hiring plan outcome",
    "text",
    "Whether the hiring plan meets every quarter's target.",
    page=PAGE,
    section=SECTION,
)
