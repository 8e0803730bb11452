"""Incentive compensation: plan definitions, an exact and explainable payout engine, and plan
cost modelling.

- :func:`load_plan` / :func:`plan_from_dict`: read and validate a plan (YAML schema in
  :mod:`spm_models.incentives.plan`).
- :func:`compute_payouts`: statements per rep and period plus a step-by-step trace.
- :func:`simulate_attainment`, :func:`plan_cost`, :func:`payout_curve`,
  :func:`compare_plans`: what a plan will cost before it is launched.

Money is exact integer cents; the rounding rule is :data:`ROUNDING_RULE`.
"""

from __future__ import annotations

from spm_models.incentives.cost import (
    AttainmentSimulation,
    AttainmentSource,
    DealProfile,
    PlanComparison,
    PlanCost,
    compare_plans,
    deal_profile,
    payout_curve,
    plan_cost,
    simulate_attainment,
)
from spm_models.incentives.engine import (
    PayoutResult,
    PayoutStatus,
    as_text,
    compute_payouts,
    dollars,
)
from spm_models.incentives.money import ROUNDING_RULE
from spm_models.incentives.plan import (
    Plan,
    adjust_plan,
    load_plan,
    load_plans,
    plan_from_dict,
)

__all__ = [
    "ROUNDING_RULE",
    "AttainmentSimulation",
    "AttainmentSource",
    "DealProfile",
    "PayoutResult",
    "PayoutStatus",
    "Plan",
    "PlanComparison",
    "PlanCost",
    "adjust_plan",
    "as_text",
    "compare_plans",
    "compute_payouts",
    "deal_profile",
    "dollars",
    "load_plan",
    "load_plans",
    "payout_curve",
    "plan_cost",
    "plan_from_dict",
    "simulate_attainment",
]
