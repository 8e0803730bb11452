"""Allocate a company target down to regions, territories and reps.

Each method returns a :class:`QuotaAllocation` whose ``quotas`` table has one row per rep
(``rep_id, region, manager_id, share, quota``) and whose quotas sum to the target. Bottom-up
is the exception: it is an estimate built from the accounts, reconciled against the top-down
target with :func:`reconcile`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from spm_models.errors import InputDataError, Problem, param_error
from spm_models.quota.inputs import require_columns


@dataclass(frozen=True)
class QuotaAllocation:
    """Quotas set by one allocation method.

    Attributes
    ----------
    method : str
        Method name (``even``, ``historical``, ``potential``, ``bottom_up``, ``blended``).
    target : float
        The total the quotas sum to (USD).
    quotas : DataFrame
        ``rep_id, region, manager_id, share, quota`` (one row per rep).
    implied_growth : float or None
        Target over the trailing bookings minus one, when history is known.
    """

    method: str
    target: float
    quotas: pd.DataFrame
    implied_growth: float | None = None

    @property
    def total(self) -> float:
        """Sum of the quotas."""
        return float(self.quotas["quota"].sum())


def _check_target(target: float, caller: str) -> float:
    if not np.isfinite(target) or target <= 0:
        raise param_error("target", caller, "a positive finite amount in USD", target)
    return float(target)


def _from_weights(
    territories: pd.DataFrame, weights: pd.Series, target: float, method: str, column: str
) -> QuotaAllocation:
    bad = territories.loc[weights < 0]
    if not bad.empty:
        raise InputDataError(
            [
                Problem(
                    source="territories",
                    column=column,
                    message=f"must be >= 0; got {weights[bad.index[0]]!r}",
                    row=int(bad.index[0]) + 1,
                    key=f"rep_id={bad['rep_id'].iloc[0]!r}",
                )
            ]
        )
    total = float(weights.sum())
    if total <= 0:
        raise InputDataError(
            [
                Problem(
                    source="territories",
                    column=column,
                    message=f"must sum to more than 0 for the {method!r} method; got {total!r}",
                )
            ]
        )
    out = territories[["rep_id", "region", "manager_id"]].copy()
    out["share"] = (weights / total).to_numpy()
    out["quota"] = out["share"] * target
    growth = None
    if "trailing_bookings" in territories.columns:
        hist = float(territories["trailing_bookings"].sum())
        growth = target / hist - 1.0 if hist > 0 else None
    return QuotaAllocation(method, target, out.reset_index(drop=True), growth)


def even_split(territories: pd.DataFrame, target: float, *, by_fte: bool = True) -> QuotaAllocation:
    """Split ``target`` evenly over the seats (weighted by FTE when ``by_fte``).

    Examples
    --------
    Four full-time seats and a $2M target give $500k each.
    """
    target = _check_target(target, "even_split")
    require_columns(territories, ["rep_id", "region", "manager_id"], "territories")
    if by_fte and "fte" in territories.columns:
        weights = territories["fte"].astype(float)
    else:
        weights = pd.Series(1.0, index=territories.index)
    return _from_weights(territories, weights, target, "even", "fte")


def historical(territories: pd.DataFrame, target: float) -> QuotaAllocation:
    """Give each territory its trailing bookings grown at the company's implied rate.

    ``quota_i = trailing_i * (1 + g)`` with ``g = target / sum(trailing) - 1``, i.e. each
    territory's share of the target equals its share of history.
    """
    target = _check_target(target, "historical")
    require_columns(territories, ["rep_id", "trailing_bookings"], "territories")
    w = territories["trailing_bookings"].astype(float)
    return _from_weights(territories, w, target, "historical", "trailing_bookings")


def potential_based(territories: pd.DataFrame, target: float) -> QuotaAllocation:
    """Split ``target`` in proportion to each territory's account potential (as aligned)."""
    target = _check_target(target, "potential_based")
    require_columns(territories, ["rep_id", "potential"], "territories")
    return _from_weights(
        territories, territories["potential"].astype(float), target, "potential", "potential"
    )


