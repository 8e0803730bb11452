"""Trade-off frontier: travel vs balance vs disruption over tolerance and disruption cap."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from spm_models.errors import InfeasibleModelError
from spm_models.territory.alignment import AlignmentResult, align_territories
from spm_models.territory.inputs import AlignmentSpec, _normalise_options

FRONTIER_COLUMNS = (
    "tolerance",
    "max_disruption",
    "status",
    "objective",
    "gap",
    "travel_km",
    "weighted_distance",
    "weighted_travel_km",
    "balance_cv",
    "workload_spread",
    "balance_max_min",
    "accounts_moved_share",
    "potential_moved_share",
    "seconds",
    "note",
    "proven",
    "from_main",
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
    main: AlignmentResult | None = None,
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
        Relative gap per point: a point solved to it (or proven optimal) is ``proven``.
    main : AlignmentResult, optional
        The page's main solve; the grid point with its tolerance and cap reuses it instead of
        solving again, and every other point starts from its answer (used when feasible
        there), so the frontier never shows a worse answer at the same or looser settings.

    Returns
    -------
    pandas.DataFrame
        One row per grid point (columns ``FRONTIER_COLUMNS``); infeasible points have
        status ``infeasible`` and the reason in ``note``. ``proven`` marks points solved to
        ``mip_gap``; ``efficient`` marks proven points no other proven point beats on
        weighted travel, balance and disruption at once (unproven points are never efficient).
    """
    base = spec or AlignmentSpec(**_normalise_options(options))
    warm = None
    if main is not None and main.status.is_ok and len(main.assignment):
        # Looser points start from the main answer, so none comes out worse than it.
        warm = main.assignment.set_index("account_id")["new_rep_id"]
    rows = []
    for tol in tolerances:
        for cap in max_disruptions:
            point = replace(base, tolerance=float(tol), max_disruption=cap)
            if main is not None and _same_settings(main.spec, point):
                rows.append(_row(main, reps, tol, cap, from_main=True))
                continue
            try:
                res = align_territories(
                    accounts,
                    reps,
                    spec=point,
                    time_limit=time_limit,
                    mip_gap=mip_gap,
                    check_pruning=False,
                    diagnose=False,
                    start=warm,
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
            rows.append(_row(res, reps, tol, cap))
    out = pd.DataFrame(rows, columns=list(FRONTIER_COLUMNS))
    out["proven"] = [
        s == "optimal" or (isinstance(g, float) and math.isfinite(g) and g <= mip_gap + 1e-9)
        for s, g in zip(out["status"], out["gap"], strict=True)
    ]
    out["from_main"] = out["from_main"].fillna(False).astype(bool)
    out["efficient"] = _efficient(out)
    return out


def _same_settings(a: AlignmentSpec, b: AlignmentSpec) -> bool:
    return replace(a, extra_pairs=()) == replace(b, extra_pairs=())


def _row(
    res: AlignmentResult,
    reps: pd.DataFrame,
    tol: float,
    cap: float | None,
    *,
    from_main: bool = False,
) -> dict:
    from spm_models.overview import workload_cv

    s = res.summary
    a = res.assignment
    spread = workload_cv(a, a["new_rep_id"], reps) if len(a) else None
    weight = res.assignment["workload"].to_numpy(float) if len(res.assignment) else np.zeros(0)
    return {
        "tolerance": tol,
        "max_disruption": cap,
        "status": str(res.status),
        "objective": res.objective,
        "gap": float(res.gap),
        "travel_km": s["travel_km_after"],
        "weighted_distance": s["weighted_distance_after"],
        "weighted_travel_km": (
            s["weighted_distance_after"] / weight.sum() if weight.sum() > 0 else float("nan")
        ),
        "balance_cv": s["balance_cv_after"],
        "workload_spread": float("nan") if spread is None else spread,
        "balance_max_min": s["balance_max_min_after"],
        "accounts_moved_share": s["accounts_moved_share"],
        "potential_moved_share": s["potential_moved_share"],
        "seconds": res.runtime_s,
        "note": "",
        "from_main": from_main,
    }


def _efficient(df: pd.DataFrame) -> pd.Series:
    ok = df["status"].isin(["optimal", "feasible"]) & df["proven"].astype(bool)
    keys = ["weighted_distance", "workload_spread", "accounts_moved_share"]
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
