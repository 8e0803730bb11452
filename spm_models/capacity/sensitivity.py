"""Sensitivity of bookings capacity to the planning assumptions (tornado)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import pandas as pd

from spm_models.capacity.headcount import CapacityAssumptions, simulate_capacity
from spm_models.errors import param_error
from spm_models.quota.ramp import linear_ramp

#: Drivers the tornado can move, with a readable label and unit.
DRIVERS: dict[str, tuple[str, str]] = {
    "ramp_months": ("Ramp length", "months"),
    "monthly_attrition": ("Monthly attrition", "share"),
    "attainment": ("Productivity (attainment of ramped reps)", "share of quota"),
    "time_to_hire": ("Time to hire", "months"),
}


def default_ranges(a: CapacityAssumptions) -> dict[str, tuple[float, float]]:
    """Low and high values around the base case (the questions leadership asks)."""
    ramp = len(a.ramp)
    return {
        "ramp_months": (max(ramp - 3, 0), ramp + 3),
        "monthly_attrition": (a.monthly_attrition * 0.5, a.monthly_attrition * 1.5),
        "attainment": (a.attainment * 0.9, a.attainment * 1.1),
        "time_to_hire": (max(a.time_to_hire - 1, 0), a.time_to_hire + 2),
    }


def _with(a: CapacityAssumptions, driver: str, value: float) -> CapacityAssumptions:
    if driver == "ramp_months":
        return replace(a, ramp=linear_ramp(int(value)))
    if driver == "time_to_hire":
        return replace(a, time_to_hire=int(value))
    return replace(a, **{driver: float(value)})


@dataclass(frozen=True)
class SensitivityResult:
    """Tornado data.

    Attributes
    ----------
    base_capacity : float
        Bookings capacity over the horizon with the base assumptions (USD).
    table : DataFrame
        ``driver, label, unit, low_value, high_value, low_capacity, high_capacity, swing``,
        sorted by ``swing`` (largest first).
    """

    base_capacity: float
    table: pd.DataFrame


def capacity_sensitivity(
    roster: pd.DataFrame,
    assumptions: CapacityAssumptions,
    *,
    plan_start: pd.Timestamp,
    months: int = 12,
    hires: float | Sequence[float] | None = None,
    open_seats: float = 0.0,
    ranges: Mapping[str, tuple[float, float]] | None = None,
) -> SensitivityResult:
    """Move one assumption at a time to its low and high value and record capacity.

    Parameters
    ----------
    ranges : mapping of driver to (low, high), optional
        Drivers among :data:`DRIVERS`; :func:`default_ranges` when omitted.
    """
    ranges = dict(default_ranges(assumptions) if ranges is None else ranges)
    unknown = sorted(set(ranges) - set(DRIVERS))
    if unknown:
        raise param_error("ranges", "capacity_sensitivity", f"keyed by {sorted(DRIVERS)}", unknown)
    kw = {"plan_start": plan_start, "months": months, "hires": hires, "open_seats": open_seats}
    base = simulate_capacity(roster, assumptions, **kw).bookings_capacity
    rows = []
    for driver, (low, high) in ranges.items():
        lo = simulate_capacity(roster, _with(assumptions, driver, low), **kw).bookings_capacity
        hi = simulate_capacity(roster, _with(assumptions, driver, high), **kw).bookings_capacity
        label, unit = DRIVERS[driver]
        rows.append(
            {
                "driver": driver,
                "label": label,
                "unit": unit,
                "low_value": low,
                "high_value": high,
                "low_capacity": lo,
                "high_capacity": hi,
                "swing": abs(hi - lo),
            }
        )
    table = pd.DataFrame(rows).sort_values("swing", ascending=False, ignore_index=True)
    return SensitivityResult(base, table)
