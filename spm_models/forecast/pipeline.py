"""Pipeline-weighted forecast of the current quarter, blended with the time-series forecast.

Stage win rates are calibrated on the closed-deal history (won / lost at each deal's last
review stage), shrunk toward the overall win rate when a stage has few deals; the open deals
expected to close in the quarter are weighted by them and the result is blended with the
time-series forecast of the quarter's remaining months.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from spm_models.data.schema import STAGES
from spm_models.errors import InputDataError, Problem, param_error


@dataclass(frozen=True)
class WinRates:
    """Stage win rates calibrated on closed deals.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per stage (pipeline order): ``stage, deals, won, win_rate`` (count based),
        ``amount_win_rate`` (won amount / closed amount), ``rate`` (the one used: shrunk
        toward the overall rate), ``lower``, ``upper`` (90% Beta credible bounds of ``rate``).
    weight : str
        ``"amount"`` or ``"count"``: which rate ``rate`` is based on.
    prior_deals : float
        Strength of the shrinkage toward the overall rate, in pseudo-deals.
    n_closed : int
        Closed deals used.
    """

    table: pd.DataFrame
    weight: str
    prior_deals: float
    n_closed: int

    def rate(self, stage: str) -> float:
        """The calibrated win rate of ``stage``."""
        return float(self.table.set_index("stage").loc[stage, "rate"])


def calibrate_win_rates(
    closed: pd.DataFrame,
    *,
    weight: str = "amount",
    prior_deals: float = 10.0,
    since: pd.Timestamp | None = None,
    source: str = "closed_opportunities",
) -> WinRates:
    """Win rate of each stage from closed deals (columns ``stage``, ``won``, ``amount``).

    Parameters
    ----------
    closed : pandas.DataFrame
        Closed deals with their last review stage, outcome and amount (``closed_date``
        optional, used with ``since``).
    weight : {"amount", "count"}
        Base the rate on amounts (won amount / closed amount: the rate that turns open dollars
        into expected dollars, lower when big deals win less) or on deal counts.
    prior_deals : float
        Shrinkage: each stage's rate is ``(won + k * overall) / (deals + k)`` with ``k`` this
        many pseudo-deals (amount-based: in units of the stage's mean deal), so a stage with a
        handful of deals is pulled toward the overall rate.
    since : Timestamp or None
        Use only deals closed on or after this date.
    source : str
        Name used in error messages.

    Raises
    ------
    InputDataError
        When columns are missing, a stage is unknown, ``won`` is not boolean or no deals remain.
    """
    if weight not in ("amount", "count"):
        raise param_error("weight", "calibrate_win_rates", "'amount' or 'count'", weight)
    if prior_deals < 0:
        raise param_error("prior_deals", "calibrate_win_rates", "a float >= 0", prior_deals)
    missing = [c for c in ("stage", "won", "amount") if c not in closed.columns]
    if missing:
        raise InputDataError([Problem(source, "is missing", column=c) for c in missing])
    frame = closed
    if since is not None and "closed_date" in frame.columns:
        frame = frame[pd.to_datetime(frame["closed_date"]) >= pd.Timestamp(since)]
    problems = []
    for pos, stage in enumerate(frame["stage"]):
        if stage not in STAGES:
            problems.append(
                Problem(
                    source,
                    f"must be one of {', '.join(STAGES)}; got {stage!r}",
                    column="stage",
                    row=pos + 1,
                )
            )
    won_values = frame["won"]
    if not (pd.api.types.is_bool_dtype(won_values) or set(pd.unique(won_values)) <= {0, 1}):
        problems.append(Problem(source, "must be true/false", column="won"))
    if problems:
        raise InputDataError(problems[:20])
    if frame.empty:
        raise InputDataError("has no closed deals to calibrate win rates on", source=source)
    won = frame["won"].astype(bool).to_numpy()
    amount = frame["amount"].to_numpy(dtype="float64")
    overall_count = won.mean()
    overall_amount = amount[won].sum() / amount.sum() if amount.sum() > 0 else overall_count
    overall = overall_amount if weight == "amount" else overall_count
    rows = []
    for stage in STAGES:
        mask = (frame["stage"] == stage).to_numpy()
        deals = int(mask.sum())
        n_won = int(won[mask].sum())
        count_rate = n_won / deals if deals else np.nan
        closed_amt = float(amount[mask].sum())
        amt_rate = float(amount[mask & won].sum()) / closed_amt if closed_amt > 0 else np.nan
        # Beta posterior with the overall rate as prior mean and prior_deals pseudo-deals.
        successes = n_won if weight == "count" else (amt_rate * deals if deals else 0.0)
        a = successes + prior_deals * overall
        b = (deals - successes) + prior_deals * (1.0 - overall)
        rate = a / (a + b) if a + b > 0 else overall
        lo, hi = _beta_interval(a, b)
        rows.append(
            {
                "stage": stage,
                "deals": deals,
                "won": n_won,
                "win_rate": count_rate,
                "amount_win_rate": amt_rate,
                "rate": rate,
                "lower": lo,
                "upper": hi,
            }
        )
    return WinRates(pd.DataFrame(rows), weight, float(prior_deals), len(frame))


def _beta_interval(a: float, b: float, level: float = 0.9) -> tuple[float, float]:
    from scipy.stats import beta

    if a <= 0 or b <= 0:
        return float("nan"), float("nan")
    tail = (1.0 - level) / 2
    return float(beta.ppf(tail, a, b)), float(beta.ppf(1 - tail, a, b))


@dataclass(frozen=True)
class QuarterForecast:
    """Pipeline-weighted and time-series forecasts of one quarter and their blend.

    Attributes
    ----------
    quarter : pandas.Period
        The quarter forecast (the one holding the day after ``as_of``).
    booked_to_date : float
        Bookings already in the quarter up to ``as_of``.
    pipeline_open : float
        Open amount expected to close in the rest of the quarter.
    pipeline_weighted : float
        That amount times the stage win rates.
    ts_remaining, ts_lower, ts_upper : float
        Time-series forecast (and interval) of the quarter's remaining months.
    blended : float
        ``booked_to_date + w * pipeline_weighted + (1 - w) * ts_remaining``.
    pipeline_weight : float
        ``w``.
    coverage : float
        Pipeline coverage: open pipeline / time-series forecast of the remaining months.
    by_stage : pandas.DataFrame
        ``stage, deals, open_amount, rate, weighted_amount`` of the quarter's open deals.
    win_rates : WinRates
        The calibration used.
    """

    quarter: pd.Period
    booked_to_date: float
    pipeline_open: float
    pipeline_weighted: float
    ts_remaining: float
    ts_lower: float
    ts_upper: float
    blended: float
    pipeline_weight: float
    coverage: float
    by_stage: pd.DataFrame
    win_rates: WinRates

    @property
    def pipeline_total(self) -> float:
        """Booked to date plus the weighted pipeline (the pipeline-only view of the quarter)."""
        return self.booked_to_date + self.pipeline_weighted


def quarter_forecast(
    opportunities: pd.DataFrame,
    win_rates: WinRates,
    ts_forecast: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    history: pd.DataFrame | None = None,
    pipeline_weight: float = 0.5,
) -> QuarterForecast:
    """Forecast the quarter after ``as_of`` from the open pipeline and a time-series forecast.

    Parameters
    ----------
    opportunities : pandas.DataFrame
        Open deals: ``stage``, ``amount``, ``expected_close_date``.
    win_rates : WinRates
        From :func:`calibrate_win_rates`.
    ts_forecast : pandas.DataFrame
        Monthly forecast ``ds, yhat, yhat_lower, yhat_upper`` covering the quarter's months
        after ``as_of``.
    as_of : Timestamp
        "Today": the last day of the bookings history.
    history : pandas.DataFrame or None
        Monthly bookings ``ds, y`` (for what is already booked in the quarter).
    pipeline_weight : float
        Weight ``w`` of the pipeline view in the blend, in [0, 1].

    Raises
    ------
    InputDataError
        When the time-series forecast does not cover the quarter's remaining months.
    """
    if not 0.0 <= pipeline_weight <= 1.0:
        raise param_error(
            "pipeline_weight", "quarter_forecast", "a float in [0, 1]", pipeline_weight
        )
    as_of = pd.Timestamp(as_of)
    quarter = (as_of + pd.Timedelta(days=1)).to_period("Q")
    q_start = quarter.start_time.normalize()
    q_end = quarter.end_time.normalize()
    booked = 0.0
    if history is not None and len(history):
        h = history[(history["ds"] >= q_start) & (history["ds"] <= as_of)]
        booked = float(h["y"].sum())
    months = pd.date_range(
        max(q_start, (as_of + pd.Timedelta(days=1)).replace(day=1)), q_end, freq="MS"
    )
    months = months[months > as_of]
    fc = ts_forecast.set_index("ds").reindex(months)
    if fc["yhat"].isna().any():
        raise InputDataError(
            f"time-series forecast does not cover the months {list(months.strftime('%Y-%m'))} "
            f"of {quarter}",
            source="quarter_forecast",
        )
    ts_rem = float(fc["yhat"].sum())
    ts_lo = float(fc["yhat_lower"].sum())
    ts_hi = float(fc["yhat_upper"].sum())
    close = pd.to_datetime(opportunities["expected_close_date"])
    in_q = opportunities[(close > as_of) & (close <= quarter.end_time)]
    rates = win_rates.table.set_index("stage")["rate"]
    by_stage = (
        in_q.groupby("stage")["amount"]
        .agg(deals="count", open_amount="sum")
        .reindex(list(STAGES), fill_value=0)
        .rename_axis("stage")
        .reset_index()
    )
    by_stage["rate"] = by_stage["stage"].map(rates).to_numpy()
    by_stage["weighted_amount"] = by_stage["open_amount"] * by_stage["rate"]
    open_amt = float(by_stage["open_amount"].sum())
    weighted = float(by_stage["weighted_amount"].sum())
    blended = booked + pipeline_weight * weighted + (1.0 - pipeline_weight) * ts_rem
    coverage = open_amt / ts_rem if ts_rem > 0 else float("nan")
    return QuarterForecast(
        quarter=quarter,
        booked_to_date=booked,
        pipeline_open=open_amt,
        pipeline_weighted=weighted,
        ts_remaining=ts_rem,
        ts_lower=ts_lo,
        ts_upper=ts_hi,
        blended=blended,
        pipeline_weight=float(pipeline_weight),
        coverage=coverage,
        by_stage=by_stage,
        win_rates=win_rates,
    )
