"""Quota setting: allocation methods, over-assignment, seasonality, ramp and proration,
relief, fair quotas by optimisation and Monte Carlo attainment."""

from __future__ import annotations

from spm_models.quota.allocation import (
    QuotaAllocation,
    Reconciliation,
    TopDownPlan,
    allocate,
    blended,
    bottom_up,
    bottom_up_allocation,
    even_split,
    historical,
    potential_based,
    reconcile,
    top_down,
)
from spm_models.quota.attainment import (
    HEALTHY_SHARE,
    AttainmentResult,
    expected_from_history,
    expected_from_intervals,
    simulate_attainment,
)
from spm_models.quota.fairness import (
    FairnessStatus,
    FairQuotaResult,
    build_fairness,
    fair_quotas,
    fairness_inputs,
)
from spm_models.quota.inputs import (
    alignment_from_assignment,
    company_territory_table,
    territory_table,
    trailing_bookings_by_account,
)
from spm_models.quota.overassignment import LayeredQuotas, over_assign
from spm_models.quota.plan import (
    METHOD_NAMES,
    PlanningInputs,
    QuotaPlan,
    plan_quotas,
    planning_inputs,
)
from spm_models.quota.ramp import linear_ramp, prorate, ramped_quotas
from spm_models.quota.relief import quota_relief
from spm_models.quota.seasonality import quarter_profile, seasonal_profile, split_by_season

__all__ = [
    "HEALTHY_SHARE",
    "METHOD_NAMES",
    "AttainmentResult",
    "FairQuotaResult",
    "FairnessStatus",
    "LayeredQuotas",
    "PlanningInputs",
    "QuotaAllocation",
    "QuotaPlan",
    "Reconciliation",
    "TopDownPlan",
    "alignment_from_assignment",
    "allocate",
    "blended",
    "bottom_up",
    "bottom_up_allocation",
    "build_fairness",
    "company_territory_table",
    "even_split",
    "expected_from_history",
    "expected_from_intervals",
    "fair_quotas",
    "fairness_inputs",
    "historical",
    "linear_ramp",
    "over_assign",
    "plan_quotas",
    "planning_inputs",
    "potential_based",
    "prorate",
    "quarter_profile",
    "quota_relief",
    "ramped_quotas",
    "reconcile",
    "seasonal_profile",
    "simulate_attainment",
    "split_by_season",
    "territory_table",
    "top_down",
    "trailing_bookings_by_account",
]
