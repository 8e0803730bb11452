"""Exact money and factor arithmetic on integer arrays.

Rounding rule (applies everywhere in the incentives engine)
-----------------------------------------------------------
- Money is held as integer **cents** (``int64``). Input amounts are converted to cents once, at
  the boundary: text and ``Decimal`` values exactly, floats by rounding ``amount * 100`` to the
  nearest cent (halves away from zero).
- Rates, multipliers, weights and levels typed in a plan file are held as integers in units of
  ``1e-8`` (:data:`FACTOR_SCALE`; at most 8 decimals, or a percentage such as ``4%``).
- Derived figures are exact fractions, never rounded before a step's result: attainment is
  ``credit / quota``, a base commission rate ``target x weight / annual quota``, an attainment
  tier start ``quota x start`` (possibly a fraction of a cent), an interpolated rate or curve
  value the exact linear interpolation. Thresholds, gates, tier starts and curve points are
  compared by cross-multiplying integers. Attainment and rates shown in the trace are rounded
  to 8 decimals for display only.
- Every calculation step's result (base x exact rate) is rounded once, **half away from
  zero**, to the cent. A statement's figures are sums of rounded steps, so they add up exactly and
  each can be recomputed by hand from its trace line.

Products are computed in ``int64`` when they provably fit and in Python integers otherwise, so no
step ever overflows or drifts.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import numpy as np
import pandas as pd

#: Factors (rates, attainment, multipliers) are integers in units of 1 / FACTOR_SCALE.
FACTOR_SCALE = 100_000_000
FACTOR_DECIMALS = 8
_INT64_SAFE = 2**62


def div_round(numerator: np.ndarray | int, denominator: np.ndarray | int) -> np.ndarray:
    """Divide integers and round half away from zero.

    Parameters
    ----------
    numerator : array of int
        Dividends (may be negative).
    denominator : array of int or int
        Divisors, strictly positive.

    Returns
    -------
    numpy.ndarray of int64
    """
    num = np.asarray(numerator)
    den = np.asarray(denominator)
    if num.dtype == object or den.dtype == object:
        return _DIV_ROUND_OBJ(num, den).astype(np.int64)
    num = num.astype(np.int64, copy=False)
    den = den.astype(np.int64, copy=False)
    q, r = np.divmod(np.abs(num), den)
    q = q + (2 * r >= den)
    return np.where(num < 0, -q, q).astype(np.int64)


def _div_round_int(n: int, d: int) -> int:
    q, r = divmod(abs(n), d)
    if 2 * r >= d:
        q += 1
    return -q if n < 0 else q


_DIV_ROUND_OBJ = np.frompyfunc(_div_round_int, 2, 1)


def mul_div(
    a: np.ndarray | int, b: np.ndarray | int, d: np.ndarray | int = FACTOR_SCALE
) -> np.ndarray:
    """Return ``round(a * b / d)`` exactly, half away from zero, as ``int64``.

    ``d`` must be positive. Uses ``int64`` arithmetic when ``|a| * |b|`` provably fits and
    Python integers otherwise, so the result never overflows or drifts.
    """
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    max_a = int(np.abs(a).max()) if a.size else 0
    max_b = int(np.abs(b).max()) if b.size else 0
    if max_a * max_b < _INT64_SAFE:
        return div_round(a * b, d)
    prod = a.astype(object) * b.astype(object)
    return div_round(prod, np.asarray(d, dtype=np.int64).astype(object))


def to_cents(values: pd.Series | np.ndarray | list) -> np.ndarray:
    """Convert money amounts (floats, ints, Decimals or numeric text) to integer cents.

    Floats are rounded to the nearest cent, halves away from zero; exact types convert exactly
    (sub-cent digits round half away from zero).
    """
    series = pd.Series(values)
    if series.empty:
        return np.zeros(0, dtype=np.int64)
    if pd.api.types.is_integer_dtype(series.dtype):
        return series.to_numpy(dtype=np.int64) * 100
    if pd.api.types.is_float_dtype(series.dtype):
        x = series.to_numpy(dtype=np.float64) * 100.0
        return (np.sign(x) * np.floor(np.abs(x) + 0.5)).astype(np.int64)
    return np.array([decimal_to_cents(v) for v in series], dtype=np.int64)


def decimal_to_cents(value: object) -> int:
    """Convert one amount to cents exactly (half away from zero below a cent)."""
    dec = value if isinstance(value, Decimal) else Decimal(str(value))
    cents = (dec * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(cents)


def parse_decimal(value: object) -> Decimal:
    """Read a plan-file number exactly (``0.08`` stays ``0.08``, not a binary float)."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | float | str):
        try:
            dec = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(f"expected a number, got {value!r}") from None
        if not dec.is_finite():
            raise ValueError(f"expected a finite number, got {value!r}")
        return dec
    raise ValueError(f"expected a number, got {value!r}")


