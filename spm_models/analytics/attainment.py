"""Attainment to date, pace and projected end-of-period attainment, per rep, team and region.

The period is the twelve months ending ``period_end``; ``today`` is a day inside it and
bookings after ``today`` are unknown. Bookings history is monthly, so a month's bookings are
taken as spread evenly over its days: on 15 November, half of November's bookings are known.

Quotas are monthly, with each rep's ramp and mid-period start applied (see
:func:`spm_models.quota.ramped_quotas`): from the quota plan when it covers the period,
otherwise derived from the twelve months of bookings before the period grown by ``growth``
(fewer months are annualised; with none before the period there is no quota to measure).

Pace is the share of the rep's period quota that should be booked by ``today``:

- *linear*: ``sum_m r_m w_m f_m / sum_m r_m w_m`` (productive time elapsed);
- *seasonal*: ``sum_m s_m r_m w_m f_m / sum_m s_m r_m w_m`` (the historical within-period
  pattern ``s``),

where ``r_m`` is the ramp factor, ``w_m`` the share of month ``m`` employed and ``f_m`` the
share of month ``m`` elapsed by ``today``. A rep is *on pace* when bookings to date reach the
seasonal expectation. Without a full year of history before the period there is no pattern to
learn, so ``s`` is even and pace is linear (:attr:`AttainmentResult.pace_basis` says which).

The end-of-period projection adds to bookings to date the quota still due, booked at a blend
of the rep's pace so far and the plan, the blend weight chosen on earlier periods (or adds a
bookings forecast's remaining months when one covers them); its interval comes from how the
same projection, made at the same point of earlier periods, missed the actual outcome.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from spm_models.errors import InputDataError, Problem, param_error
from spm_models.quota.attainment import HEALTHY_SHARE
from spm_models.quota.inputs import QUOTA_BOOKING_TYPES, require_columns
from spm_models.quota.ramp import linear_ramp, ramped_quotas
from spm_models.quota.seasonality import seasonal_profile

#: Share of reps at or above quota that practitioners consider healthy.
BENCHMARK_BAND: tuple[float, float] = HEALTHY_SHARE


@dataclass(frozen=True)
class Period:
    """A twelve-month period and the day inside it up to which bookings are known.

    Attributes
    ----------
    start : Timestamp
        First day of the period.
    end : Timestamp
        Last day of the period.
    today : Timestamp
        Last day whose bookings are known.
    """

    start: pd.Timestamp
    end: pd.Timestamp
    today: pd.Timestamp

    @property
    def months(self) -> pd.DatetimeIndex:
        """First days of the period's twelve months."""
        return pd.date_range(self.start, periods=12, freq="MS")

    @property
    def elapsed(self) -> float:
        """Share of the period's days elapsed by ``today``."""
        return ((self.today - self.start).days + 1) / ((self.end - self.start).days + 1)


def current_period(period_end: str | pd.Timestamp, today: str | pd.Timestamp) -> Period:
    """The twelve months ending on ``period_end`` (a month end), seen on ``today``.

    Raises
    ------
    ValueError
        When ``period_end`` is not a month end or ``today`` is outside the period.
    """
    end = pd.Timestamp(period_end).normalize()
    if end != end + pd.offsets.MonthEnd(0):
        raise param_error(
            "period_end", "current_period", "the last day of a month", str(end.date())
        )
    start = (end - pd.DateOffset(months=12) + pd.Timedelta(days=1)).normalize()
    day = pd.Timestamp(today).normalize()
    if not start <= day <= end:
        raise param_error(
            "today",
            "current_period",
            f"a date within the period {start.date()} to {end.date()}",
            str(day.date()),
        )
    return Period(start=start, end=end, today=day)


def elapsed_fraction(months: Sequence[pd.Timestamp], today: pd.Timestamp) -> np.ndarray:
    """Share of each month (given by its first day) elapsed by the end of ``today``."""
    out = []
    for m in months:
        m = pd.Timestamp(m)
        if today < m:
            out.append(0.0)
        elif today >= m + pd.offsets.MonthEnd(0):
            out.append(1.0)
        else:
            out.append(today.day / m.days_in_month)
    return np.asarray(out, dtype=float)


