"""Rules shared by the payout engine and the cost model: quota splits, clawback shares,
draws and balances.

Keeping them in one place means a statement and a cost simulation cannot apply different
rules to the same plan.
"""

from __future__ import annotations

import numpy as np

from spm_models.incentives.money import (
    FACTOR_SCALE,
    decimal_to_cents,
    div_round,
    factor_units,
    mul_div,
)
from spm_models.incentives.plan import Clawback, ClawbackMethod, Draw


def year_split(total_cents: np.ndarray) -> np.ndarray:
    """Split annual cents into 12 monthly amounts that add back exactly, shape (n, 12)."""
    total = np.asarray(total_cents, dtype=np.int64)[:, None]
    cum = div_round(total * np.arange(13, dtype=np.int64)[None, :], 12)
    return np.diff(cum, axis=1)


def clawback_share(rule: Clawback, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Share of a cancelled deal's credit that is reversed, as exact ``num / den`` per deal.

    Parameters
    ----------
    rule : Clawback
    days : ndarray of int64
        Days from the credit date to the cancellation (0 = cancelled the same day).

    Returns
    -------
    num, den : ndarray of int64
        ``full``: 1/1; ``prorated``: ``(window - days) / window``; ``percent``: the percentage;
        ``schedule``: the first step whose ``up_to_days`` is at least ``days`` (0 beyond the
        last step). Deals cancelled after the window get 0.
    """
    days = np.asarray(days, dtype=np.int64)
    ones = np.ones(len(days), dtype=np.int64)
    if rule.method is ClawbackMethod.FULL:
        num, den = ones.copy(), ones
    elif rule.method is ClawbackMethod.PRORATED:
        num, den = rule.window_days - days, ones * rule.window_days
    elif rule.method is ClawbackMethod.PERCENT:
        num, den = ones * factor_units(rule.percent), ones * FACTOR_SCALE
    else:
        limits = np.array([d for d, _ in rule.schedule], dtype=np.int64)
        shares = np.array([factor_units(v) for _, v in rule.schedule] + [0], dtype=np.int64)
        num, den = shares[np.searchsorted(limits, days, side="left")], ones * FACTOR_SCALE
    num = np.where(days <= rule.window_days, np.maximum(num, 0), 0)
    return num.astype(np.int64), den.astype(np.int64)


def monthly_draw(draw: Draw, frac: np.ndarray) -> np.ndarray:
    """Draw available per month, cents, shape of ``frac``.

    ``frac`` is the share of each month of the plan year on the plan (units of 1e-8). The
    draw is prorated by that share, for the first ``draw.months`` months on the plan (all
    months on the plan when ``months`` is not set).
    """
    frac = np.asarray(frac, dtype=np.int64)
    eligible = frac > 0
    if draw.months is not None:
        eligible &= np.cumsum(frac > 0, axis=1) <= draw.months
    per_month = mul_div(np.full(frac.shape, decimal_to_cents(draw.amount_per_month)), frac)
    return np.where(eligible, per_month, 0)


def settle_balances(
    earned: np.ndarray, draw: np.ndarray, recoverable: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Payments and balances period by period (vectorised over rows).

    ``available = opening balance + earned``; ``paid = max(available, draw, 0)``. A
    recoverable draw is carried as a negative balance and recovered from later earnings; a
    non-recoverable one is not (only negative earnings are carried).

    Parameters
    ----------
    earned, draw : ndarray of int64, shape (n, n_periods)
        Earnings and draw available per period, cents.
    recoverable : bool
        Whether advances above earnings are recovered later (also ``True`` without a draw).

    Returns
    -------
    opening, paid, closing, advance : ndarray of int64, shape (n, n_periods)
        Opening balance, amount paid, closing balance and the part paid above earnings.
    """
    earned = np.asarray(earned, dtype=np.int64)
    n, n_t = earned.shape
    opening = np.zeros((n, n_t), dtype=np.int64)
    paid = np.zeros((n, n_t), dtype=np.int64)
    closing = np.zeros((n, n_t), dtype=np.int64)
    balance = np.zeros(n, dtype=np.int64)
    for t in range(n_t):
        opening[:, t] = balance
        available = balance + earned[:, t]
        paid[:, t] = np.maximum(np.maximum(available, draw[:, t]), 0)
        balance = available - paid[:, t] if recoverable else np.minimum(available, 0)
        closing[:, t] = balance
    advance = paid - np.maximum(opening + earned, 0)
    return opening, paid, closing, advance
