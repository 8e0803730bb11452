"""Figures of capacity planning (``capacity.*``)."""

from spm_models.registry import register_figure

PAGE = "20_quota_capacity"

register_figure(
    "capacity.hires_needed",
    "Hires needed",
    "int",
    "Hires the cheapest hiring plan makes to meet the target.",
    page=PAGE,
    section="Hiring plan",
    better="lower",
    headline=True,
)
register_figure(
    "capacity.target_gap",
    "Capacity short of target",
    "usd",
    "Bookings target minus the sales force's bookings capacity over the plan year.",
    page=PAGE,
    section="Capacity against target",
    better="lower",
    headline=True,
)