def known_bookings(
    bookings: pd.DataFrame,
    period: Period,
    *,
    booking_types: Sequence[str] = QUOTA_BOOKING_TYPES,
) -> pd.DataFrame:
    """Quota bookings inside the period known by ``today`` (the current month pro rata).

    Returns
    -------
    DataFrame
        The bookings rows of the period with ``amount`` scaled by the share of their month
        elapsed (rows of months after ``today`` dropped).
    """
    require_columns(
        bookings, ["account_id", "rep_id", "period", "booking_type", "amount"], "bookings"
    )
    b = bookings.loc[
        (bookings["period"] >= period.start)
        & (bookings["period"] <= period.end)
        & bookings["booking_type"].isin(list(booking_types))
    ].copy()
    months = pd.DatetimeIndex(b["period"].unique())
    share = pd.Series(elapsed_fraction(months, period.today), index=months)
    b["amount"] = b["amount"] * b["period"].map(share).to_numpy(dtype=float)
    return b.loc[b["amount"] > 0]


def derived_quotas(
    bookings: pd.DataFrame,
    accounts: pd.DataFrame,
    reps: pd.DataFrame,
    period: Period,
    *,
    growth: float = 0.10,
    booking_types: Sequence[str] = QUOTA_BOOKING_TYPES,
) -> pd.DataFrame:
    """Full-year quotas of ramped reps: the twelve months of bookings before the period on
    each rep's aligned accounts, grown by ``growth``.

    Reps not yet hired by ``today`` and vacant seats get no quota.

    Returns
    -------
    DataFrame
        ``rep_id, hire_date, quota``.
    """
    if growth <= -1:
        raise param_error("growth", "derived_quotas", "> -1", growth)
    lo = period.start - pd.DateOffset(months=12)
    b = bookings.loc[
        (bookings["period"] >= lo)
        & (bookings["period"] < period.start)
        & bookings["booking_type"].isin(list(booking_types))
    ]
    known = months_before(bookings, period)
    # A shorter history is annualised (the page says so); none at all leaves no quota.
    by_account = b.groupby("account_id")["amount"].sum() * (12 / known if known else 0.0)
    rep_of = accounts.set_index("account_id")["current_rep_id"]
    trailing = by_account.groupby(rep_of.reindex(by_account.index)).sum()
    staffed = reps.loc[
        (reps["status"] != "vacant")
        & reps["hire_date"].notna()
        & (reps["hire_date"] <= period.today)
    ]
    quota = trailing.reindex(staffed["rep_id"]).fillna(0.0).to_numpy() * (1 + growth)
    return pd.DataFrame(
        {
            "rep_id": staffed["rep_id"].to_numpy(),
            "hire_date": staffed["hire_date"].to_numpy(),
            "quota": quota,
        }
    )


def months_before(bookings: pd.DataFrame, period: Period, *, cap: int = 12) -> int:
    """Months of bookings history before the period starts (at most ``cap``)."""
    if bookings.empty:
        return 0
    first = pd.Timestamp(bookings["period"].min()).to_period("M")
    months = (period.start.to_period("M") - first).n
    return int(min(max(months, 0), cap))


def plan_covers(quota_months: pd.DataFrame | None, period: Period) -> bool:
    """True when a quota plan's monthly table (``rep_id, period, quota``) covers the period."""
    if quota_months is None or not {"rep_id", "period", "quota"} <= set(quota_months.columns):
        return False
    months = set(pd.to_datetime(quota_months["period"]))
    return set(period.months) <= months