def bottom_up(
    accounts: pd.DataFrame,
    rep_of: pd.Series,
    penetration: float | Mapping[str, float],
    *,
    territories: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Estimate each territory's bookings from account potential times expected penetration.

    Parameters
    ----------
    accounts : DataFrame
        ``account_id, potential`` and, when ``penetration`` is a mapping, ``segment``.
    rep_of : Series
        Rep of each account, indexed by ``account_id`` (see
        :func:`~spm_models.quota.inputs.alignment_from_assignment`).
    penetration : float or mapping of segment to float
        Share of an account's annual potential expected to be booked this year (0–1).
    territories : DataFrame, optional
        When given, every seat in it appears in the result (0 when it has no accounts).

    Returns
    -------
    DataFrame
        ``rep_id, bottom_up`` (USD).
    """
    require_columns(accounts, ["account_id", "potential"], "accounts")
    acc = accounts.set_index("account_id")
    if isinstance(penetration, Mapping):
        require_columns(accounts, ["segment"], "accounts")
        missing = sorted(set(acc["segment"]) - set(penetration))
        if missing:
            raise param_error(
                "penetration",
                "bottom_up",
                f"a rate for every segment (missing {missing})",
                dict(penetration),
            )
        rate = acc["segment"].map(dict(penetration)).astype(float)
    else:
        rate = pd.Series(float(penetration), index=acc.index)
    if ((rate < 0) | (rate > 1)).any():
        raise param_error("penetration", "bottom_up", "between 0 and 1", penetration)
    est = (acc["potential"].astype(float) * rate).groupby(rep_of.reindex(acc.index)).sum()
    out = est.rename("bottom_up").rename_axis("rep_id").reset_index()
    if territories is not None:
        out = territories[["rep_id"]].merge(out, on="rep_id", how="left").fillna({"bottom_up": 0.0})
    return out


def bottom_up_allocation(
    territories: pd.DataFrame, bottom_up_estimate: pd.DataFrame, target: float
) -> QuotaAllocation:
    """Spread ``target`` in proportion to each territory's bottom-up estimate."""
    target = _check_target(target, "bottom_up_allocation")
    est = territories[["rep_id"]].merge(bottom_up_estimate, on="rep_id", how="left")
    w = est["bottom_up"].fillna(0.0).astype(float)
    w.index = territories.index
    return _from_weights(territories, w, target, "bottom_up", "bottom_up")


METHODS: dict[str, Callable[[pd.DataFrame, float], QuotaAllocation]] = {
    "even": even_split,
    "historical": historical,
    "potential": potential_based,
}


def blended(
    territories: pd.DataFrame,
    target: float,
    weights: Mapping[str, float],
    *,
    bottom_up_estimate: pd.DataFrame | None = None,
) -> QuotaAllocation:
    """Blend the shares of several methods: ``quota_i = target * sum_m w_m * share_{m,i}``.

    Parameters
    ----------
    weights : mapping of method name to weight
        Names among ``even``, ``historical``, ``potential`` and ``bottom_up`` (the last needs
        ``bottom_up_estimate``). Weights must be >= 0; they are normalised to sum to one.
    """
    target = _check_target(target, "blended")
    known = {*METHODS, "bottom_up"}
    unknown = sorted(set(weights) - known)
    if unknown:
        raise param_error("weights", "blended", f"keyed by methods among {sorted(known)}", unknown)
    w = {k: float(v) for k, v in weights.items() if float(v) != 0.0}
    if any(v < 0 for v in w.values()) or not w:
        raise param_error("weights", "blended", "non-negative with a positive sum", dict(weights))
    total_w = sum(w.values())
    share = np.zeros(len(territories))
    for name, wt in w.items():
        if name == "bottom_up":
            if bottom_up_estimate is None:
                raise param_error(
                    "bottom_up_estimate", "blended", "given when weights include 'bottom_up'", None
                )
            part = bottom_up_allocation(territories, bottom_up_estimate, target)
        else:
            part = METHODS[name](territories, target)
        share += wt / total_w * part.quotas["share"].to_numpy()
    res = _from_weights(
        territories, pd.Series(share, index=territories.index), target, "blended", "share"
    )
    return res


def allocate(
    territories: pd.DataFrame,
    target: float,
    method: str,
    *,
    weights: Mapping[str, float] | None = None,
    bottom_up_estimate: pd.DataFrame | None = None,
) -> QuotaAllocation:
    """Dispatch to one allocation method by name (``even``, ``historical``, ``potential``,
    ``bottom_up`` or ``blended``)."""
    if method in METHODS:
        return METHODS[method](territories, target)
    if method == "bottom_up":
        if bottom_up_estimate is None:
            raise param_error("bottom_up_estimate", "allocate", "given for 'bottom_up'", None)
        return bottom_up_allocation(territories, bottom_up_estimate, target)
    if method == "blended":
        if not weights:
            raise param_error("weights", "allocate", "given for 'blended'", weights)
        return blended(territories, target, weights, bottom_up_estimate=bottom_up_estimate)
    raise param_error("method", "allocate", f"one of {[*METHODS, 'bottom_up', 'blended']}", method)


@dataclass(frozen=True)
class Reconciliation:
    """Top-down target against the bottom-up estimate.

    Attributes
    ----------
    top_down, bottom_up : float
        Totals in USD.
    gap : float
        ``top_down - bottom_up``: positive means the target asks for more than the accounts
        are expected to yield.
    gap_pct : float
        ``gap / bottom_up``.
    by_territory : DataFrame
        ``rep_id, quota, bottom_up, gap, gap_pct``.
    """

    top_down: float
    bottom_up: float
    gap: float
    gap_pct: float
    by_territory: pd.DataFrame


def reconcile(allocation: QuotaAllocation, bottom_up_estimate: pd.DataFrame) -> Reconciliation:
    """Compare a top-down allocation with the bottom-up estimate, in total and by territory."""
    df = allocation.quotas[["rep_id", "region", "quota"]].merge(
        bottom_up_estimate[["rep_id", "bottom_up"]], on="rep_id", how="left"
    )
    df["bottom_up"] = df["bottom_up"].fillna(0.0)
    df["gap"] = df["quota"] - df["bottom_up"]
    df["gap_pct"] = np.where(
        df["bottom_up"] > 0, df["gap"] / df["bottom_up"].where(df["bottom_up"] > 0, 1.0), np.nan
    )
    td, bu = float(df["quota"].sum()), float(df["bottom_up"].sum())
    return Reconciliation(td, bu, td - bu, (td - bu) / bu if bu > 0 else float("nan"), df)


@dataclass(frozen=True)
class TopDownPlan:
    """The steps from a company target to a per-rep quota.

    Attributes
    ----------
    company_target : float
    expected_renewals : float
    new_business : float
        ``company_target - expected_renewals``.
    rep_share : float
        Share of new business carried by quota-bearing reps (the rest: other channels).
    rep_carried : float
        ``new_business * rep_share``: the part the quota-carrying reps must book.
    cushion : float
        Over-assignment applied to the rep layer (e.g. 0.15).
    rep_quota_total : float
        ``rep_carried * (1 + cushion)``.
    n_reps : int
    per_rep_without_cushion, per_rep : float
    """

    company_target: float
    expected_renewals: float
    new_business: float
    rep_share: float
    rep_carried: float
    cushion: float
    rep_quota_total: float
    n_reps: int
    per_rep_without_cushion: float
    per_rep: float


def top_down(
    company_target: float,
    *,
    expected_renewals: float = 0.0,
    rep_share: float = 1.0,
    n_reps: int,
    cushion: float = 0.0,
) -> TopDownPlan:
    """Walk a company bookings target down to an even per-rep quota.

    Examples
    --------
    A $50M target with $30M of expected renewals leaves $20M of new business; reps carry
    80% of it ($16M), i.e. $800k each over 20 reps; a 15% cushion makes it $18.4M, $920k each.

    >>> p = top_down(50e6, expected_renewals=30e6, rep_share=0.8, n_reps=20, cushion=0.15)
    >>> round(p.per_rep)
    920000
    """
    if company_target <= 0:
        raise param_error("company_target", "top_down", "> 0", company_target)
    if not 0 <= expected_renewals < company_target:
        raise param_error(
            "expected_renewals", "top_down", "between 0 and the company target", expected_renewals
        )
    if not 0 < rep_share <= 1:
        raise param_error("rep_share", "top_down", "in (0, 1]", rep_share)
    if n_reps < 1:
        raise param_error("n_reps", "top_down", ">= 1", n_reps)
    if not 0 <= cushion < 1:
        raise param_error("cushion", "top_down", "in [0, 1)", cushion)
    new_business = company_target - expected_renewals
    carried = new_business * rep_share
    total = carried * (1 + cushion)
    return TopDownPlan(
        company_target,
        expected_renewals,
        new_business,
        rep_share,
        carried,
        cushion,
        total,
        n_reps,
        carried / n_reps,
        total / n_reps,
    )
