"""What the forecast page says: booking scope, headline model, backtest verdict, breakdown.

The notebook calls these functions and shows what they return; every figure in a sentence is
formatted through :func:`spm_models.registry.format_value`, so it prints as on every other
page. Nothing here imports matplotlib or IPython.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from spm_models.forecast.backtest import Comparison
from spm_models.forecast.engine import COMPONENT_LABELS, length_plan
from spm_models.forecast.models import BaseForecaster, make_forecaster
from spm_models.registry import format_value
from spm_models.skipped import PlausibilityWarning, Skipped

#: Report labels of the forecasters the page compares.
MODEL_LABELS = {
    "auto": "Combination",
    "autoets": "ETS",
    "autotheta": "Theta",
    "autoarima": "ARIMA",
    "autoces": "CES",
    "drift": "Drift",
    "prophet": "Prophet",
    "snaive": "Seasonal naive",
    "naive": "Naive",
    "combination": "Combination",
    **{k: v for k, v in COMPONENT_LABELS.items() if k in ("ets", "theta", "arima", "ces")},
}

#: The selection rule of the page, the same as the ``auto`` forecaster's own.
CLEAR_WIN = {"min_windows": 8, "alpha": 0.05, "margin": 0.1}


def join_words(words: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    words = [str(w) for w in words]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" and {words[-1]}"


@dataclass(frozen=True)
class BookingScope:
    """Which booking types the forecast counts, and where that definition came from."""

    types: tuple[str, ...]
    from_quota: bool

    @property
    def text(self) -> str:
        """The types in words, e.g. ``"new and expansion"``."""
        return join_words(self.types)

    def sentence(self) -> str:
        """One sentence saying which bookings count and why."""
        if self.from_quota:
            return (
                f"Bookings count {self.text} deals, the booking types that count toward quota "
                "on the quota page, so the forecast and the quota measure the same thing."
            )
        return (
            f"This run has no quota page: bookings count {self.text} deals, the booking types "
            "that count toward quota by the workbench's quota definition."
        )


def booking_scope(
    figures: Mapping[str, Any], available: Sequence[str], default: Sequence[str]
) -> BookingScope:
    """The booking types of ``quota.booking_types`` when the quota page ran, else ``default``.

    Parameters
    ----------
    figures : mapping
        This run's figures (``nb.read_metrics()``).
    available : sequence of str
        Booking types present in the company's bookings.
    default : sequence of str
        The quota definition's booking types (used when the quota page did not run).
    """
    text = figures.get("quota.booking_types")
    if isinstance(text, str) and text.strip():
        words = set(text.replace(",", " ").lower().split())
        types = tuple(t for t in available if t.lower() in words)
        if types:
            return BookingScope(types, True)
    types = tuple(t for t in default if t in set(available)) or tuple(available)
    return BookingScope(types, False)


def history_sentence(n_months: int, as_of: pd.Timestamp, last_year: float | None) -> str:
    """How much history there is and what the last 12 months booked."""
    text = f"The forecast is fitted on {n_months} months of bookings up to {as_of:%B %Y}"
    if last_year is None:
        return text + "; with under a year of history there is no last-12-months total to compare."
    return text + f"; the last 12 months booked {format_value(last_year, 'usd')}."


def next_year_sentence(
    total: float,
    lower: float,
    upper: float,
    *,
    width: float,
    first: pd.Timestamp,
    last: pd.Timestamp,
    last_year: float | None,
    n_scores: int,
) -> str:
    """The headline: next 12 months, interval, and change on the last 12 months."""
    text = (
        f"The next 12 months ({first:%b %Y} to {last:%b %Y}) are forecast at "
        f"{format_value(total, 'usd')}, with an interval of {format_value(lower, 'usd')} to "
        f"{format_value(upper, 'usd')} ({format_value(width, 'pct')} coverage)"
    )
    if last_year:
        change = total / last_year - 1
        word = "up" if change >= 0 else "down"
        text += f", {word} {format_value(abs(change), 'pct')} on the last 12 months"
    if n_scores:
        text += f". The interval is calibrated on {n_scores} past 12-month totals."
    else:
        text += (
            ". The history is too short to calibrate a yearly total, so the interval adds up "
            "the monthly intervals (wider than it needs to be)."
        )
    return text


def vs_quota(total: float, figures: Mapping[str, Any]) -> float | None:
    """Forecast over total quota, when the quota page ran and the quota is positive."""
    quota = figures.get("quota.total")
    if isinstance(quota, int | float) and np.isfinite(quota) and quota > 0:
        return float(total) / float(quota)
    return None


def vs_quota_sentence(ratio: float | None, figures: Mapping[str, Any], scope: BookingScope) -> str:
    """The forecast against the total quota, on the same booking types."""
    if ratio is None:
        return (
            "There is no issued quota in this run to compare the forecast with: the quota page "
            "did not run before this one."
        )
    quota = figures["quota.total"]
    word = "above" if ratio >= 1 else "below"
    return (
        f"The forecast is {format_value(ratio, 'pct')} of the total quota of "
        f"{format_value(quota, 'usd')} ({format_value(abs(ratio - 1), 'pct')} {word} it), "
        f"both counting {scope.text} bookings."
    )


def backtest_candidates(
    n: int, season_length: int, *, include_prophet: bool, width: float
) -> tuple[dict[str, BaseForecaster], list[str]]:
    """The forecasters the page backtests on ``n`` points, and sentences on those left out.

    The combination, each of its components that fits the length, and the baselines: naive,
    and seasonal naive once the training data hold a full year.
    """
    plan = length_plan(n // 2, season_length, prophet=include_prophet)
    names = ["auto"]
    if "ets" in plan.components:
        names += ["autoets", "autotheta", "autoarima", "autoces"]
    else:
        names += ["drift"]
    skipped = []
    if include_prophet and n >= 2 * season_length + 6:
        names.append("prophet")
    elif include_prophet:
        skipped.append(
            "Prophet is not backtested: it needs two years of history for a yearly pattern."
        )
    if n // 2 >= season_length:
        names.append("snaive")
    else:
        skipped.append(
            "Seasonal naive is not a baseline here: the history holds no full year before the "
            "backtest cutoffs; naive (the last month repeated) is the baseline."
        )
    names.append("naive")
    # Every model is calibrated like the combination (12 origins, 3 periods apart), so the
    # coverage column compares like with like.
    same = {"interval_width": width, "calibration_windows": 12, "calibration_step": 3}
    out = {k: make_forecaster(k, **same) for k in names}
    out["auto"] = make_forecaster("auto", **forecaster_params("auto", include_prophet, width))
    return out, skipped


def forecaster_params(key: str, include_prophet: bool, width: float) -> dict[str, Any]:
    """Parameters of the page's forecaster ``key``: the combination takes Prophet in when
    ``include_prophet`` (it joins only on two years of history)."""
    params: dict[str, Any] = {"interval_width": width}
    if key == "auto":
        params["include_prophet"] = bool(include_prophet)
    return params


def _cutoff_errors(comparison: Comparison, key: str) -> pd.Series:
    fc = comparison.results[key].forecasts
    return (fc["y"] - fc["yhat"]).abs().groupby(fc["cutoff"]).mean()


@dataclass(frozen=True)
class ModelChoice:
    """The headline model and the sentence that says why."""

    key: str
    sentence: str


def headline_choice(comparison: Comparison, default: str = "auto") -> ModelChoice:
    """Keep the combination unless the page's backtest shows another model's clear win.

    The rule is :data:`CLEAR_WIN`, the one the ``auto`` forecaster applies to its components:
    at least 8 cutoffs, better at significantly many of them (one-sided sign test at 5%) and a
    mean absolute error at least 10% lower.
    """
    from scipy.stats import binomtest

    base = _cutoff_errors(comparison, default)
    best_key, best_mae = None, float(base.mean())
    for key in comparison.results:
        if key in (default, "naive", "snaive"):
            continue
        err = _cutoff_errors(comparison, key).reindex(base.index)
        ok = err.notna()
        wins = int((err[ok] < base[ok]).sum())
        trials = int(ok.sum())
        if trials < CLEAR_WIN["min_windows"]:
            continue
        p = binomtest(wins, trials, 0.5, alternative="greater").pvalue
        mae = float(err[ok].mean())
        if p < CLEAR_WIN["alpha"] and mae < (1 - CLEAR_WIN["margin"]) * best_mae:
            best_key, best_mae = key, mae
    ranked = comparison.table["model"].tolist()
    top = ranked[0]
    label = MODEL_LABELS.get(default, default)
    if best_key is not None:
        return ModelChoice(
            best_key,
            f"{MODEL_LABELS.get(best_key, best_key)} beats the {label.lower()} clearly on this "
            "backtest, so it is the headline forecast.",
        )
    windows = comparison.results[default].windows
    if top == default:
        text = f"The {label.lower()} scores best on this backtest and is the headline forecast."
    else:
        text = (
            f"{MODEL_LABELS.get(top, top)} scores best on this backtest, but over {windows} "
            f"cutoff(s) that is not a clear win (it would need at least "
            f"{CLEAR_WIN['min_windows']} cutoffs, better at significantly many of them and by "
            f"at least {format_value(CLEAR_WIN['margin'], 'pct')}), so the {label.lower()} "
            "stays the headline forecast: picking the luckiest model on a few cutoffs is noisy."
        )
    return ModelChoice(default, text)


def backtest_table(comparison: Comparison) -> pd.DataFrame:
    """The comparison as the page shows it: labelled models, percentages as fractions."""
    t = comparison.table
    return pd.DataFrame(
        {
            "model": [MODEL_LABELS.get(m, m) for m in t["model"]],
            "smape": t["smape"] / 100,
            "wape": t["wape"] / 100,
            "bias": t["bias"] / 100,
            "coverage": t["coverage"] / 100,
            "mase": t["mase"],
        }
    )


def backtest_sentences(comparison: Comparison, headline: str, *, width: float) -> list[str]:
    """The verdict against the baseline and the measured interval coverage."""
    table = comparison.table.set_index("model")
    baseline = "snaive" if "snaive" in table.index else "naive"
    mine = table.loc[headline]
    base = table.loc[baseline]
    res = comparison.results[headline]
    label = MODEL_LABELS.get(headline, headline)
    lines = [
        f"Over {res.windows} cutoff(s), {res.horizon} month(s) ahead each, the "
        f"{label.lower()} errs by {format_value(mine['smape'] / 100, 'pct')} (sMAPE) against "
        f"{format_value(base['smape'] / 100, 'pct')} for {MODEL_LABELS[baseline].lower()}."
    ]
    if mine["smape"] < base["smape"]:
        lines.append(f"It beats the {MODEL_LABELS[baseline].lower()} baseline.")
    else:
        lines.append(
            f"It does not beat the {MODEL_LABELS[baseline].lower()} baseline: treat the "
            "forecast with caution and do not base decisions on it alone."
        )
    cov = mine["coverage"]
    if np.isfinite(cov):
        lines.append(
            f"Its {format_value(width, 'pct')} intervals covered "
            f"{format_value(cov / 100, 'pct')} of the actual months."
        )
    return lines


@dataclass(frozen=True)
class Breakdown:
    """The forecast by group, reconciled so that the groups add up to the headline total.

    Attributes
    ----------
    table : pandas.DataFrame
        ``id, own_forecast, next_12_months, last_12_months, growth, share``; ``next_12_months``
        sums to ``total``.
    parts : pandas.DataFrame
        The reconciled monthly part forecasts ``id, ds, yhat, yhat_lower, yhat_upper``.
    total : float
        The headline total the parts add up to.
    own_sum : float
        What the groups' own forecasts summed to before reconciliation.
    """

    table: pd.DataFrame
    parts: pd.DataFrame
    total: float
    own_sum: float

    def sentence(self, group_label: str) -> str:
        """How the groups were reconciled, with the figures."""
        return (
            f"Each {group_label}'s own forecast is scaled month by month so that the "
            f"{group_label}s add up to the company forecast of {format_value(self.total, 'usd')} "
            f"(top-down by forecast shares); their own forecasts summed to "
            f"{format_value(self.own_sum, 'usd')}."
        )


def reconcile_to_total(
    parts: pd.DataFrame, total: pd.DataFrame, history: pd.DataFrame, *, periods: int = 12
) -> Breakdown:
    """Scale part forecasts per period so they sum to ``total`` over the first ``periods``.

    Parameters
    ----------
    parts : pandas.DataFrame
        ``id, ds, yhat, yhat_lower, yhat_upper`` of each group.
    total : pandas.DataFrame
        The headline ``ds, yhat`` (at least ``periods`` rows).
    history : pandas.DataFrame
        ``id, ds, y`` of each group (for the last 12 months).
    """
    from spm_models.forecast.batch import reconcile

    months = total["ds"].head(periods)
    fc = parts[parts["ds"].isin(months)]
    tot = total[total["ds"].isin(months)]
    own = fc.groupby("id")["yhat"].sum()
    rec = reconcile(fc, tot, method="proportional")
    new = rec.parts.groupby("id")["yhat"].sum()
    hist_months = history["ds"].drop_duplicates().sort_values()
    last = None
    if len(hist_months) >= 12:
        recent = history[history["ds"].isin(hist_months.tail(12))]
        last = recent.groupby("id")["y"].sum()
    table = pd.DataFrame({"own_forecast": own, "next_12_months": new})
    table["last_12_months"] = last.reindex(table.index) if last is not None else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = table["next_12_months"] / table["last_12_months"] - 1
    table["growth"] = growth.where(table["last_12_months"] > 0)
    grand = float(table["next_12_months"].sum())
    table["share"] = table["next_12_months"] / grand if grand else np.nan
    table = table.sort_values("next_12_months", ascending=False).rename_axis("id").reset_index()
    return Breakdown(table, rec.parts, float(tot["yhat"].sum()), float(own.sum()))


def quarter_sentences(quarter: Any) -> list[str]:
    """The quarter seen from the time series and from the weighted pipeline."""
    ts_total = quarter.booked_to_date + quarter.ts_remaining
    usd = lambda v: format_value(v, "usd")  # noqa: E731
    lines = [
        f"Q{quarter.quarter.quarter} {quarter.quarter.year}: the time-series forecast is "
        f"{usd(ts_total)} (interval "
        f"{usd(quarter.booked_to_date + quarter.ts_lower)} to "
        f"{usd(quarter.booked_to_date + quarter.ts_upper)})."
    ]
    coverage = (
        f", a coverage of {format_value(quarter.coverage, 'ratio')} the forecast"
        if np.isfinite(quarter.coverage)
        else ""
    )
    lines.append(
        f"Open pipeline expected to close in the quarter: {usd(quarter.pipeline_open)}{coverage};"
        f" weighted by stage win rates it is worth {usd(quarter.pipeline_weighted)}."
    )
    lines.append(
        f"Blended ({format_value(quarter.pipeline_weight, 'pct')} pipeline, the rest time "
        f"series): {usd(quarter.blended)}."
    )
    return lines


def pipeline_skip(closed: pd.DataFrame, opportunities: pd.DataFrame) -> Skipped | None:
    """Why the pipeline view cannot run (no closed or no open deals), or None."""
    if closed is None or len(closed) == 0:
        return Skipped(
            "The pipeline view of the quarter",
            "the data have no closed-deal history to calibrate stage win rates on",
            "won and lost deals with their last stage",
        )
    if opportunities is None or len(opportunities) == 0:
        return Skipped("The pipeline view of the quarter", "the data have no open deals")
    return None


#: How a breakdown dimension reads in a sentence.
GROUP_LABELS = {
    "region": "region",
    "segment": "segment",
    "rep_id": "rep",
    "booking_type": "booking type",
}


def bullets(lines: Sequence[str]) -> str:
    """Markdown bullet list of sentences (empty ones left out)."""
    return "\n".join(f"- {_sentence(line)}" for line in lines if line)


def _sentence(line: str) -> str:
    """Capitalised, with a full stop."""
    line = line.strip()
    line = line[0].upper() + line[1:]
    return line if line.endswith((".", "!", "?", ":")) else line + "."


def model_label(key: str, fitted: Any) -> str:
    """The headline model in words, e.g. ``"Combination (median of ETS, Theta, ARIMA and CES)"``."""
    name = MODEL_LABELS.get(key, key)
    detail = getattr(fitted, "label_", None)
    return f"{name} ({detail})" if detail else name


def model_sentence(label: str, choice: ModelChoice) -> str:
    """Which model makes the headline forecast and why."""
    return (
        f"The headline forecast is made by the {label[0].lower()}{label[1:]}; the backtest "
        "below shows how it compares with its parts and with the simple baselines."
    )


def finite_figures(values: Mapping[str, Any]) -> dict[str, Any]:
    """Figures that can be written: text, or finite numbers (a missing figure is left out)."""
    out = {}
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, str) or np.isfinite(float(value)):
            out[name] = value
    return out


def labelled(comparison: Comparison) -> Comparison:
    """The comparison with report labels as model names (for charts)."""
    table = comparison.table.assign(
        model=[MODEL_LABELS.get(m, m) for m in comparison.table["model"]]
    )
    results = {MODEL_LABELS.get(k, k): v for k, v in comparison.results.items()}
    return Comparison(table=table, results=results)


def backtest_title(label: str, comparison: Comparison, key: str) -> str:
    """Title of the backtest chart of the headline model, figures formatted."""
    res = comparison.results[key]
    smape = res.metrics.get("smape", float("nan")) / 100
    cov = res.metrics.get("coverage", float("nan")) / 100
    return (
        f"Backtest of the headline model: sMAPE {format_value(smape, 'pct')}, "
        f"{format_value(res.width, 'pct')} interval covered {format_value(cov, 'pct')}"
    )


def baseline_warning(comparison: Comparison, headline: str) -> PlausibilityWarning | None:
    """A warning when the headline model does not beat the simple baseline on the backtest."""
    table = comparison.table.set_index("model")
    baseline = "snaive" if "snaive" in table.index else "naive"
    mine, base = table.loc[headline, "smape"], table.loc[baseline, "smape"]
    if not (np.isfinite(mine) and np.isfinite(base)) or mine < base:
        return None
    return PlausibilityWarning(
        "Forecast accuracy",
        f"the headline forecast does not beat {MODEL_LABELS[baseline].lower()} on this "
        f"history's backtest ({format_value(mine / 100, 'pct')} against "
        f"{format_value(base / 100, 'pct')} sMAPE); use it as one view among others, not on "
        "its own for decisions.",
    )