def monthly_quotas(
    company_bookings: pd.DataFrame,
    accounts: pd.DataFrame,
    reps: pd.DataFrame,
    period: Period,
    *,
    growth: float = 0.10,
    ramp: Sequence[float] = linear_ramp(6),
    profile: pd.Series | None = None,
    quota_months: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, str]:
    """Each rep's monthly quota over the period, with ramp and proration.

    Parameters
    ----------
    company_bookings, accounts, reps : DataFrame
        The company's tables.
    period : Period
    growth : float, default 0.10
        Growth over the year before the period, for derived quotas.
    ramp : sequence of float
        Productivity by tenure month (see :func:`spm_models.quota.linear_ramp`).
    profile : Series, optional
        Monthly shares of the period indexed 1..12; from the history before the period when
        omitted.
    quota_months : DataFrame, optional
        A quota plan's monthly quotas (``rep_id, period, quota``), used when it covers every
        month of the period.

    Returns
    -------
    monthly : DataFrame
        ``rep_id, period, ramp_factor, worked_fraction, quota``.
    source : str
        ``"quota plan"`` or how quotas were derived from the bookings before the period.
    """
    if plan_covers(quota_months, period):
        q = quota_months.assign(period=pd.to_datetime(quota_months["period"]))
        q = q.loc[q["period"].isin(period.months)]
        monthly = q[["rep_id", "period", "quota"]].copy()
        for col, default in (("ramp_factor", 1.0), ("worked_fraction", 1.0)):
            monthly[col] = q[col].to_numpy() if col in q.columns else default
        return monthly[
            ["rep_id", "period", "ramp_factor", "worked_fraction", "quota"]
        ], "quota plan"
    annual = derived_quotas(company_bookings, accounts, reps, period, growth=growth)
    if profile is None:
        profile = period_profile(company_bookings, period)
    monthly = ramped_quotas(annual, plan_start=period.start, ramp=ramp, profile=profile)
    cols = ["rep_id", "period", "ramp_factor", "worked_fraction", "quota"]
    known = months_before(company_bookings, period)
    grown = f"grown by {growth:.0%}"
    if known >= 12:
        return monthly[cols], f"the year of bookings before the period, {grown}"
    return monthly[cols], f"{known} months of bookings before the period, annualised and {grown}"


def period_profile(bookings: pd.DataFrame, period: Period) -> pd.Series:
    """Within-period seasonal shares (indexed 1..12 from the period's first month) from the
    bookings history before the period; even shares (linear pace) without a full year of it."""
    before = bookings.loc[bookings["period"] < period.start]
    if months_before(bookings, period) < 12:
        return pd.Series(np.full(12, 1 / 12), index=pd.RangeIndex(1, 13, name="fiscal_month"))
    try:
        return seasonal_profile(before, fiscal_start_month=period.start.month)
    except InputDataError:
        return pd.Series(np.full(12, 1 / 12), index=pd.RangeIndex(1, 13, name="fiscal_month"))


def pace_shares(monthly: pd.DataFrame, profile: pd.Series, period: Period) -> pd.DataFrame:
    """Linear and seasonal share of each rep's period quota due by ``today``.

    Parameters
    ----------
    monthly : DataFrame
        ``rep_id, period, ramp_factor, worked_fraction`` for the period's months.
    profile : Series
        Twelve seasonal shares indexed 1..12 from the period's first month.

    Returns
    -------
    DataFrame
        ``rep_id, linear_share, seasonal_share`` (missing for a rep with no productive month).
    """
    f = pd.Series(elapsed_fraction(period.months, period.today), index=period.months)
    s = pd.Series(np.asarray(profile, dtype=float), index=period.months)
    m = monthly.assign(
        cap=monthly["ramp_factor"] * monthly["worked_fraction"],
        f=monthly["period"].map(f).to_numpy(dtype=float),
        s=monthly["period"].map(s).to_numpy(dtype=float),
    )
    m["cap_s"] = m["cap"] * m["s"]
    m["cap_f"] = m["cap"] * m["f"]
    m["cap_s_f"] = m["cap_s"] * m["f"]
    g = m.groupby("rep_id", sort=False)[["cap", "cap_s", "cap_f", "cap_s_f"]].sum()
    return pd.DataFrame(
        {
            "rep_id": g.index,
            "linear_share": (g["cap_f"] / g["cap"].where(g["cap"] > 0)).to_numpy(),
            "seasonal_share": (g["cap_s_f"] / g["cap_s"].where(g["cap_s"] > 0)).to_numpy(),
        }
    )


