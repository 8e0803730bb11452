"""Alignment metrics: assignment and territory tables, summary and before/after comparison.

Every function is pure (never mutates its arguments). Summary metrics are registered by name
with :func:`register_alignment_metric` so reports and the CLI can list them.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from spm_models.territory.geo import haversine_km
from spm_models.territory.inputs import AlignmentInputs, metric_values

ASSIGNMENT_COLUMNS = (
    "account_id",
    "region",
    "old_rep_id",
    "new_rep_id",
    "moved",
    "locked",
    "distance_km",
    "old_distance_km",
    "workload",
    "potential",
    "lat",
    "lon",
)

_METRICS: dict[str, Callable[[pd.DataFrame, pd.DataFrame, AlignmentInputs], float]] = {}


def register_alignment_metric(name: str) -> Callable:
    """Register a summary metric ``f(assignment, territories, inputs) -> float`` by name."""

    def deco(func: Callable) -> Callable:
        _METRICS[name] = func
        return func

    return deco


def alignment_metric_names() -> list[str]:
    """Names of every registered summary metric."""
    return list(_METRICS)


def assignment_table(inputs: AlignmentInputs, new_rep: np.ndarray) -> pd.DataFrame:
    """One row per account: old and new rep, whether it moved, distance to the new rep.

    Parameters
    ----------
    inputs : AlignmentInputs
        Prepared inputs.
    new_rep : numpy.ndarray of int
        Position (in ``inputs.reps``) of each account's new rep.
    """
    acc = inputs.accounts
    reps = inputs.reps
    rep_ids = reps["rep_id"].to_numpy(dtype=object)
    hlat = reps["home_lat"].to_numpy()
    hlon = reps["home_lon"].to_numpy()
    lat = acc["lat"].to_numpy()
    lon = acc["lon"].to_numpy()
    cur = inputs.current
    has_cur = cur >= 0
    old_dist = np.full(len(acc), np.nan)
    old_dist[has_cur] = haversine_km(
        lat[has_cur], lon[has_cur], hlat[cur[has_cur]], hlon[cur[has_cur]]
    )
    locked = np.zeros(len(acc), dtype=bool)
    if "lock" in inputs.fixed:
        locked[inputs.arcs["item"].to_numpy()[inputs.fixed["lock"]]] = True
    old = np.where(has_cur, rep_ids[np.where(has_cur, cur, 0)], None)
    out = pd.DataFrame(
        {
            "account_id": acc["account_id"].to_numpy(),
            "region": acc["region"].to_numpy() if "region" in acc else "",
            "old_rep_id": old,
            "new_rep_id": rep_ids[new_rep],
            "moved": has_cur & (new_rep != cur),
            "locked": locked,
            "distance_km": haversine_km(lat, lon, hlat[new_rep], hlon[new_rep]),
            "old_distance_km": old_dist,
            "workload": acc["workload"].to_numpy(),
            "potential": acc["potential"].to_numpy(),
            "lat": lat,
            "lon": lon,
        }
    )
    if "bookings" in acc:
        out["bookings"] = acc["bookings"].to_numpy()
    return out


def _loads(inputs: AlignmentInputs, rep_pos: np.ndarray, mask: np.ndarray) -> dict[str, np.ndarray]:
    n_reps = len(inputs.reps)
    out = {}
    cols = ["accounts", "workload", "potential"]
    if "bookings" in inputs.accounts:
        cols.append("bookings")
    for m in cols:
        vals = metric_values(inputs.accounts, m)
        out[m] = np.bincount(rep_pos[mask], weights=vals[mask], minlength=n_reps)
    return out


def territory_table(inputs: AlignmentInputs, assignment: pd.DataFrame) -> pd.DataFrame:
    """One row per territory: accounts, workload, potential, distances and target deviation.

    Columns ``target_<m>`` and ``deviation_<m>`` (relative, e.g. 0.03 = 3 % above target)
    appear for every balanced metric; ``<m>_before`` holds the current alignment's load.
    """
    reps = inputs.reps
    pos = {r: i for i, r in enumerate(reps["rep_id"])}
    new = assignment["new_rep_id"].map(pos).to_numpy(dtype=np.int64)
    after = _loads(inputs, new, np.ones(len(new), dtype=bool))
    before = _loads(inputs, np.where(inputs.current >= 0, inputs.current, 0), inputs.current >= 0)
    dist = assignment["distance_km"].to_numpy()
    n_reps = len(reps)
    cnt = np.bincount(new, minlength=n_reps)
    mean_d = np.divide(np.bincount(new, weights=dist, minlength=n_reps), np.maximum(cnt, 1))
    max_d = np.zeros(n_reps)
    np.maximum.at(max_d, new, dist)
    moved_in = np.bincount(new, weights=assignment["moved"].to_numpy(dtype=float), minlength=n_reps)
    out = pd.DataFrame({"rep_id": reps["rep_id"].to_numpy()})
    for col in ("region", "status", "fte"):
        if col in reps:
            out[col] = reps[col].to_numpy()
    for m, v in after.items():
        out[m] = v
    out["mean_distance_km"] = np.where(cnt > 0, mean_d, np.nan)
    out["max_distance_km"] = np.where(cnt > 0, max_d, np.nan)
    out["accounts_moved_in"] = moved_in.astype(int)
    for m in inputs.spec.balance:
        target = inputs.targets[m]
        tol = inputs.spec.tolerance_for(m)
        out[f"target_{m}"] = target
        out[f"min_{m}"] = target * (1 - tol)
        out[f"max_{m}"] = target * (1 + tol)
        out[f"deviation_{m}"] = np.where(
            target > 0, after[m] / np.where(target > 0, target, 1) - 1, np.nan
        )
    for m, v in before.items():
        out[f"{m}_before"] = v
    out["accounts"] = out["accounts"].astype(int)
    out["accounts_before"] = out["accounts_before"].astype(int)
    return out


def _ratio(load: np.ndarray, target: np.ndarray) -> np.ndarray:
    ok = target > 0
    return load[ok] / target[ok]


def balance_stats(load: np.ndarray, target: np.ndarray) -> tuple[float, float]:
    """Coefficient of variation and max/min ratio of load relative to target."""
    r = _ratio(np.asarray(load, float), np.asarray(target, float))
    if r.size == 0 or r.mean() == 0:
        return float("nan"), float("nan")
    cv = float(r.std() / r.mean())
    mx = float(r.max() / r.min()) if r.min() > 0 else float("inf")
    return cv, mx


def _primary(inputs: AlignmentInputs) -> str:
    return inputs.spec.balance[0]


@register_alignment_metric("travel_km_after")
def _travel_after(a: pd.DataFrame, t: pd.DataFrame, i: AlignmentInputs) -> float:
    return float(a["distance_km"].sum())


@register_alignment_metric("travel_km_before")
def _travel_before(a: pd.DataFrame, t: pd.DataFrame, i: AlignmentInputs) -> float:
    return float(a["old_distance_km"].sum())


def _weights(i: AlignmentInputs) -> np.ndarray:
    if i.spec.weight == "none":
        return np.ones(len(i.accounts))
    return i.accounts[i.spec.weight].to_numpy(dtype=float)


@register_alignment_metric("weighted_distance_after")
def _wd_after(a: pd.DataFrame, t: pd.DataFrame, i: AlignmentInputs) -> float:
    return float((_weights(i) * a["distance_km"].to_numpy()).sum())


@register_alignment_metric("weighted_distance_before")
def _wd_before(a: pd.DataFrame, t: pd.DataFrame, i: AlignmentInputs) -> float:
    return float(np.nansum(_weights(i) * a["old_distance_km"].to_numpy()))


@register_alignment_metric("balance_cv_after")
def _cv_after(a: pd.DataFrame, t: pd.DataFrame, i: AlignmentInputs) -> float:
    m = _primary(i)
    return balance_stats(t[m].to_numpy(), i.targets[m])[0]


@register_alignment_metric("balance_cv_before")
def _cv_before(a: pd.DataFrame, t: pd.DataFrame, i: AlignmentInputs) -> float:
    m = _primary(i)
    return balance_stats(t[f"{m}_before"].to_numpy(), i.targets[m])[0]


@register_alignment_metric("balance_max_min_after")
def _mm_after(a: pd.DataFrame, t: pd.DataFrame, i: AlignmentInputs) -> float:
    m = _primary(i)
    return balance_stats(t[m].to_numpy(), i.targets[m])[1]


@register_alignment_metric("balance_max_min_before")
def _mm_before(a: pd.DataFrame, t: pd.DataFrame, i: AlignmentInputs) -> float:
    m = _primary(i)
    return balance_stats(t[f"{m}_before"].to_numpy(), i.targets[m])[1]


@register_alignment_metric("accounts_moved")
def _moved(a: pd.DataFrame, t: pd.DataFrame, i: AlignmentInputs) -> float:
    return float(a["moved"].sum())


@register_alignment_metric("accounts_moved_share")
def _moved_share(a: pd.DataFrame, t: pd.DataFrame, i: AlignmentInputs) -> float:
    base = a["old_rep_id"].notna().sum()
    return float(a["moved"].sum() / base) if base else 0.0


@register_alignment_metric("potential_moved")
def _pot_moved(a: pd.DataFrame, t: pd.DataFrame, i: AlignmentInputs) -> float:
    return float(a.loc[a["moved"], "potential"].sum())


@register_alignment_metric("potential_moved_share")
def _pot_moved_share(a: pd.DataFrame, t: pd.DataFrame, i: AlignmentInputs) -> float:
    base = a.loc[a["old_rep_id"].notna(), "potential"].sum()
    return float(a.loc[a["moved"], "potential"].sum() / base) if base else 0.0


def summary_metrics(
    inputs: AlignmentInputs, assignment: pd.DataFrame, territories: pd.DataFrame
) -> dict[str, float]:
    """Every registered summary metric, by name."""
    return {name: f(assignment, territories, inputs) for name, f in _METRICS.items()}


def before_after(summary: dict[str, float]) -> pd.DataFrame:
    """Before/after comparison of the metrics that have both, with the change."""
    rows = []
    labels = {
        "travel_km": "travel distance (km, sum over accounts)",
        "weighted_distance": "weighted distance (objective units)",
        "balance_cv": "balance: coefficient of variation of load/target",
        "balance_max_min": "balance: largest / smallest load/target",
    }
    for key, label in labels.items():
        b, a = summary.get(f"{key}_before"), summary.get(f"{key}_after")
        if b is None or a is None:
            continue
        rows.append(
            {
                "metric": label,
                "before": b,
                "after": a,
                "change": a - b,
                "change_pct": (a - b) / b if b else np.nan,
            }
        )
    return pd.DataFrame(rows)
