"""Vectorised rate tables and payout curves on integer cents, in exact rational arithmetic.

All functions take arrays with one entry per (participant, period) row and never loop over rows.
Nothing is rounded before a step's result: a tier start on attainment is ``quota x start``
(possibly a fraction of a cent), a base commission rate is ``target / quota``, an attainment
is ``credit / quota``; each is carried as an exact numerator over a denominator, comparisons
are made by cross-multiplying, and only a step's result (base x rate) is rounded, once, half
away from zero to the cent. Rates and attainment shown in the trace are rounded to 8 decimals
for display only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from spm_models.incentives.money import (
    FACTOR_SCALE,
    compare,
    iadd,
    imul,
    mul_div,
    reduce_units,
    round_ratio,
)
from spm_models.incentives.plan import Boundary, RateMethod, ThresholdRule


@dataclass(frozen=True)
class TierEvaluation:
    """The outcome of a rate table, tier by tier, for the trace.

    Attributes
    ----------
    total : ndarray of int64, shape (n,)
        Amount earned per row, cents (the sum of ``result`` over tiers).
    base : ndarray of int64, shape (n, k)
        Amount each tier's rate applies to, cents (rounded for display).
    rate : ndarray of int64, shape (n, k)
        Rate applied, in units of 1e-8 (rounded for display; the result uses the exact rate).
    result : ndarray of int64, shape (n, k)
        ``round(base * rate)`` on the exact base and rate, cents.
    used : ndarray of bool, shape (n, k)
        Which tier lines take part (for the trace).
    """

    total: np.ndarray
    base: np.ndarray
    rate: np.ndarray
    result: np.ndarray
    used: np.ndarray


@dataclass(frozen=True)
class ExactRates:
    """Tier rates per row as exact fractions ``num / den``.

    Attributes
    ----------
    num : ndarray of int (int64 or Python ints), shape (n, k) or (1, k)
    den : ndarray of int, shape (n, 1) or (1, 1); positive
    """

    num: np.ndarray
    den: np.ndarray

    def units(self) -> np.ndarray:
        """Rates in units of 1e-8, rounded half away from zero (for display)."""
        return round_ratio(imul(self.num, FACTOR_SCALE), self.den)


def absolute_rates(units: np.ndarray) -> ExactRates:
    """Rates typed in the plan (units of 1e-8), exact."""
    nums, den = reduce_units(units)
    return ExactRates(nums[None, :], np.array([[den]], dtype=np.int64))


def bcr_rates(multipliers: np.ndarray, annual_target: np.ndarray, annual_quota: np.ndarray):
    """Multiplier x base commission rate (target incentive x weight / annual quota), exact.

    Rows without a quota get rate 0.
    """
    mult, scale = reduce_units(multipliers)
    quota = np.asarray(annual_quota, dtype=np.int64)
    target = np.where(quota > 0, np.asarray(annual_target, dtype=np.int64), 0)
    num = imul(target[:, None], mult[None, :])
    den = imul(np.where(quota > 0, quota, 1)[:, None], scale)
    return ExactRates(num, den)


@dataclass(frozen=True)
class TierStarts:
    """Tier starts per row in cents as ``num / den`` (``den`` 1 for amounts, 1e8 on quota)."""

    num: np.ndarray
    den: int

    def cents(self) -> np.ndarray:
        """Starts rounded to the cent (for display)."""
        return round_ratio(self.num, self.den)


def tier_starts(starts: np.ndarray, quota_cents: np.ndarray | None) -> TierStarts:
    """Tier starts per row.

    Parameters
    ----------
    starts : ndarray of int64, shape (k,)
        Attainment starts in units of 1e-8 (when ``quota_cents`` is given) or cents.
    quota_cents : ndarray of int64, shape (n,), optional
        Quota per row; ``None`` for amount-basis tables.
    """
    starts = np.asarray(starts, dtype=np.int64)
    if quota_cents is None:
        return TierStarts(starts[None, :], 1)
    quota = np.asarray(quota_cents, dtype=np.int64)[:, None]
    nums, den = reduce_units(starts)
    return TierStarts(imul(quota, nums[None, :]), den)


def tier_starts_cents(starts: np.ndarray, quota_cents: np.ndarray | None) -> np.ndarray:
    """Tier starts per row rounded to cents (for display)."""
    return tier_starts(starts, quota_cents).cents()


def reaches(amount: np.ndarray, level: np.ndarray, boundary: Boundary) -> np.ndarray:
    """Whether ``amount`` reaches ``level``; on the boundary it does under ``higher_tier``."""
    diff = compare(amount, level)
    return diff >= 0 if boundary is Boundary.HIGHER_TIER else diff > 0


def meets_level(
    credit: np.ndarray, quota: np.ndarray, level_units: int, rule: ThresholdRule
) -> np.ndarray:
    """Whether attainment ``credit / quota`` meets a level (units of 1e-8), exactly.

    ``credit / quota >= level`` is tested as ``credit x 1e8 >= quota x level`` on integers, so
    $6,999,999.95 on a $10M quota is below 70% and $7,000,000.00 is on it. Rows without a
    quota never meet a level.
    """
    credit = np.asarray(credit, dtype=np.int64)
    quota = np.asarray(quota, dtype=np.int64)
    (num,), den = reduce_units([level_units])
    diff = compare(imul(credit, den), imul(quota, num))
    met = diff >= 0 if rule is ThresholdRule.MET else diff > 0
    return met & (quota > 0)


def tier_index(credit: np.ndarray, starts: TierStarts, boundary: Boundary) -> np.ndarray:
    """Index of the tier each row's amount falls in (tier 0 starts at zero)."""
    scaled = imul(np.asarray(credit, dtype=np.int64)[:, None], starts.den)
    n, k = scaled.shape[0], starts.num.shape[-1]
    num = np.broadcast_to(starts.num, (n, k))
    return reaches(scaled, num[:, 1:], boundary).sum(axis=1).astype(np.int64)