#: Candidate weights of the rep's own pace (against the plan) for the remaining months.
PACE_WEIGHTS: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0)


def blend_projection(
    to_date: np.ndarray | pd.Series,
    quota: np.ndarray | pd.Series,
    seasonal_share: np.ndarray | pd.Series,
    pace_weight: float,
) -> np.ndarray:
    """End-of-period bookings: bookings to date plus the quota still due, booked at a blend of
    the rep's pace so far and the plan.

    ``to_date + quota * (1 - s) * (w * pace + 1 - w)`` with ``pace = to_date / (quota * s)``;
    ``w = 1`` is the pure run rate ``to_date / s``, ``w = 0`` books the rest exactly to plan.
    """
    to_date = np.asarray(to_date, dtype=float)
    quota = np.asarray(quota, dtype=float)
    s = np.asarray(seasonal_share, dtype=float)
    due = quota * s
    with np.errstate(divide="ignore", invalid="ignore"):
        pace = np.where(due > 0, to_date / due, np.nan)
    return to_date + quota * (1 - s) * (pace_weight * pace + 1 - pace_weight)


@dataclass(frozen=True)
class ProjectionBacktest:
    """How the blended projection, made at the same point of earlier periods, missed.

    Attributes
    ----------
    pace_weight : float
        The weight of :data:`PACE_WEIGHTS` with the smallest mean squared log error.
    ratios : ndarray
        Actual / projected for every earlier rep-period with that weight.
    errors : dict of float to float
        Mean squared log error by candidate weight.
    """

    pace_weight: float
    ratios: np.ndarray
    errors: dict[float, float]


def backtest_projection(
    company,
    profile: pd.Series,
    period: Period,
    *,
    growth: float = 0.10,
    booking_types: Sequence[str] = QUOTA_BOOKING_TYPES,
) -> ProjectionBacktest:
    """Replay the projection at the same day of each earlier period with a full year of
    history before it, for reps employed the whole of that period, and pick the pace weight.

    Earlier periods' quotas are derived the same way (bookings of the year before, grown by
    ``growth``). With fewer than five rep-periods the run rate (weight 1) is kept and
    ``ratios`` is what there is.
    """
    b = company.bookings
    credited = b.loc[b["booking_type"].isin(list(booking_types)) & b["rep_id"].notna()]
    shares = np.asarray(profile, dtype=float)
    rows: list[pd.DataFrame] = []
    first = b["period"].min() if len(b) else period.start
    for back in range(1, 10):
        start = period.start - pd.DateOffset(years=back)
        if start - pd.DateOffset(months=12) < first:
            break
        past = Period(
            start=start,
            end=(start + pd.DateOffset(months=12) - pd.Timedelta(days=1)).normalize(),
            today=period.today - pd.DateOffset(years=back),
        )
        f = elapsed_fraction(past.months, past.today)
        share = float((shares * f).sum())
        if share <= 0:
            continue
        quotas = derived_quotas(b, company.accounts, company.reps, past, growth=growth)
        quotas = quotas.loc[(quotas["hire_date"] <= past.start) & (quotas["quota"] > 0)]
        yb = credited.loc[(credited["period"] >= past.start) & (credited["period"] <= past.end)]
        fmap = pd.Series(f, index=past.months)
        known = yb["amount"] * yb["period"].map(fmap).to_numpy(dtype=float)
        rows.append(
            pd.DataFrame(
                {
                    "quota": quotas["quota"].to_numpy(),
                    "to_date": known.groupby(yb["rep_id"])
                    .sum()
                    .reindex(quotas["rep_id"])
                    .fillna(0.0)
                    .to_numpy(),
                    "actual": yb.groupby("rep_id")["amount"]
                    .sum()
                    .reindex(quotas["rep_id"])
                    .fillna(0.0)
                    .to_numpy(),
                    "share": share,
                }
            )
        )
    table = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    if table.empty:
        return ProjectionBacktest(pace_weight=1.0, ratios=np.array([]), errors={})
    ratios: dict[float, np.ndarray] = {}
    errors: dict[float, float] = {}
    for w in PACE_WEIGHTS:
        projected = blend_projection(table["to_date"], table["quota"], table["share"], w)
        good = (projected > 0) & (table["actual"].to_numpy() > 0)
        ratios[w] = table["actual"].to_numpy()[good] / projected[good]
        errors[w] = float(np.mean(np.log(ratios[w]) ** 2)) if good.any() else float("inf")
    if len(ratios[1.0]) < 5:
        return ProjectionBacktest(pace_weight=1.0, ratios=ratios[1.0], errors=errors)
    best = min(PACE_WEIGHTS, key=lambda w: (errors[w], -w))
    return ProjectionBacktest(pace_weight=best, ratios=ratios[best], errors=errors)


