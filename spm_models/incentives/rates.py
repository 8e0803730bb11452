"""Vectorised rate tables and payout curves on integer cents (see :mod:`.money` for rounding).

All functions take arrays with one entry per (participant, period) row and never loop over rows.
Tier starts are given per row in cents (attainment-basis starts are converted with
:func:`tier_starts_cents`), so a rep-specific quota moves the tier boundaries for that rep only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from spm_models.incentives.money import FACTOR_SCALE, div_round, mul_div
from spm_models.incentives.plan import Boundary, RateMethod


@dataclass(frozen=True)
class TierEvaluation:
    """The outcome of a rate table, tier by tier, for the trace.

    Attributes
    ----------
    total : ndarray of int64, shape (n,)
        Amount earned per row, cents (the sum of ``result`` over tiers).
    base : ndarray of int64, shape (n, k)
        Amount each tier's rate applies to, cents.
    rate : ndarray of int64, shape (n, k)
        Rate applied, in units of 1e-8.
    result : ndarray of int64, shape (n, k)
        ``round(base * rate)``, cents.
    used : ndarray of bool, shape (n, k)
        Which tier lines take part (for the trace).
    """

    total: np.ndarray
    base: np.ndarray
    rate: np.ndarray
    result: np.ndarray
    used: np.ndarray


def tier_starts_cents(starts: np.ndarray, quota_cents: np.ndarray | None) -> np.ndarray:
    """Tier starts per row in cents.

    Parameters
    ----------
    starts : ndarray of int64, shape (k,)
        Attainment starts in units of 1e-8 (when ``quota_cents`` is given) or cents.
    quota_cents : ndarray of int64, shape (n,), optional
        Quota per row; ``None`` for amount-basis tables.
    """
    starts = np.asarray(starts, dtype=np.int64)
    if quota_cents is None:
        return starts[None, :]
    return mul_div(np.asarray(quota_cents, dtype=np.int64)[:, None], starts[None, :])


def reaches(amount: np.ndarray, level: np.ndarray, boundary: Boundary) -> np.ndarray:
    """Whether ``amount`` reaches ``level``; on the boundary it does under ``higher_tier``."""
    if boundary is Boundary.HIGHER_TIER:
        return amount >= level
    return amount > level


def tier_index(credit: np.ndarray, starts: np.ndarray, boundary: Boundary) -> np.ndarray:
    """Index of the tier each row's amount falls in (tier 0 starts at zero)."""
    credit = np.asarray(credit, dtype=np.int64)[:, None]
    starts = np.broadcast_to(starts, (credit.shape[0], starts.shape[-1]))
    return reaches(credit, starts[:, 1:], boundary).sum(axis=1).astype(np.int64)


def evaluate_rate_table(
    credit: np.ndarray,
    starts: np.ndarray,
    rates: np.ndarray,
    method: RateMethod,
    boundary: Boundary = Boundary.HIGHER_TIER,
) -> TierEvaluation:
    """Apply a rate table to credited amounts.

    Parameters
    ----------
    credit : ndarray of int64, shape (n,)
        Credited amount per row, cents.
    starts : ndarray of int64, shape (n, k) or (1, k)
        Tier starts in cents (ascending; the first is 0).
    rates : ndarray of int64, shape (n, k) or (k,)
        Tier rates in units of 1e-8.
    method : RateMethod
        ``marginal``, ``retroactive`` or ``interpolated`` (see :class:`RateMethod`).
    boundary : Boundary
        Which tier an amount exactly on a start belongs to (matters for ``retroactive``; the
        other two methods are continuous at tier starts).

    Returns
    -------
    TierEvaluation
    """
    credit = np.asarray(credit, dtype=np.int64)
    n = credit.shape[0]
    k = np.asarray(starts).shape[-1]
    starts = np.broadcast_to(np.asarray(starts, dtype=np.int64), (n, k))
    rates = np.broadcast_to(np.asarray(rates, dtype=np.int64), (n, k))
    rows = np.arange(n)
    if method is RateMethod.MARGINAL:
        upper = np.concatenate([starts[:, 1:], np.full((n, 1), np.iinfo(np.int64).max)], axis=1)
        width = upper - starts
        base = np.clip(credit[:, None] - starts, 0, width)
        result = mul_div(base, rates)
        used = base != 0
        used[:, 0] = True
        return TierEvaluation(result.sum(axis=1), base, rates.copy(), result, used)

    idx = tier_index(credit, starts, boundary)
    if method is RateMethod.RETROACTIVE:
        rate = rates[rows, idx]
    else:
        nxt = np.minimum(idx + 1, k - 1)
        lo = starts[rows, idx]
        span = starts[rows, nxt] - lo
        step = rates[rows, nxt] - rates[rows, idx]
        last = (idx == k - 1) | (span <= 0)
        moved = np.clip(credit - lo, 0, None)
        frac = mul_div(moved, step, np.where(last, 1, span))
        rate = rates[rows, idx] + np.where(last, 0, frac)
    total = mul_div(credit, rate)
    base = np.zeros((n, k), dtype=np.int64)
    rate_m = np.zeros((n, k), dtype=np.int64)
    result = np.zeros((n, k), dtype=np.int64)
    used = np.zeros((n, k), dtype=bool)
    base[rows, idx] = credit
    rate_m[rows, idx] = rate
    result[rows, idx] = total
    used[rows, idx] = True
    return TierEvaluation(total, base, rate_m, result, used)


def attainment_units(credit: np.ndarray, quota: np.ndarray) -> np.ndarray:
    """Attainment ``credit / quota``, units of 1e-8, rounded half away from zero (0: no quota)."""
    credit = np.asarray(credit, dtype=np.int64)
    quota = np.asarray(quota, dtype=np.int64)
    safe = np.where(quota > 0, quota, 1)
    att = mul_div(credit, FACTOR_SCALE, safe)
    return np.where(quota > 0, att, 0)


def curve_value(
    attainment: np.ndarray,
    points_att: np.ndarray,
    points_pay: np.ndarray,
    boundary: Boundary = Boundary.HIGHER_TIER,
) -> np.ndarray:
    """Payout-curve value at each attainment, units of 1e-8 (linear between points).

    Below the first point the curve pays nothing (an attainment exactly on the first point pays
    under ``higher_tier``); beyond the last point it stays flat.
    """
    att = np.asarray(attainment, dtype=np.int64)
    xs = np.asarray(points_att, dtype=np.int64)
    ys = np.asarray(points_pay, dtype=np.int64)
    j = np.searchsorted(xs, att, side="right") - 1
    j_clip = np.clip(j, 0, len(xs) - 1)
    nxt = np.minimum(j_clip + 1, len(xs) - 1)
    span = xs[nxt] - xs[j_clip]
    last = (j_clip == len(xs) - 1) | (span <= 0)
    step = ys[nxt] - ys[j_clip]
    frac = div_round(
        np.where(last, 0, (att - xs[j_clip]) * step), np.where(last, 1, span).astype(np.int64)
    )
    value = ys[j_clip] + frac
    below = ~reaches(att, np.full_like(att, xs[0]), boundary)
    return np.where(below | (j < 0), 0, value).astype(np.int64)
