"""Sales-capacity planning: monthly headcount model, hiring plan by optimisation and
sensitivity of capacity to the assumptions."""

from __future__ import annotations

from spm_models.capacity.headcount import (
    CapacityAssumptions,
    CapacityResult,
    bookings_capacity_snapshot,
    capacity_waterfall,
    monthly_targets,
    roster_from_reps,
    simulate_capacity,
)
from spm_models.capacity.hiring import (
    HiringInputs,
    HiringPlan,
    HiringStatus,
    build_hiring,
    hiring_inputs,
    plan_hiring,
    solve_hiring,
)
from spm_models.capacity.plan import (
    CapacityPlan,
    YearPlan,
    hiring_limits,
    plan_capacity,
    plan_year,
)
from spm_models.capacity.sensitivity import (
    DRIVERS,
    SensitivityResult,
    capacity_sensitivity,
    default_ranges,
)

__all__ = [
    "DRIVERS",
    "CapacityAssumptions",
    "CapacityPlan",
    "CapacityResult",
    "HiringInputs",
    "HiringPlan",
    "HiringStatus",
    "SensitivityResult",
    "YearPlan",
    "bookings_capacity_snapshot",
    "build_hiring",
    "capacity_sensitivity",
    "capacity_waterfall",
    "default_ranges",
    "hiring_inputs",
    "hiring_limits",
    "monthly_targets",
    "plan_capacity",
    "plan_hiring",
    "plan_year",
    "roster_from_reps",
    "simulate_capacity",
    "solve_hiring",
]