def forecast_remaining(forecast: pd.DataFrame | None, period: Period) -> pd.DataFrame | None:
    """Remaining bookings per rep from a forecast table, when it covers the rest of the period.

    The forecast follows the house contract (``ds, yhat, yhat_lower, yhat_upper``) with a
    ``rep_id`` column and monthly ``ds``. The current month counts for its share not yet
    elapsed; interval bounds are summed over months.

    Returns
    -------
    DataFrame or None
        ``rep_id, remaining, remaining_low, remaining_high``; ``None`` when the forecast is
        absent, lacks columns or does not cover every remaining month.
    """
    needed = {"rep_id", "ds", "yhat", "yhat_lower", "yhat_upper"}
    if forecast is None or not needed <= set(forecast.columns):
        return None
    fc = forecast.assign(ds=pd.to_datetime(forecast["ds"]).dt.to_period("M").dt.to_timestamp())
    f = pd.Series(elapsed_fraction(period.months, period.today), index=period.months)
    todo = f[f < 1]
    if todo.empty:
        return pd.DataFrame(columns=["rep_id", "remaining", "remaining_low", "remaining_high"])
    fc = fc.loc[fc["ds"].isin(todo.index)]
    covered = fc.groupby("rep_id")["ds"].nunique()
    if covered.empty or (covered < len(todo)).any():
        return None
    left = 1 - fc["ds"].map(todo).to_numpy(dtype=float)
    parts = fc[["yhat", "yhat_lower", "yhat_upper"]].mul(left, axis=0).clip(lower=0)
    g = parts.groupby(fc["rep_id"]).sum()
    return pd.DataFrame(
        {
            "rep_id": g.index,
            "remaining": g["yhat"].to_numpy(),
            "remaining_low": g["yhat_lower"].to_numpy(),
            "remaining_high": g["yhat_upper"].to_numpy(),
        }
    )