def factor_units(value: Decimal) -> int:
    """Convert an exact factor (at most 8 decimals) to integer units of 1e-8."""
    scaled = value * FACTOR_SCALE
    if scaled != scaled.to_integral_value():
        raise ValueError(f"has more than {FACTOR_DECIMALS} decimals: {value}")
    return int(scaled)


def cents_to_decimal(cents: int) -> Decimal:
    """Cents as an exact dollar ``Decimal`` with two places."""
    return Decimal(int(cents)).scaleb(-2)


def format_cents(cents: np.ndarray | pd.Series) -> np.ndarray:
    """Format integer cents as exact dollar text, e.g. ``-123456 -> '-1234.56'``."""
    arr = np.asarray(cents, dtype=np.int64)
    if arr.size == 0:
        return np.zeros(arr.shape, dtype=str)
    sign = np.where(arr < 0, "-", "")
    mag = np.abs(arr)
    whole = (mag // 100).astype(str)
    frac = np.char.zfill((mag % 100).astype(str), 2)
    return np.char.add(np.char.add(np.char.add(sign, whole), "."), frac)


def format_factor(units: np.ndarray | pd.Series) -> np.ndarray:
    """Format factor units (1e-8) as exact decimal text, e.g. ``8000000 -> '0.08'``."""
    arr = np.asarray(units, dtype=np.int64)
    if arr.size == 0:
        return np.zeros(arr.shape, dtype=str)
    sign = np.where(arr < 0, "-", "")
    mag = np.abs(arr)
    whole = (mag // FACTOR_SCALE).astype(str)
    frac = np.char.zfill((mag % FACTOR_SCALE).astype(str), FACTOR_DECIMALS)
    frac = np.char.rstrip(frac, "0")
    frac = np.where(frac == "", "0", frac)
    return np.char.add(np.char.add(np.char.add(sign, whole), "."), frac)


def factor_to_decimal(units: int) -> Decimal:
    """Factor units as an exact ``Decimal`` (e.g. ``8000000 -> Decimal('0.08')``)."""
    return (Decimal(int(units)).scaleb(-FACTOR_DECIMALS)).normalize()


#: The rounding rule in one paragraph (written next to every set of statements).
ROUNDING_RULE = (
    "Money is held as integer cents; input amounts are rounded to the cent once (halves away "
    "from zero). Attainment, base commission rates, tier starts and interpolated rates are "
    "exact fractions (thresholds and curve points are compared exactly); rates and attainment "
    "in the trace are shown to 8 decimals. Every calculation step (base x exact rate) is "
    "rounded once, half away from zero, to the cent, and every statement figure is a sum of "
    "such steps, so statements add up exactly."
)


def allocate_cents(
    group: np.ndarray, weight: np.ndarray, total: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Split each group's total over its members in proportion to their weights, exactly.

    Largest-remainder rule: member ``i`` of group ``g`` first gets
    ``floor(total[g] * weight[i] / W[g])`` cents (``W[g]`` the sum of the group's weights);
    the cents left over go one each to the members with the largest remainders (ties: the
    earlier member). The shares of a group then add up to its total to the cent. A group whose
    weights sum to zero (or that has no members) keeps its total unallocated.

    Parameters
    ----------
    group : ndarray of int64, shape (n,)
        Group of each member, in ``range(len(total))``.
    weight : ndarray of int64, shape (n,)
        Weights (credited cents; may be negative, as clawback lines are).
    total : ndarray of int64, shape (g,)
        Amount per group, cents.

    Returns
    -------
    share : ndarray of int64, shape (n,)
        Each member's cents.
    unallocated : ndarray of int64, shape (g,)
        What could not be allocated (the total where the weights sum to zero, else 0).

    Examples
    --------
    >>> share, rest = allocate_cents(np.array([0, 0, 0]), np.array([1, 1, 1]), np.array([100]))
    >>> share.tolist(), rest.tolist()
    ([34, 33, 33], [0])
    """
    group = np.asarray(group, dtype=np.int64)
    weight = np.asarray(weight, dtype=np.int64)
    total = np.asarray(total, dtype=np.int64)
    n_g = len(total)
    wsum = _group_sum(group, weight, n_g)
    zero = wsum == 0
    share = np.zeros(len(group), dtype=np.int64)
    # Only members of groups with something to share need the exact split.
    busy_group = (total != 0) & ~zero
    busy = None if busy_group.all() else np.flatnonzero(busy_group[group])
    g, w = (group, weight) if busy is None else (group[busy], weight[busy])
    if len(g):
        sign = np.where(np.asarray(wsum < 0, dtype=bool), -1, 1)
        den = (wsum * sign)[g]
        num = imul((total * sign)[g], w)
        if num.dtype == object or np.asarray(den).dtype == object:
            q = num // den
            rem = num - q * den
        else:
            q, rem = np.divmod(num, den)
        q = np.asarray(q, dtype=np.int64)
        rem_key = np.asarray(rem, dtype=np.float64 if rem.dtype == object else np.int64)
        left = total - _group_sum(g, q, n_g)
        # Stable sort: within a group, largest remainder first, ties in member order.
        order = _by_group_then_remainder(g, rem_key, np.asarray(den))
        g_sorted = g[order]
        first = np.searchsorted(g_sorted, np.arange(n_g))
        pos = np.arange(len(order)) - first[g_sorted]
        extra = np.zeros(len(g), dtype=np.int64)
        extra[order] = pos < left[g_sorted]
        if busy is None:
            share = q + extra
        else:
            share[busy] = q + extra
    return share, np.where(zero, total, 0).astype(np.int64)


def _by_group_then_remainder(g: np.ndarray, rem: np.ndarray, den: np.ndarray) -> np.ndarray:
    """Stable order by group, then by remainder descending (``0 <= rem < den`` per group)."""
    if rem.dtype != object and den.dtype != object and len(g):
        g_bits = int(g.max()).bit_length()
        d_bits = int(den.max()).bit_length()
        if g_bits + d_bits <= 62:
            # One integer key (group high, complement of the remainder low) sorts faster.
            key = (g.astype(np.int64) << d_bits) | ((1 << d_bits) - 1 - rem.astype(np.int64))
            return np.argsort(key, kind="stable")
    return np.lexsort((-np.asarray(rem, dtype=np.float64), g))


def _group_sum(group: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    """Exact sums of integer values per group (float bincount when provably exact)."""
    top = int(np.abs(values).max(initial=0))
    if top * max(len(values), 1) < 2**53:
        sums = np.bincount(group, weights=values, minlength=n_groups)
        return np.rint(sums).astype(np.int64)
    out = np.zeros(n_groups, dtype=object)
    np.add.at(out, group, values.astype(object))
    return out


def imul(*factors: np.ndarray | int) -> np.ndarray:
    """Exact product of integer arrays: ``int64`` when it provably fits, Python ints otherwise.

    Rational figures (an attainment ``credit / quota``, a base commission rate ``target /
    quota``) are carried as numerator and denominator built with this, so nothing is rounded
    before the single rounding to cents (:func:`round_ratio`).
    """
    out = np.asarray(factors[0])
    for f in factors[1:]:
        f = np.asarray(f)
        if out.dtype == object or f.dtype == object:
            out = out.astype(object) * f.astype(object)
            continue
        top = int(np.abs(out).max(initial=0)) * int(np.abs(f).max(initial=0))
        if top < _INT64_SAFE:
            out = out.astype(np.int64) * f.astype(np.int64)
        else:
            out = out.astype(object) * f.astype(object)
    return out


def iadd(a: np.ndarray, b: np.ndarray, sign: int = 1) -> np.ndarray:
    """Exact ``a + sign * b`` of integer arrays (Python ints when either is, or when large)."""
    a, b = np.asarray(a), np.asarray(b)
    big = a.dtype == object or b.dtype == object
    if not big:
        top = int(np.abs(a).max(initial=0)) + int(np.abs(b).max(initial=0))
        big = top >= _INT64_SAFE
    if big:
        a, b = a.astype(object), b.astype(object)
    return a + b if sign > 0 else a - b


def round_ratio(num: np.ndarray, den: np.ndarray | int) -> np.ndarray:
    """``num / den`` rounded half away from zero to an integer (``den > 0``), as ``int64``."""
    num, den = np.asarray(num), np.asarray(den)
    if num.dtype == object or den.dtype == object:
        num, den = num.astype(object), den.astype(object)
        mag = np.abs(num)
        q = mag // den
        q = q + (2 * (mag - q * den) >= den)
        return np.where(num < 0, -q, q).astype(np.int64)
    return div_round(num, den)


def reduce_units(units: np.ndarray | list[int]) -> tuple[np.ndarray, int]:
    """Factors in units of 1e-8 as integers over their smallest common denominator.

    ``[0, 0.5, 1.5]`` (units ``[0, 50000000, 150000000]``) becomes ``([0, 1, 3], 2)``, so
    exact products stay small enough for ``int64``.
    """
    arr = np.asarray(units, dtype=np.int64)
    g = int(np.gcd.reduce(np.append(np.abs(arr), FACTOR_SCALE)))
    return arr // g, FACTOR_SCALE // g


def compare(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Sign of ``a - b`` for exact integer arrays (either may hold Python ints)."""
    a, b = np.asarray(a), np.asarray(b)
    return np.sign(iadd(a, b, -1)).astype(np.int64)
