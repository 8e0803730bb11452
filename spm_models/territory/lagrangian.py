"""Lagrangian lower bounds for territory alignment, valid over every account-rep pair.

Relaxing the balance rows (prices ``v[m, r]`` per metric and rep, free in sign) and the
disruption cap (price ``mu >= 0``) leaves one independent choice per account, so

    L(v, mu) = sum_a min_r [c_ar - sum_m w_am v_mr + mu b_a moved_ar]
               + sum_{m,r} (max(v_mr, 0) lower_mr + min(v_mr, 0) upper_mr) - mu cap

is a lower bound on the optimum for *any* prices (weak duality); at the best prices it
equals the LP relaxation, because the remaining one-choice-per-account problem has integral
vertices. :func:`lagrangian_bound` evaluates it over all pairs: it prices the ``k`` nearest
reps of each account first; every other rep is at least as far as the ``k``-th nearest,
which gives a safe floor for the rest, and only accounts whose floor is below their best
candidate need pricing against every rep.
:func:`improve_prices` raises the bound by subgradient steps.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from spm_models.territory.geo import distance_matrix_km, haversine_km, nearest_k
from spm_models.territory.inputs import AlignmentSpec, metric_values
from spm_models.territory.model import AssignmentModel, row_family


@dataclass(frozen=True)
class DualPrices:
    """Row duals of an alignment LP, grouped the way the Lagrangian bound needs them.

    Attributes
    ----------
    assign : numpy.ndarray
        Dual of each account's assign-once row.
    balance : dict
        ``{metric: per-rep price}`` (sum of the min and max rows' duals; HiGHS signs:
        ``>= 0`` on a binding minimum, ``<= 0`` on a binding maximum).
    disruption : float
        Dual of the disruption cap (``<= 0``).
    constant : float
        ``sum(dual x right-hand side)`` over the balance, deviation and disruption rows.
    """

    assign: np.ndarray
    balance: dict[str, np.ndarray]
    disruption: float
    constant: float


def dual_prices(model: AssignmentModel, spec: AlignmentSpec, row_dual: np.ndarray) -> DualPrices:
    """Group an alignment LP's row duals by family (see :class:`DualPrices`)."""
    linear = model.linear
    names = linear.row_names
    n, r = model.n_items, model.n_agents
    y = np.asarray(row_dual, dtype=float)
    agent_pos = {a: i for i, a in enumerate(model.agent_ids)}
    balance = {m: np.zeros(r) for m in spec.balance}
    disruption = 0.0
    constant = 0.0
    for i in range(n, len(names)):
        yi = y[i]
        if yi == 0:
            continue
        name = names[i]
        fam = row_family(name)
        rhs = linear.row_upper[i] if yi < 0 else linear.row_lower[i]
        if fam == "balance":
            for m in spec.balance:
                for side in ("max", "min"):
                    prefix = f"{m}_{side}_"
                    if name.startswith(prefix):
                        balance[m][agent_pos[name[len(prefix) :]]] += yi
            constant += yi * rhs
        elif fam == "disruption_cap":
            disruption = yi
            constant += yi * rhs
        elif fam == "balance_deviation":
            constant += yi * rhs
            for m in spec.balance:
                prefix = f"{m}_dev_"
                if name.startswith(prefix):
                    balance[m][agent_pos[name[len(prefix) :]]] += yi
        # lock/mandatory/forbidden/max_distance rows are handled by restricting the pairs.
    return DualPrices(y[:n].copy(), balance, disruption, constant)


@dataclass(frozen=True)
class BoundProblem:
    """Everything the Lagrangian bound needs about one alignment, as plain arrays.

    Build it with :func:`bound_problem`; ``candidates`` and ``cand_dist`` hold each
    account's ``k`` nearest reps (sorted by distance), ``forced`` the rep an account must
    keep (``-1``: none).
    """

    lat: np.ndarray
    lon: np.ndarray
    home_lat: np.ndarray
    home_lon: np.ndarray
    weight: np.ndarray
    metric: np.ndarray  # (accounts, metrics)
    lower: np.ndarray  # (metrics, reps)
    upper: np.ndarray  # (metrics, reps)
    current: np.ndarray
    basis: np.ndarray
    cap: float | None
    move_penalty: float
    forced: np.ndarray
    forbidden: np.ndarray  # keys account * n_reps + rep
    max_distance_km: float | None
    candidates: np.ndarray
    cand_dist: np.ndarray

    @property
    def n_metrics(self) -> int:
        """Number of balanced metrics."""
        return self.metric.shape[1]