@dataclass(frozen=True)
class AttainmentResult:
    """Attainment to date, pace and projection for a period.

    Attributes
    ----------
    period : Period
    by_rep : DataFrame
        ``rep_id, rep_name, region, manager_id, status, hire_date, quota, to_date,
        attainment, linear_share, seasonal_share, expected_linear, expected_seasonal,
        pace_linear, pace_seasonal, on_pace, p_at_or_above, projected, projected_low,
        projected_high, projected_attainment, projected_attainment_low,
        projected_attainment_high`` (``p_at_or_above``: chance of finishing at or above quota)
        (money in USD, shares and attainment as fractions).
    by_team, by_region : DataFrame
        The same sums per ``manager_id`` / ``region``: ``reps, quota, to_date,
        expected_seasonal, projected, attainment, pace_seasonal, projected_attainment,
        share_on_pace``.
    monthly : DataFrame
        ``rep_id, period, ramp_factor, worked_fraction, quota, booked`` (booked known to
        date).
    profile : Series
        Seasonal shares of the period's months.
    quota_source, projection_source : str
        Where quotas and the projection came from.
    interval : float
        Central coverage of the projection interval.
    pace_basis : str
        ``"seasonal"`` (the pattern of a full year of history before the period) or
        ``"linear"`` (even months: less than a year of history before the period).
    history_before : int
        Months of bookings history before the period (at most 12).
    """

    period: Period
    by_rep: pd.DataFrame
    by_team: pd.DataFrame
    by_region: pd.DataFrame
    monthly: pd.DataFrame
    profile: pd.Series
    quota_source: str
    projection_source: str
    interval: float
    pace_basis: str = "seasonal"
    history_before: int = 12

    def subset(self, *, region: str = "All", team: str = "All") -> AttainmentResult:
        """The same result restricted to one region and/or team (``"All"`` keeps every rep)."""
        keep = pd.Series(True, index=self.by_rep.index)
        if region != "All":
            keep &= self.by_rep["region"] == region
        if team != "All":
            keep &= self.by_rep["manager_id"] == team
        if not keep.any():
            raise param_error(
                "region/team", "AttainmentResult.subset", "a choice with reps", (region, team)
            )
        by_rep = self.by_rep.loc[keep].reset_index(drop=True)
        reps = set(by_rep["rep_id"])
        return replace(
            self,
            by_rep=by_rep,
            by_team=_rollup(by_rep, "manager_id"),
            by_region=_rollup(by_rep, "region"),
            monthly=self.monthly.loc[self.monthly["rep_id"].isin(reps)].reset_index(drop=True),
        )

    @property
    def share_on_pace(self) -> float:
        """Share of reps whose bookings to date reach their seasonal expectation (reps with
        nothing due yet are left out)."""
        return float(self.by_rep["on_pace"].dropna().astype(bool).mean())

    @property
    def share_at_or_above_quota(self) -> float:
        """Share of reps projected to finish the period at or above quota (reps with nothing
        due yet are left out)."""
        projected = self.by_rep["projected_attainment"].dropna()
        return float((projected >= 1).mean())

    @property
    def expected_share_at_or_above(self) -> float:
        """Expected share of reps finishing at or above quota, from each rep's chance given
        how earlier projections missed (missing without an interval from history).

        Unlike :attr:`share_at_or_above_quota`, which counts point projections (and so equals
        the share on pace whenever the rest of the period is projected between pace and
        plan), this counts the reps near quota by their chances.
        """
        p = self.by_rep["p_at_or_above"].dropna()
        return float(p.mean()) if len(p) else float("nan")

    @property
    def top20_share(self) -> float:
        """Share of bookings to date coming from the top 20% of reps."""
        return concentration(self.by_rep["to_date"])

    @property
    def verdict(self) -> str:
        """``"below the band"``, ``"healthy"`` or ``"above the band"`` for the projected
        share of reps at or above quota against :data:`BENCHMARK_BAND`."""
        s = self.share_at_or_above_quota
        if s < BENCHMARK_BAND[0]:
            return "below the band"
        return "healthy" if s <= BENCHMARK_BAND[1] else "above the band"


def concentration(values: pd.Series | np.ndarray, top: float = 0.2) -> float:
    """Share of the total held by the top ``top`` share of items (at least one item)."""
    v = np.sort(np.asarray(values, dtype=float))[::-1]
    if len(v) == 0 or v.sum() <= 0:
        return float("nan")
    k = max(1, int(np.ceil(top * len(v))))
    return float(v[:k].sum() / v.sum())


