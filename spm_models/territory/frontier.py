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
        solving again. Points are solved tightest first and each starts from the best answer
        of the tighter points solved before it (the main one included), which is feasible
        there, so no point shows a worse answer than a tighter one.

    Returns
    -------
    pandas.DataFrame
        One row per grid point (columns ``FRONTIER_COLUMNS``); infeasible points have
        status ``infeasible`` and the reason in ``note``. ``proven`` marks points solved to
        ``mip_gap``; ``efficient`` marks proven points no other proven point beats on
        weighted travel, balance and disruption at once (unproven points are never efficient).
    """
    base = spec or AlignmentSpec(**_normalise_options(options))
    solved: list[tuple[float, float, AlignmentResult]] = []
    if main is not None and main.status.is_ok and len(main.assignment):
        solved.append((*_settings(main.spec), main))
    by_point: dict[tuple[int, int], dict] = {}
    # Tightest first, so that every point can start from a tighter neighbour's answer,
    # which is feasible there: no point comes out worse than a tighter one.
    grid = [
        (i, j, float(t), c) for i, t in enumerate(tolerances) for j, c in enumerate(max_disruptions)
    ]
    for i, j, tol, cap in sorted(grid, key=lambda g: (g[2], _cap_key(g[3]))):
        point = replace(base, tolerance=tol, max_disruption=cap)
        if main is not None and _same_settings(main.spec, point):
            by_point[i, j] = _row(main, reps, tol, cap, from_main=True)
            continue
        start = _neighbour_start(solved, tol, cap)
        try:
            res = align_territories(
                accounts,
                reps,
                spec=point,
                time_limit=time_limit,
                mip_gap=mip_gap,
                check_pruning=False,
                diagnose=False,
                start=start,
            )
        except InfeasibleModelError as exc:
            by_point[i, j] = {
                "tolerance": tol,
                "max_disruption": cap,
                "status": "infeasible",
                "note": exc.reason,
            }
            continue
        if res.status.is_ok and len(res.assignment):
            solved.append((tol, _cap_key(cap), res))
        by_point[i, j] = _row(res, reps, tol, cap)
    rows = [by_point[i, j] for i, j, _, _ in grid]
    out = pd.DataFrame(rows, columns=list(FRONTIER_COLUMNS))
    out["proven"] = [
        s == "optimal" or (isinstance(g, float) and math.isfinite(g) and g <= mip_gap + 1e-9)
        for s, g in zip(out["status"], out["gap"], strict=True)
    ]
    out["from_main"] = out["from_main"].eq(True)
    out["efficient"] = _efficient(out)
    return out


def _cap_key(cap: float | None) -> float:
    return math.inf if cap is None else float(cap)


def _settings(spec: AlignmentSpec) -> tuple[float, float]:
    return float(spec.tolerance), _cap_key(spec.max_disruption)


def _neighbour_start(
    solved: list[tuple[float, float, AlignmentResult]], tol: float, cap: float | None
) -> pd.Series | None:
    """The answer a point starts from: the best of the tighter points, else the last solved.

    A tighter point's answer (smaller or equal tolerance and cap) is feasible at this one;
    any other answer is offered too and used only when it is feasible there.
    """
    if not solved:
        return None
    tighter = [r for t, c, r in solved if t <= tol + 1e-12 and c <= _cap_key(cap) + 1e-12]
    best = min(tighter, key=lambda r: r.objective) if tighter else solved[-1][2]
    return best.assignment.set_index("account_id")["new_rep_id"]


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