def bound_problem(
    accounts: pd.DataFrame,
    reps: pd.DataFrame,
    spec: AlignmentSpec,
    targets: Mapping[str, np.ndarray],
    *,
    current: np.ndarray,
    forced: np.ndarray,
    forbidden: set[tuple[int, int]],
    k: int = 20,
    near: tuple[np.ndarray, np.ndarray] | None = None,
) -> BoundProblem:
    """Collect the arrays of :class:`BoundProblem` from validated tables.

    Parameters
    ----------
    accounts, reps : pandas.DataFrame
        Validated tables (positional index).
    spec : AlignmentSpec
        The run's choices (``balance_penalty`` must be 0).
    targets : mapping
        ``{metric: per-rep target}``.
    current, forced : numpy.ndarray
        Per account, the position of its current rep and of a rep it must take (``-1``).
    forbidden : set of (account position, rep position)
        Pairs that may not be used.
    k : int
        Reps priced one by one per account.
    near : (numpy.ndarray, numpy.ndarray), optional
        Precomputed ``nearest_k`` indices and distances (at least ``k`` columns).
    """
    lat = accounts["lat"].to_numpy(dtype=float)
    lon = accounts["lon"].to_numpy(dtype=float)
    hlat = reps["home_lat"].to_numpy(dtype=float)
    hlon = reps["home_lon"].to_numpy(dtype=float)
    k = min(k, len(reps))
    if near is None:
        near = nearest_k(lat, lon, hlat, hlon, k)
    idx, dist = near[0][:, :k], near[1][:, :k]
    weight = (
        np.ones(len(accounts))
        if spec.weight == "none"
        else accounts[spec.weight].to_numpy(dtype=float)
    )
    metric = np.column_stack([metric_values(accounts, m) for m in spec.balance])
    tol = np.array([spec.tolerance_for(m) for m in spec.balance])[:, None]
    tgt = np.vstack([np.asarray(targets[m], dtype=float) for m in spec.balance])
    basis = (
        accounts["potential"].to_numpy(dtype=float)
        if spec.disruption_basis == "potential"
        else np.ones(len(accounts))
    )
    cap = None
    if spec.max_disruption is not None:
        cap = float(spec.max_disruption * basis[current >= 0].sum())
    return BoundProblem(
        lat=lat,
        lon=lon,
        home_lat=hlat,
        home_lon=hlon,
        weight=weight,
        metric=metric,
        lower=tgt * (1 - tol),
        upper=tgt * (1 + tol),
        current=current,
        basis=basis,
        cap=cap,
        move_penalty=float(spec.move_penalty),
        forced=forced,
        forbidden=np.array(sorted(a * len(reps) + r for a, r in forbidden), dtype=np.int64),
        max_distance_km=spec.max_distance_km,
        candidates=idx,
        cand_dist=dist,
    )


def _pair_values(
    p: BoundProblem, rows: np.ndarray, reps: np.ndarray, dist: np.ndarray, v: np.ndarray, mu: float
) -> np.ndarray:
    """Lagrangian cost of pairs (``rows`` broadcast against ``reps``); ``inf`` when banned."""
    moved = (p.current[rows] >= 0) & (reps != p.current[rows])
    val = p.weight[rows] * dist + p.move_penalty * moved + mu * p.basis[rows] * moved
    for m in range(p.n_metrics):
        val = val - p.metric[rows, m] * v[m, reps]
    if p.max_distance_km is not None:
        val = np.where(dist > p.max_distance_km, np.inf, val)
    if p.forbidden.size:
        keys = rows * len(p.home_lat) + reps
        val = np.where(np.isin(keys, p.forbidden), np.inf, val)
    return val


@dataclass(frozen=True)
class LagrangianValue:
    """One evaluation of the Lagrangian.

    Attributes
    ----------
    bound : float
        ``L(v, mu)``.
    choice : numpy.ndarray
        Each account's cheapest rep at these prices.
    exact_accounts : int
        Accounts priced against every rep.
    """

    bound: float
    choice: np.ndarray
    exact_accounts: int