def evaluate_rate_table(
    credit: np.ndarray,
    starts: TierStarts,
    rates: ExactRates,
    method: RateMethod,
    boundary: Boundary = Boundary.HIGHER_TIER,
) -> TierEvaluation:
    """Apply a rate table to credited amounts, exactly.

    Parameters
    ----------
    credit : ndarray of int64, shape (n,)
        Credited amount per row, cents.
    starts : TierStarts
        Tier starts (ascending; the first is 0).
    rates : ExactRates
        Tier rates.
    method : RateMethod
        ``marginal``, ``retroactive`` or ``interpolated_rate_on_total`` (see
        :class:`RateMethod`; ``proportional_per_tier`` is :func:`evaluate_proportional`).
    boundary : Boundary
        Which tier an amount exactly on a start belongs to (matters for ``retroactive``; the
        other methods are continuous at tier starts).

    Returns
    -------
    TierEvaluation
    """
    credit = np.asarray(credit, dtype=np.int64)
    n = credit.shape[0]
    k = starts.num.shape[-1]
    s_num = np.broadcast_to(starts.num, (n, k))
    r_num = np.broadcast_to(rates.num, (n, k))
    r_den = np.broadcast_to(rates.den, (n, 1))
    rows = np.arange(n)
    scaled = imul(credit[:, None], starts.den)
    shown_rate = np.broadcast_to(rates.units(), (n, k)).copy()
    if method is RateMethod.MARGINAL:
        base = iadd(scaled, s_num, -1)
        base = np.maximum(base, 0)
        if k > 1:
            width = iadd(s_num[:, 1:], s_num[:, :-1], -1)
            base[:, :-1] = np.minimum(base[:, :-1], width)
        result = round_ratio(imul(base, r_num), imul(r_den, starts.den))
        shown_base = round_ratio(base, starts.den)
        used = shown_base != 0
        used[:, 0] = True
        return TierEvaluation(result.sum(axis=1), shown_base, shown_rate, result, used)

    idx = tier_index(credit, starts, boundary)
    rate_num = r_num[rows, idx][:, None]
    rate_den = r_den
    if method is RateMethod.INTERPOLATED_RATE_ON_TOTAL:
        nxt = np.minimum(idx + 1, k - 1)
        lo = s_num[rows, idx][:, None]
        span = iadd(s_num[rows, nxt][:, None], lo, -1)
        last = ((idx == k - 1)[:, None]) | (span <= 0)
        safe_span = np.where(last, 1, span)
        step = iadd(r_num[rows, nxt][:, None], rate_num, -1)
        moved = iadd(scaled, lo, -1)
        interp = iadd(imul(rate_num, safe_span), imul(moved, step))
        rate_num = np.where(last, rate_num, interp)
        rate_den = imul(rate_den, safe_span)
    total = round_ratio(imul(credit[:, None], rate_num), rate_den)[:, 0]
    base = np.zeros((n, k), dtype=np.int64)
    rate_m = np.zeros((n, k), dtype=np.int64)
    result = np.zeros((n, k), dtype=np.int64)
    used = np.zeros((n, k), dtype=bool)
    base[rows, idx] = credit
    rate_m[rows, idx] = round_ratio(imul(rate_num, FACTOR_SCALE), rate_den)[:, 0]
    result[rows, idx] = total
    used[rows, idx] = True
    return TierEvaluation(total, base, rate_m, result, used)


