"""Split a national alignment into regional parts: group the reps, then route the accounts.

:func:`partition_reps` groups reps by a column (e.g. ``region``) or by recursive bisection of
their home locations. :func:`route_accounts` then sends every account to one part so that each
part's load of every balanced metric sits well inside the sum of its reps' bands (so each part
can be balanced on its own), preferring a given part per account (e.g. its current rep's, or the
one a relaxed national solution chooses) and otherwise the part of its nearest reps. It works
like a market: a part that is too full raises its price per unit of load until enough border
accounts prefer a neighbour.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from spm_models.errors import InfeasibleModelError, param_error

#: Price rounds stop once every part's load is within this share of its half band.
AIM = 0.6


def _unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    p, lam = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(p) * np.cos(lam), np.cos(p) * np.sin(lam), np.sin(p)])


def partition_reps(
    reps: pd.DataFrame, n_parts: int | None = None, *, by: str = "clusters"
) -> np.ndarray:
    """Group reps into parts.

    Parameters
    ----------
    reps : pandas.DataFrame
        Reps with ``home_lat`` and ``home_lon``.
    n_parts : int, optional
        Number of parts for ``by="clusters"``.
    by : str
        ``"clusters"``: recursive bisection of the reps' homes (on the unit sphere, each
        cut across the widest spread), giving compact parts of equal rep counts (+-1);
        otherwise the name of a reps column whose values are the parts (e.g. ``"region"``).

    Returns
    -------
    numpy.ndarray of int
        Part of each rep, numbered from 0 by the parts' first rep.
    """
    if by != "clusters":
        if by not in reps.columns:
            raise param_error("by", "partition_reps", "'clusters' or a reps column", by)
        _, labels = np.unique(reps[by].astype(str).to_numpy(), return_inverse=True)
        return _renumber(labels)
    r = len(reps)
    if n_parts is None or not 1 <= int(n_parts) <= r:
        raise param_error("n_parts", "partition_reps", f"an int in [1, {r}]", n_parts)
    xyz = _unit_vectors(reps["home_lat"].to_numpy(float), reps["home_lon"].to_numpy(float))
    labels = np.zeros(r, dtype=np.int64)
    _bisect(xyz, np.arange(r), int(n_parts), 0, labels)
    return _renumber(labels)


def _bisect(xyz: np.ndarray, members: np.ndarray, parts: int, first: int, out: np.ndarray) -> None:
    """Recursive bisection along the widest direction: parts of equal rep counts (+-1)."""
    if parts == 1:
        out[members] = first
        return
    pts = xyz[members]
    centred = pts - pts.mean(axis=0)
    # The principal direction of the homes: a straight cut across the widest spread.
    direction = np.linalg.svd(centred, full_matrices=False)[2][0]
    order = members[np.argsort(centred @ direction, kind="stable")]
    left = parts // 2
    cut = round(len(members) * left / parts)
    _bisect(xyz, order[:cut], left, first, out)
    _bisect(xyz, order[cut:], parts - left, first + left, out)


def _renumber(labels: np.ndarray) -> np.ndarray:
    _, first = np.unique(labels, return_index=True)
    order = np.argsort(np.argsort(first))
    return order[labels]


@dataclass(frozen=True)
class Routing:
    """Where each account goes.

    Attributes
    ----------
    part : numpy.ndarray of int
        Part of each account.
    load, lower, upper : numpy.ndarray
        Per metric and part: the routed load and the band the parts' reps can take.
    moved_between_parts : int
        Accounts routed away from their preferred part.
    rounds : int
        Price rounds used.
    """

    part: np.ndarray
    load: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    moved_between_parts: int
    rounds: int


def route_accounts(
    cost: np.ndarray,
    metric: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    *,
    preferred: np.ndarray,
    forced: np.ndarray,
    move_cost: float,
    rounds: int = 400,
) -> Routing:
    """Send each account to one part, each part's loads inside its band.

    Parameters
    ----------
    cost : numpy.ndarray
        ``(accounts, parts)``: travel cost of the account in each part (``inf``: not
        allowed), e.g. weight x distance to the nearest rep of that part.
    metric : numpy.ndarray
        ``(accounts, metrics)`` balanced values.
    lower, upper : numpy.ndarray
        ``(metrics, parts)``: band of each part's load.
    preferred : numpy.ndarray of int
        Part each account would rather join (e.g. its current rep's part; ``-1``: none).
    forced : numpy.ndarray of int
        Part an account must go to (``-1``: free), e.g. locked accounts.
    move_cost : float
        Extra cost of routing an account away from its preferred part.
    rounds : int
        Price rounds before the greedy finish.

    Returns
    -------
    Routing

    Raises
    ------
    InfeasibleModelError
        When no routing puts every part inside its band.
    """
    g = cost.shape[1]
    away = (preferred[:, None] >= 0) & (np.arange(g)[None, :] != preferred[:, None])
    base = cost + move_cost * away
    free = forced < 0
    fixed_choice = forced.copy()
    # Prices are per unit of load; scale steps by the typical cost per unit of load.
    finite = np.isfinite(cost)
    per_unit = np.median(cost[finite]) / max(float(metric[:, 0].mean()), 1e-12)
    scale = per_unit / np.maximum(metric.mean(axis=0), 1e-12) * metric[:, 0].mean()
    price = np.zeros((metric.shape[1], g))
    mid = (lower + upper) / 2
    half = np.maximum((upper - lower) / 2, 1e-12)
    choice = np.where(free, np.argmin(base, axis=1), fixed_choice)
    # Each account has only a few open parts: price those alone (a compact n x p table).
    open_ = np.isfinite(base)
    width = max(int(open_.sum(axis=1).max()), 1)
    parts = np.argsort(~open_, axis=1, kind="stable")[:, :width]
    base_c = np.take_along_axis(base, parts, axis=1)
    rows = np.arange(len(base))
    # Per part and metric step sizes: grow while the excess keeps its sign, halve when it
    # flips (a price overshot), so every price homes in on its band.
    step = np.full(price.shape, 0.25) * scale[:, None]
    last = np.zeros(price.shape)
    used = 0
    for round_ in range(1, rounds + 1):
        used = round_
        total = base_c.copy()
        for m in range(metric.shape[1]):
            total += metric[:, m, None] * price[m][parts]
        choice = np.where(free, parts[rows, np.argmin(total, axis=1)], fixed_choice)
        load = _loads(choice, metric, g)
        excess = (load - mid) / half  # -1 .. 1 inside the band
        # Aim at the middle of the band so that the last round lands safely inside it.
        if (np.abs(excess) <= AIM).all():
            break
        sign = np.sign(np.where(np.abs(excess) > AIM / 2, excess, 0.0))
        step = np.where(sign * last < 0, step / 2, np.where(sign == last, step * 1.2, step))
        price += step * sign
        last = sign
    choice = _greedy_finish(choice, base, metric, lower, upper, free)
    load = _loads(choice, metric, g)
    if ((load < lower - 1e-9) | (load > upper + 1e-9)).any():
        m, j = np.argwhere((load < lower - 1e-9) | (load > upper + 1e-9))[0]
        raise InfeasibleModelError(
            "territory decomposition",
            "balance",
            f"part {j} cannot be brought inside its band on metric {m} "
            f"(load {load[m, j]:.6g}, band {lower[m, j]:.6g}-{upper[m, j]:.6g})",
            relaxation="use fewer, larger parts or a wider tolerance",
        )
    moved = int(((preferred >= 0) & (choice != preferred)).sum())
    return Routing(choice, load, lower, upper, moved, used)


def _loads(choice: np.ndarray, metric: np.ndarray, g: int) -> np.ndarray:
    return np.vstack(
        [np.bincount(choice, weights=metric[:, m], minlength=g) for m in range(metric.shape[1])]
    )


def _greedy_finish(
    choice: np.ndarray,
    base: np.ndarray,
    metric: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    free: np.ndarray,
    max_moves: int = 100_000,
) -> np.ndarray:
    """Move single accounts out of over-full parts (or into under-full ones), cheapest first."""
    choice = choice.copy()
    g = base.shape[1]
    for _ in range(max_moves):
        load = _loads(choice, metric, g)
        over = (load - upper) / np.maximum(upper, 1e-12)
        under = (lower - load) / np.maximum(lower, 1e-12)
        if over.max() <= 0 and under.max() <= 0:
            break
        if over.max() >= under.max():
            m, src = np.unravel_index(over.argmax(), over.shape)
            cand = np.flatnonzero((choice == src) & free)
            targets = np.flatnonzero(np.arange(g) != src)
            extra = base[cand][:, targets] - base[cand, src][:, None]
            # A destination must keep every metric within its maximum after the move.
            room = upper[:, targets][None, :, :] - load[:, targets][None, :, :]
            fits = (metric[cand][:, :, None] <= room).all(axis=1)
            extra = np.where(fits, extra, np.inf)
        else:
            m, dst = np.unravel_index(under.argmax(), under.shape)
            cand = np.flatnonzero((choice != dst) & free)
            ok = (load >= lower).all(axis=0)[choice[cand]]
            cand = cand[ok]
            extra = (base[cand, dst] - base[cand, choice[cand]])[:, None]
            targets = np.array([dst])
        if cand.size == 0 or targets.size == 0 or not np.isfinite(extra).any():
            break
        # Cheapest extra cost per unit of the offending metric moved; move a batch of the
        # cheapest accounts that share the best destination, just enough to fix the part.
        per_unit = extra / np.maximum(metric[cand, m], 1e-12)[:, None]
        best_t = per_unit.argmin(axis=1)
        best_v = per_unit[np.arange(len(cand)), best_t]
        i = int(np.argmin(best_v))
        t = int(best_t[i])
        dest = targets[t]
        same = np.flatnonzero((best_t == t) & np.isfinite(best_v))
        same = same[np.argsort(best_v[same], kind="stable")]
        if over.max() >= under.max():
            src = choice[cand[i]]
            need = load[m, src] - upper[m, src]
        else:
            need = lower[m, dest] - load[m, dest]
        room = upper[m, dest] - load[m, dest]
        moved = np.cumsum(metric[cand[same], m])
        take = same[: max(1, int(np.searchsorted(moved, min(need, room), side="left")) + 1)]
        if (moved[len(take) - 1] if len(take) else 0) > room:
            take = take[:1]
        choice[cand[take]] = dest
    return choice