def lagrangian_bound(
    p: BoundProblem,
    v: np.ndarray,
    mu: float,
    *,
    top_priced: int = 32,
    chunk: int = 2000,
) -> LagrangianValue:
    """Evaluate ``L(v, mu)`` (see the module docstring).

    Parameters
    ----------
    p : BoundProblem
        The alignment.
    v : numpy.ndarray
        Balance prices, shape ``(metrics, reps)``.
    mu : float
        Disruption price (``>= 0``).
    top_priced : int
        Reps with the highest prices, priced for every account (keeps the floor tight).
    chunk : int
        Accounts priced against every rep at a time.

    Returns
    -------
    LagrangianValue
    """
    n = len(p.lat)
    rows = np.arange(n)[:, None]
    cand = p.candidates
    vals = _pair_values(p, rows, cand, p.cand_dist, v, mu)
    cur = p.current
    has_cur = cur >= 0
    cur_in = (cand == cur[:, None]).any(axis=1)
    extra = np.flatnonzero(has_cur & ~cur_in)
    best = vals.min(axis=1)
    choice = cand[np.arange(n), vals.argmin(axis=1)]
    if extra.size:
        d = _dist(p, extra, cur[extra])
        cv = _pair_values(p, extra, cur[extra], d, v, mu)
        better = cv < best[extra]
        best[extra[better]] = cv[better]
        choice[extra[better]] = cur[extra[better]]
    # Any rep outside the candidates is at least as far as the k-th nearest and is a move.
    # The few reps with the highest prices are priced exactly for every account, so that
    # the floor for the rest uses a modest price and rarely bites.
    n_reps = len(p.home_lat)
    outside = np.full(n, np.inf)
    if cand.shape[1] < n_reps:
        rank = v.max(axis=0)
        top = np.argsort(-rank, kind="stable")[: min(top_priced, n_reps - cand.shape[1])]
        rest = np.ones(n_reps, dtype=bool)
        rest[top] = False
        tau = v[:, rest].max(axis=1) if rest.any() else np.full(v.shape[0], -np.inf)
        k_dist = p.cand_dist[:, -1]
        outside = (
            p.weight * k_dist
            + p.move_penalty * has_cur
            + mu * p.basis * has_cur
            - (p.metric * tau[None, :]).sum(axis=1)
        )
        if p.max_distance_km is not None:
            outside = np.where(k_dist > p.max_distance_km, np.inf, outside)
        if top.size:
            d_top = distance_matrix_km(p.lat, p.lon, p.home_lat[top], p.home_lon[top])
            tv = _pair_values(p, rows, top[None, :], d_top, v, mu)
            tbest = tv.min(axis=1)
            better = tbest < best
            best[better] = tbest[better]
            choice[better] = top[tv.argmin(axis=1)[better]]
    forced = p.forced >= 0
    if forced.any():
        fi = np.flatnonzero(forced)
        d = _dist(p, fi, p.forced[fi])
        best[fi] = _pair_values(p, fi, p.forced[fi], d, v, mu)
        choice[fi] = p.forced[fi]
        outside[fi] = np.inf
    loose = np.flatnonzero(outside < best)
    reps_all = np.arange(len(p.home_lat))
    for s in range(0, loose.size, chunk):
        part = loose[s : s + chunk]
        d = distance_matrix_km(p.lat[part], p.lon[part], p.home_lat, p.home_lon)
        pv = _pair_values(p, part[:, None], reps_all[None, :], d, v, mu)
        best[part] = pv.min(axis=1)
        choice[part] = pv.argmin(axis=1)
    const = float((np.maximum(v, 0) * p.lower + np.minimum(v, 0) * p.upper).sum())
    if p.cap is not None:
        const -= mu * p.cap
    return LagrangianValue(float(best.sum()) + const, choice, int(loose.size))


def _dist(p: BoundProblem, rows: np.ndarray, reps: np.ndarray) -> np.ndarray:
    return haversine_km(p.lat[rows], p.lon[rows], p.home_lat[reps], p.home_lon[reps])


def improve_prices(
    p: BoundProblem,
    v: np.ndarray,
    mu: float,
    *,
    upper_bound: float | None = None,
    iterations: int = 200,
    theta0: float = 2.0,
    patience: int = 20,
) -> tuple[np.ndarray, float, LagrangianValue]:
    """Raise the bound by subgradient steps (Polyak step size, Held-Karp halving).

    Parameters
    ----------
    p : BoundProblem
        The alignment.
    v, mu : numpy.ndarray, float
        Starting prices (zeros will do).
    upper_bound : float, optional
        Objective of a known feasible alignment, which sets the step length; without one
        the target is 1 % above the best bound so far.
    iterations : int
        Subgradient steps; each evaluates :func:`lagrangian_bound` exactly.
    theta0 : float
        First step factor of the Polyak rule.
    patience : int
        Steps without a better bound before the factor is halved.

    Returns
    -------
    (numpy.ndarray, float, LagrangianValue)
        Best prices ``v``, ``mu`` and the evaluation at them (a valid bound).
    """
    v = np.array(v, dtype=float)
    best_v, best_mu = v.copy(), float(mu)
    best = current = lagrangian_bound(p, v, mu)
    theta = theta0
    stall = 0
    n_reps = p.lower.shape[1]
    for _ in range(iterations):
        load = np.vstack(
            [
                np.bincount(current.choice, weights=p.metric[:, m], minlength=n_reps)
                for m in range(p.n_metrics)
            ]
        )
        # A subgradient: below the band raise the price, above it lower it.
        g = np.where(load < p.lower, p.lower - load, np.where(load > p.upper, p.upper - load, 0.0))
        g = np.where((v > 0) & (load >= p.lower), p.lower - load, g)
        g = np.where((v < 0) & (load <= p.upper), p.upper - load, g)
        g_mu = 0.0
        if p.cap is not None:
            moved = (p.current >= 0) & (current.choice != p.current)
            g_mu = float(p.basis[moved].sum() - p.cap)
            if mu <= 0 and g_mu < 0:
                g_mu = 0.0
        norm = float((g**2).sum() + g_mu**2)
        if norm <= 0:  # the relaxed choice is feasible: the bound is the optimum
            break
        target = upper_bound if upper_bound is not None else best.bound + 0.01 * abs(best.bound)
        step = theta * max(target - current.bound, 1e-9 * abs(target)) / norm
        v = v + step * g
        mu = max(0.0, mu + step * g_mu)
        current = lagrangian_bound(p, v, mu)
        if current.bound > best.bound:
            best, best_v, best_mu = current, v.copy(), mu
            stall = 0
        else:
            stall += 1
            if stall >= patience:
                theta /= 2
                stall = 0
    return best_v, best_mu, best