def amount_values(cents: np.ndarray) -> ExactRates:
    """Tier amounts in cents as exact values (denominator 1), for ``proportional_per_tier``."""
    return ExactRates(np.asarray(cents, dtype=np.int64)[None, :], np.array([[1]], dtype=np.int64))


def evaluate_proportional(
    credit: np.ndarray, bounds: TierStarts, values: ExactRates, *, amounts: bool
) -> TierEvaluation:
    """Apply a ``proportional_per_tier`` rate table (Oracle's proportional split), exactly.

    Tier ``i`` runs from ``bounds[i]`` to ``bounds[i + 1]``; the share of it that is filled is
    ``f_i = clip(amount - bounds[i], 0, width_i) / width_i``. The table's value is
    ``V = sum_i f_i x value_i``: a dollar figure when the values are ``amounts`` (paid as it
    is), or a blended rate otherwise (paid as ``amount x V``). The payout is rounded once.

    Example (Oracle's amount table; tiers 0-1,000: $10, 1,000-3,000: $40, 3,000-8,000: $100):
    1,500 pays ``10 + 500 / 2,000 x 40 = 20``; 4,500 pays ``10 + 40 + 1,500 / 5,000 x 100 =
    80``. With rates 1% (0-1,000) and 2% (1,000-5,000), 2,000 has the blended rate
    ``1% + 1,000 / 4,000 x 2% = 1.5%`` and pays 30. The value is continuous at every tier
    edge, so both boundary rules give the same cents there.

    Parameters
    ----------
    credit : ndarray of int64, shape (n,)
        Credited amount per row, cents.
    bounds : TierStarts
        Tier starts followed by the last tier's end, ``k + 1`` columns (ascending).
    values : ExactRates
        Tier values, ``k`` columns: rates, or cents (``amount_values``) when ``amounts``.
    amounts : bool
        Whether the values are dollar amounts rather than rates.

    Returns
    -------
    TierEvaluation
        Per tier: for amounts, base = the tier amount and rate = the share filled; for rates,
        base = the whole amount and rate = the tier's part of the blended rate. The lines'
        results add up to the total (the last tier reached carries the rounding difference).
    """
    credit = np.asarray(credit, dtype=np.int64)
    n, k = credit.shape[0], bounds.num.shape[-1] - 1
    rows = np.arange(n)
    b = np.broadcast_to(bounds.num, (n, k + 1))
    v = np.broadcast_to(values.num, (n, k))
    v_den = np.broadcast_to(values.den, (n, 1))
    scaled = imul(credit[:, None], bounds.den)
    width = iadd(b[:, 1:], b[:, :-1], -1)
    live = np.asarray(width > 0, dtype=bool)  # no width: a row without a quota on attainment
    safe_w = np.where(live, width, 1)
    filled = iadd(scaled, b[:, :-1], -1)
    filled = np.where(live, np.minimum(np.maximum(filled, 0), safe_w), 0)
    full = live & np.asarray(filled == safe_w, dtype=bool)
    j = np.minimum(full.sum(axis=1), k - 1)
    before = np.arange(k)[None, :] < j[:, None]
    cum = np.where(before, v, 0).sum(axis=1)[:, None]
    w_j = safe_w[rows, j][:, None]
    value_num = iadd(imul(cum, w_j), imul(filled[rows, j][:, None], v[rows, j][:, None]))
    value_den = imul(w_j, v_den)
    if amounts:
        total = round_ratio(value_num, value_den)[:, 0]
        base = np.broadcast_to(round_ratio(v, v_den), (n, k)).copy()
        rate = round_ratio(imul(filled, FACTOR_SCALE), safe_w)
        result = round_ratio(imul(filled, v), imul(safe_w, v_den))
    else:
        total = round_ratio(imul(credit[:, None], value_num), value_den)[:, 0]
        base = np.broadcast_to(credit[:, None], (n, k)).copy()
        rate = round_ratio(imul(filled, v, FACTOR_SCALE), imul(safe_w, v_den))
        result = round_ratio(imul(credit[:, None], filled, v), imul(safe_w, v_den))
    result = np.asarray(result, dtype=np.int64)
    result[rows, j] += total - result.sum(axis=1)
    used = np.asarray(filled > 0, dtype=bool)
    used[:, 0] = True
    return TierEvaluation(total, base, np.asarray(rate, dtype=np.int64), result, used)