def _rollup(by_rep: pd.DataFrame, key: str) -> pd.DataFrame:
    g = by_rep.groupby(key, dropna=False)
    out = g.agg(
        reps=("rep_id", "size"),
        quota=("quota", "sum"),
        to_date=("to_date", "sum"),
        expected_seasonal=("expected_seasonal", "sum"),
        projected=("projected", "sum"),
        share_on_pace=("on_pace", lambda s: s.dropna().astype(float).mean()),
    ).reset_index()
    out["attainment"] = out["to_date"] / out["quota"].where(out["quota"] > 0)
    out["pace_seasonal"] = out["to_date"] / out["expected_seasonal"].where(
        out["expected_seasonal"] > 0
    )
    out["projected_attainment"] = out["projected"] / out["quota"].where(out["quota"] > 0)
    return out


def attainment_and_pace(
    company,
    *,
    period_end: str | pd.Timestamp,
    today: str | pd.Timestamp,
    growth: float = 0.10,
    ramp_months: int = 6,
    quota_months: pd.DataFrame | None = None,
    forecast: pd.DataFrame | None = None,
    profile: pd.Series | None = None,
    interval: float = 0.8,
    pace_weight: float | None = None,
) -> AttainmentResult:
    """Attainment to date, linear and seasonal pace and projected attainment of every rep.

    Parameters
    ----------
    company : Company
        Accounts, reps and bookings (bookings after ``today`` are ignored).
    period_end, today : str or Timestamp
        Last day of the twelve-month period and the day up to which bookings are known.
    growth : float, default 0.10
        Growth over the year before the period for derived quotas.
    ramp_months : int, default 6
        Linear ramp of a new rep to full productivity.
    quota_months : DataFrame, optional
        The quota plan's monthly quotas (``tables/quota_months.csv``); used when it covers
        the period.
    forecast : DataFrame, optional
        A bookings forecast per rep (``rep_id, ds, yhat, yhat_lower, yhat_upper``); used for
        the remaining months when it covers them.
    profile : Series, optional
        Seasonal shares of the period's months (from history when omitted).
    interval : float, default 0.8
        Central coverage of the projection interval.
    pace_weight : float, optional
        Weight of the rep's own pace (against the plan) for the remaining months, see
        :func:`blend_projection`; chosen on earlier periods by :func:`backtest_projection`
        when omitted.

    Returns
    -------
    AttainmentResult

    Raises
    ------
    InputDataError
        When no rep has a quota in the period.
    """
    if not 0 < interval < 1:
        raise param_error("interval", "attainment_and_pace", "in (0, 1)", interval)
    period = current_period(period_end, today)
    history_before = months_before(company.bookings, period)
    pace_basis = "seasonal" if profile is not None or history_before >= 12 else "linear"
    if profile is None:
        profile = period_profile(company.bookings, period)
    monthly, quota_source = monthly_quotas(
        company.bookings,
        company.accounts,
        company.reps,
        period,
        growth=growth,
        ramp=linear_ramp(ramp_months),
        profile=profile,
        quota_months=quota_months,
    )
    quota = monthly.groupby("rep_id", sort=False)["quota"].sum()
    quota = quota[quota > 0]
    if quota.empty:
        raise InputDataError(
            [
                Problem(
                    source="bookings",
                    message=(
                        f"no rep has a quota for the period {period.start.date()} to "
                        f"{period.end.date()}: no bookings before it and no quota plan"
                    ),
                )
            ]
        )
    monthly = monthly.loc[monthly["rep_id"].isin(quota.index)]
    known = known_bookings(company.bookings, period)
    booked = known.groupby(["rep_id", "period"])["amount"].sum().rename("booked")
    monthly = monthly.merge(booked.reset_index(), on=["rep_id", "period"], how="left")
    monthly["booked"] = monthly["booked"].fillna(0.0)

    reps = company.reps.set_index("rep_id")
    by_rep = pd.DataFrame({"rep_id": quota.index, "quota": quota.to_numpy()})
    for col in ("rep_name", "region", "manager_id", "status", "hire_date"):
        by_rep[col] = reps[col].reindex(by_rep["rep_id"]).to_numpy() if col in reps else None
    by_rep["to_date"] = (
        known.groupby("rep_id")["amount"].sum().reindex(by_rep["rep_id"]).fillna(0.0).to_numpy()
    )
    by_rep["attainment"] = by_rep["to_date"] / by_rep["quota"]
    by_rep = by_rep.merge(pace_shares(monthly, profile, period), on="rep_id", how="left")
    by_rep["expected_linear"] = by_rep["quota"] * by_rep["linear_share"]
    by_rep["expected_seasonal"] = by_rep["quota"] * by_rep["seasonal_share"]
    by_rep["pace_linear"] = by_rep["to_date"] / by_rep["expected_linear"].where(
        by_rep["expected_linear"] > 0
    )
    by_rep["pace_seasonal"] = by_rep["to_date"] / by_rep["expected_seasonal"].where(
        by_rep["expected_seasonal"] > 0
    )
    # Nothing is due yet from a rep still in the first (zero-productivity) ramp month.
    due = by_rep["expected_seasonal"] > 0
    by_rep["on_pace"] = (by_rep["to_date"] >= by_rep["expected_seasonal"]).astype(object).where(due)

    lo_q, hi_q = (1 - interval) / 2, 1 - (1 - interval) / 2
    by_rep["p_at_or_above"] = np.nan
    fc = forecast_remaining(forecast, period)
    if fc is not None and set(by_rep["rep_id"]) <= set(fc["rep_id"]):
        fc = fc.set_index("rep_id").reindex(by_rep["rep_id"])
        by_rep["projected"] = by_rep["to_date"] + fc["remaining"].to_numpy()
        by_rep["projected_low"] = by_rep["to_date"] + fc["remaining_low"].to_numpy()
        by_rep["projected_high"] = by_rep["to_date"] + fc["remaining_high"].to_numpy()
        projection_source = "bookings forecast"
    else:
        replay = backtest_projection(company, profile, period, growth=growth)
        weight = replay.pace_weight if pace_weight is None else float(pace_weight)
        projected = blend_projection(
            by_rep["to_date"], by_rep["quota"], by_rep["seasonal_share"], weight
        )
        by_rep["projected"] = pd.Series(projected, index=by_rep.index).where(due)
        errors = replay.ratios
        how = "run rate" if weight == 1 else f"pace weight {weight:g} against plan"
        if len(errors) >= 5:
            # Chance of finishing at or above quota: the share of earlier misses that would
            # lift this rep's projection to quota.
            ordered = np.sort(errors)
            need = (by_rep["quota"] / by_rep["projected"]).to_numpy(dtype=float)
            above = 1 - np.searchsorted(ordered, need, side="left") / len(ordered)
            by_rep["p_at_or_above"] = pd.Series(above, index=by_rep.index).where(due)
            lo, hi = np.quantile(errors, [lo_q, hi_q])
            by_rep["projected_low"] = np.fmax(by_rep["projected"] * lo, by_rep["to_date"]).where(
                due
            )
            by_rep["projected_high"] = np.fmax(by_rep["projected"] * hi, by_rep["to_date"]).where(
                due
            )
            projection_source = f"{how}, interval from {len(errors)} earlier rep-periods"
        else:
            by_rep["projected_low"] = by_rep["projected_high"] = np.nan
            projection_source = f"{how} (too little history for an interval)"
    for col in ("projected", "projected_low", "projected_high"):
        by_rep[col.replace("projected", "projected_attainment")] = by_rep[col] / by_rep["quota"]
    by_rep = by_rep.sort_values("attainment", ascending=False).reset_index(drop=True)
    return AttainmentResult(
        period=period,
        by_rep=by_rep,
        by_team=_rollup(by_rep, "manager_id"),
        by_region=_rollup(by_rep, "region"),
        monthly=monthly.reset_index(drop=True),
        profile=pd.Series(np.asarray(profile, dtype=float), index=period.months, name="share"),
        quota_source=quota_source,
        projection_source=projection_source,
        interval=interval,
        pace_basis=pace_basis,
        history_before=history_before,
    )
