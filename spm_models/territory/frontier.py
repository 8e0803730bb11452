"""Trade-off frontier: travel vs balance vs disruption over tolerance and disruption cap."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import pandas as pd

from spm_models.errors import InfeasibleModelError
from spm_models.territory.alignment import align_territories
from spm_models.territory.inputs import AlignmentSpec, _normalise_options

FRONTIER_COLUMNS = (
    "tolerance",
    "max_disruption",
    "status",
    "objective",
    "gap",
    "travel_km",
    "weighted_distance",
    "balance_cv",
    "balance_max_min",
    "accounts_moved_share",
    "potential_moved_share",
    "seconds",
    "note",
)


def tradeoff_frontier(
    accounts: pd.DataFrame,
    reps: pd.DataFrame,
    *,
    tolerances: Sequence[float] = (0.05, 0.10, 0.15, 0.20),
    max_disruptions: Sequence[float | None] = (0.10, 0.20, 0.30),
    spec: AlignmentSpec | None = None,
    time_limit: float | None = 30.0,
    mip_gap: float = 0.005,
    **options,
) -> pd.DataFrame:
    """Solve the alignment on a grid of tolerances and disruption caps.

    Parameters
    ----------
    accounts, reps : pandas.DataFrame
        Input tables.
    tolerances : sequence of float
        Balance tolerances to sweep.
    max_disruptions : sequence of float or None
        Disruption caps to sweep (``None``: no cap).
    spec : AlignmentSpec, optional
        Every other choice (its tolerance and cap are overridden); or keyword ``options``.
    time_limit : float, optional
        Seconds per point.
    mip_gap : float
        Relative gap per point.

    Returns
    -------
    pandas.DataFrame
        One row per grid point (columns ``FRONTIER_COLUMNS``); infeasible points have
        status ``infeasible`` and the reason in ``note``. The column ``efficient`` marks
        points no other feasible point beats on travel, balance and disruption at once.
    """
    base = spec or AlignmentSpec(**_normalise_options(options))
    rows = []
    for tol in tolerances:
        for cap in max_disruptions:
            point = replace(base, tolerance=float(tol), max_disruption=cap)
            try:
                res = align_territories(
                    accounts,
                    reps,
                    spec=point,
                    time_limit=time_limit,
                    mip_gap=mip_gap,
                    check_pruning=False,
                    diagnose=False,
                )
            except InfeasibleModelError as exc:
                rows.append(
                    {
                        "tolerance": tol,
                        "max_disruption": cap,
                        "status": "infeasible",
                        "note": exc.reason,
                    }
                )
                continue
            s = res.summary
            rows.append(
                {
                    "tolerance": tol,
                    "max_disruption": cap,
                    "status": str(res.status),
                    "objective": res.objective,
                    "gap": res.gap,
                    "travel_km": s["travel_km_after"],
                    "weighted_distance": s["weighted_distance_after"],
                    "balance_cv": s["balance_cv_after"],
                    "balance_max_min": s["balance_max_min_after"],
                    "accounts_moved_share": s["accounts_moved_share"],
                    "potential_moved_share": s["potential_moved_share"],
                    "seconds": res.runtime_s,
                    "note": "",
                }
            )
    out = pd.DataFrame(rows, columns=list(FRONTIER_COLUMNS))
    out["efficient"] = _efficient(out)
    return out


def _efficient(df: pd.DataFrame) -> pd.Series:
    ok = df["status"].isin(["optimal", "feasible"])
    keys = ["weighted_distance", "balance_cv", "accounts_moved_share"]
    eff = pd.Series(False, index=df.index)
    for i in df.index[ok]:
        a = df.loc[i, keys]
        dominated = False
        for j in df.index[ok]:
            if i == j:
                continue
            b = df.loc[j, keys]
            if all(b <= a + 1e-12) and any(b < a - 1e-12):
                dominated = True
                break
        eff[i] = not dominated and not any(math.isnan(v) for v in a)
    return eff