def attainment_units(credit: np.ndarray, quota: np.ndarray) -> np.ndarray:
    """Attainment ``credit / quota`` in units of 1e-8, rounded for display (0: no quota).

    Never used to decide anything: thresholds, gates and curve points compare exactly.
    """
    credit = np.asarray(credit, dtype=np.int64)
    quota = np.asarray(quota, dtype=np.int64)
    safe = np.where(quota > 0, quota, 1)
    att = mul_div(credit, FACTOR_SCALE, safe)
    return np.where(quota > 0, att, 0)


@dataclass(frozen=True)
class CurveOutcome:
    """A payout curve's result: cents paid and the curve value shown (units of 1e-8)."""

    cents: np.ndarray
    value: np.ndarray


def curve_payout(
    credit: np.ndarray,
    quota: np.ndarray,
    target: np.ndarray,
    points_att: np.ndarray,
    points_pay: np.ndarray,
    boundary: Boundary = Boundary.HIGHER_TIER,
) -> CurveOutcome:
    """Pay ``target x curve(credit / quota)`` with one rounding to the cent.

    The curve is linear between points, pays nothing below the first point (on the first
    point it pays under ``higher_tier``) and stays flat after the last. Two points at one
    attainment make a step: on the step the upper value applies under ``higher_tier`` and the
    lower one under ``lower_tier``. The segment is found by comparing ``credit x 1e8`` with
    ``quota x point`` on integers, and the value is interpolated on the exact attainment.
    """
    credit = np.asarray(credit, dtype=np.int64)
    quota = np.asarray(quota, dtype=np.int64)
    target = np.asarray(target, dtype=np.int64)
    xs, dx_den = reduce_units(points_att)
    ys, dy_den = reduce_units(points_pay)
    k = len(xs)
    has = quota > 0
    q = np.where(has, quota, 1)[:, None]
    cs = imul(np.where(has, credit, 0)[:, None], dx_den)
    xq = imul(q, xs[None, :])
    j = reaches(cs, xq, boundary).sum(axis=1) - 1
    below = j < 0
    jc = np.clip(j, 0, k - 1)
    nxt = np.minimum(jc + 1, k - 1)
    last = (jc == k - 1) | (xs[nxt] <= xs[jc])
    dx = np.where(last, 1, xs[nxt] - xs[jc])[:, None]
    dy = np.where(last, 0, ys[nxt] - ys[jc])[:, None]
    rows = np.arange(len(credit))
    moved = iadd(cs, xq[rows, jc][:, None], -1)
    # value = (ys[j] * dx * q + moved * dy) / (dy_den * dx * q): exact linear interpolation
    value_num = iadd(imul(ys[jc][:, None], dx, q), imul(moved, dy))
    value_den = imul(dx, q, dy_den)
    cents = round_ratio(imul(target[:, None], value_num), value_den)[:, 0]
    value = round_ratio(imul(value_num, FACTOR_SCALE), value_den)[:, 0]
    return CurveOutcome(np.where(below, 0, cents), np.where(below, 0, value))


def curve_value(
    attainment: np.ndarray,
    points_att: np.ndarray,
    points_pay: np.ndarray,
    boundary: Boundary = Boundary.HIGHER_TIER,
) -> np.ndarray:
    """Payout-curve value at attainments given in units of 1e-8 (for plots and simulations)."""
    att = np.asarray(attainment, dtype=np.int64)
    one = np.full(att.shape, FACTOR_SCALE, dtype=np.int64)
    out = curve_payout(att, one, one, points_att, points_pay, boundary)
    return out.value


def level_index(
    credit: np.ndarray, quota: np.ndarray, levels_units: np.ndarray, boundary: Boundary
) -> np.ndarray:
    """Index of the last attainment level reached (``-1``: below the first), exactly.

    ``credit / quota`` reaches a level ``x`` when ``credit x den >= quota x num`` (``>`` under
    ``lower_tier``); rows without a quota reach no level.
    """
    nums, den = reduce_units(levels_units)
    credit = np.asarray(credit, dtype=np.int64)
    quota = np.asarray(quota, dtype=np.int64)
    scaled = imul(credit[:, None], den)
    level = imul(np.where(quota > 0, quota, 1)[:, None], nums[None, :])
    hit = reaches(scaled, level, boundary) & (quota > 0)[:, None]
    return hit.sum(axis=1).astype(np.int64) - 1
