"""Expected attainment: Monte Carlo of each rep's bookings against the quota.

Each rep's annual bookings are lognormal with a given mean and coefficient of variation; a
common market factor correlates reps (a good year lifts everyone). The share of reps at or
above quota in each simulated year gives the plan's expected share and its spread, so a quota
plan is judged before it is issued. Practitioners call 55–65% of reps at or above quota
healthy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from spm_models.errors import InputDataError, Problem, param_error
from spm_models.quota.inputs import QUOTA_BOOKING_TYPES, require_columns

#: Share of reps at or above quota that practitioners consider healthy.
HEALTHY_SHARE: tuple[float, float] = (0.55, 0.65)

#: z-score of the upper bound of a central interval, by interval width.
_Z = {0.8: 1.2815515655446004, 0.9: 1.6448536269514722, 0.95: 1.959963984540054}


@dataclass(frozen=True)
class AttainmentResult:
    """Simulated attainment of a quota plan.

    Attributes
    ----------
    by_rep : DataFrame
        ``rep_id, quota, expected_bookings, cv, expected_attainment, p_at_or_above,
        attainment_p10, attainment_p50, attainment_p90``.
    share_at_or_above : ndarray
        Share of reps at or above quota in each simulated year.
    attainment_sample : ndarray
        Attainment of every rep in every simulated year (flattened), for histograms.
    n_sims : int
    seed : int
    """

    by_rep: pd.DataFrame
    share_at_or_above: np.ndarray
    attainment_sample: np.ndarray
    n_sims: int
    seed: int

    @property
    def expected_share(self) -> float:
        """Expected share of reps at or above quota."""
        return float(self.share_at_or_above.mean())

    @property
    def share_interval(self) -> tuple[float, float]:
        """10th and 90th percentiles of the share of reps at or above quota."""
        lo, hi = np.percentile(self.share_at_or_above, [10, 90])
        return float(lo), float(hi)

    @property
    def aggregate_attainment(self) -> float:
        """Expected bookings over quota for the team as a whole (a ratio of sums, so large
        territories weigh as much as their dollars)."""
        return float(self.by_rep["expected_bookings"].sum() / self.by_rep["quota"].sum())

    @property
    def mean_attainment(self) -> float:
        """Mean attainment over all reps and simulated years."""
        return float(np.mean(self.attainment_sample))

    @property
    def median_attainment(self) -> float:
        """Median attainment over all reps and simulated years."""
        return float(np.median(self.attainment_sample))

    def draws(self) -> pd.DataFrame:
        """Attainment of each rep (columns, by ``rep_id``) in each simulated year (rows).

        This is the one simulation behind the expected share at quota; the incentive page
        costs its plans on these same draws.
        """
        matrix = np.asarray(self.attainment_sample).reshape(self.n_sims, len(self.by_rep))
        return pd.DataFrame(matrix, columns=self.by_rep["rep_id"].astype(str).tolist())

    @property
    def verdict(self) -> str:
        """``"too hard"``, ``"healthy"`` or ``"too easy"`` against :data:`HEALTHY_SHARE`."""
        s = self.expected_share
        if s < HEALTHY_SHARE[0]:
            return "too hard"
        return "healthy" if s <= HEALTHY_SHARE[1] else "too easy"


def expected_from_history(
    bookings: pd.DataFrame,
    rep_of: pd.Series,
    as_of: pd.Timestamp,
    *,
    months: int = 24,
    growth: float = 0.0,
    booking_types: Sequence[str] = QUOTA_BOOKING_TYPES,
    min_cv: float = 0.10,
) -> pd.DataFrame:
    """Expected annual bookings and their spread per territory from monthly history.

    The expected value is the trailing 12 months grown by ``growth`` (annualised when
    ``months`` < 12: pass the months of history there are); the coefficient of
    variation of a year comes from the month-to-month spread, ``cv_month / sqrt(12)``, floored
    at ``min_cv`` (history understates the uncertainty of next year).

    Parameters
    ----------
    rep_of : Series
        Rep of each account by ``account_id`` (history follows the accounts as aligned).

    Returns
    -------
    DataFrame
        ``rep_id, expected_bookings, cv``.
    """
    require_columns(bookings, ["account_id", "period", "booking_type", "amount"], "bookings")
    end = pd.Timestamp(as_of).to_period("M").to_timestamp()
    start = end - pd.DateOffset(months=months - 1)
    b = bookings.loc[
        (bookings["period"] >= start)
        & (bookings["period"] <= end)
        & bookings["booking_type"].isin(list(booking_types))
    ].copy()
    b["rep_id"] = b["account_id"].map(rep_of)
    monthly = (
        b.dropna(subset=["rep_id"])
        .groupby(["rep_id", "period"])["amount"]
        .sum()
        .unstack("period")
        .reindex(columns=pd.date_range(start, end, freq="MS"))
        .fillna(0.0)
    )
    # With under a year of months the trailing year is annualised from the months there are.
    last12 = monthly.iloc[:, -12:].sum(axis=1) * (12 / min(12, monthly.shape[1]))
    mean_m = monthly.mean(axis=1)
    cv_m = monthly.std(axis=1, ddof=1) / mean_m.where(mean_m > 0)
    cv = (cv_m / np.sqrt(12)).fillna(1.0).clip(lower=min_cv)
    return pd.DataFrame(
        {
            "rep_id": monthly.index,
            "expected_bookings": (last12 * (1 + growth)).to_numpy(),
            "cv": cv.to_numpy(),
        }
    )


def expected_from_intervals(forecast: pd.DataFrame, *, interval_width: float = 0.8) -> pd.DataFrame:
    """Expected bookings and CV per rep from forecast intervals.

    Parameters
    ----------
    forecast : DataFrame
        ``rep_id, yhat, yhat_lower, yhat_upper`` (annual, USD), as the forecast module
        produces.
    interval_width : {0.8, 0.9, 0.95}
        Central coverage of ``[yhat_lower, yhat_upper]``.

    Returns
    -------
    DataFrame
        ``rep_id, expected_bookings, cv`` with the lognormal sigma fitted to the interval,
        ``sigma = ln(upper / lower) / (2 z)``.
    """
    require_columns(forecast, ["rep_id", "yhat", "yhat_lower", "yhat_upper"], "forecast")
    if interval_width not in _Z:
        raise param_error(
            "interval_width", "expected_from_intervals", f"one of {sorted(_Z)}", interval_width
        )
    bad = forecast.loc[
        (forecast["yhat_lower"] <= 0) | (forecast["yhat_upper"] < forecast["yhat_lower"])
    ]
    if not bad.empty:
        i = bad.index[0]
        raise InputDataError(
            [
                Problem(
                    source="forecast",
                    column="yhat_lower",
                    message="must be > 0 and <= yhat_upper for a lognormal fit",
                    row=int(i) + 1,
                    key=f"rep_id={forecast.loc[i, 'rep_id']!r}",
                )
            ]
        )
    sigma = np.log(forecast["yhat_upper"] / forecast["yhat_lower"]) / (2 * _Z[interval_width])
    cv = np.sqrt(np.exp(sigma**2) - 1)
    return pd.DataFrame(
        {
            "rep_id": forecast["rep_id"].to_numpy(),
            "expected_bookings": forecast["yhat"].to_numpy(),
            "cv": cv.to_numpy(),
        }
    )


def simulate_attainment(
    quotas: pd.DataFrame,
    expected: pd.DataFrame,
    *,
    n_sims: int = 5000,
    common_share: float = 0.3,
    seed: int = 7,
) -> AttainmentResult:
    """Simulate each rep's attainment of ``quota``.

    Parameters
    ----------
    quotas : DataFrame
        ``rep_id, quota`` (annual, > 0).
    expected : DataFrame
        ``rep_id, expected_bookings, cv`` (see :func:`expected_from_history`).
    n_sims : int
        Simulated years.
    common_share : float in [0, 1]
        Share of each rep's log-variance that comes from a common market factor.
    seed : int

    Returns
    -------
    AttainmentResult
    """
    require_columns(quotas, ["rep_id", "quota"], "quotas")
    require_columns(expected, ["rep_id", "expected_bookings", "cv"], "expected")
    if n_sims < 1:
        raise param_error("n_sims", "simulate_attainment", ">= 1", n_sims)
    if not 0 <= common_share <= 1:
        raise param_error("common_share", "simulate_attainment", "in [0, 1]", common_share)
    df = quotas[["rep_id", "quota"]].merge(expected, on="rep_id", how="left")
    missing = df.loc[df["expected_bookings"].isna()]
    if not missing.empty:
        raise InputDataError(
            [
                Problem(
                    source="expected",
                    column="expected_bookings",
                    message="is missing for a rep with a quota",
                    key=f"rep_id={r!r}",
                )
                for r in missing["rep_id"]
            ]
        )
    bad = df.loc[(df["quota"] <= 0) | (df["cv"] < 0) | (df["expected_bookings"] < 0)]
    if not bad.empty:
        r = bad.iloc[0]
        raise InputDataError(
            [
                Problem(
                    source="quotas",
                    column="quota",
                    message=(
                        "quota must be > 0, expected_bookings >= 0 and cv >= 0; got "
                        f"quota={r['quota']!r}, expected_bookings={r['expected_bookings']!r}, "
                        f"cv={r['cv']!r}"
                    ),
                    row=int(bad.index[0]) + 1,
                    key=f"rep_id={r['rep_id']!r}",
                )
            ]
        )
    rng = np.random.default_rng(seed)
    mean = df["expected_bookings"].to_numpy(float)
    sigma = np.sqrt(np.log1p(df["cv"].to_numpy(float) ** 2))
    mu = np.log(np.where(mean > 0, mean, 1.0)) - sigma**2 / 2
    z_common = rng.standard_normal((n_sims, 1))
    z_own = rng.standard_normal((n_sims, len(df)))
    z = np.sqrt(common_share) * z_common + np.sqrt(1 - common_share) * z_own
    sims = np.where(mean > 0, np.exp(mu + sigma * z), 0.0)
    att = sims / df["quota"].to_numpy(float)
    at_or_above = att >= 1.0
    p10, p50, p90 = np.percentile(att, [10, 50, 90], axis=0)
    by_rep = df.assign(
        expected_attainment=mean / df["quota"].to_numpy(float),
        p_at_or_above=at_or_above.mean(axis=0),
        attainment_p10=p10,
        attainment_p50=p50,
        attainment_p90=p90,
    )
    return AttainmentResult(by_rep, at_or_above.mean(axis=1), att.ravel(), n_sims, seed)
