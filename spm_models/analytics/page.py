"""The performance analytics page's sections, each computed or skipped with a reason.

Every section runs on whatever history the company has: attainment needs a quota for the
period (a quota plan or bookings before it), seasonal pace a full year of history before the
period (else pace is linear), the win model a closed-deal history with both outcomes, the
churn model enough months for a training and an evaluation window, the whitespace map account
coordinates. A section that cannot run is a :class:`~spm_models.skipped.Skipped`; figures that
look implausible come with a :class:`~spm_models.skipped.PlausibilityWarning`; a model that
shows leakage or does not beat its simple baseline is reported but not used for decisions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from spm_models.analytics.attainment import (
    AttainmentResult,
    attainment_and_pace,
    current_period,
    months_before,
    plan_covers,
)
from spm_models.analytics.churn import (
    CATEGORICAL as CHURN_CATEGORICAL,
)
from spm_models.analytics.churn import (
    CHURN_FEATURES,
    ChurnEvaluation,
    churn_history_needed,
    evaluate_churn_model,
)
from spm_models.analytics.churn import FEATURE_LABELS as CHURN_LABELS
from spm_models.analytics.learn import ModelJudgement, judge_model
from spm_models.analytics.segmentation import MarketView, market_view
from spm_models.analytics.win import (
    CATEGORICAL as WIN_CATEGORICAL,
)
from spm_models.analytics.win import FEATURE_LABELS as WIN_LABELS
from spm_models.analytics.win import (
    PipelineScores,
    WinEvaluation,
    evaluate_win_model,
    score_pipeline,
)
from spm_models.errors import InputDataError
from spm_models.registry import format_value
from spm_models.skipped import PlausibilityWarning, Skipped

#: Attainment to date above this share of quota is flagged as implausible.
MAX_PLAUSIBLE_ATTAINMENT = 3.0
#: Closed deals, and deals of each outcome, a win model needs to be judged at all.
MIN_CLOSED_DEALS, MIN_PER_OUTCOME = 40, 10
#: Training cutoffs tried for the churn model, most first.
CHURN_TRAIN_CUTOFFS, CHURN_STEP = (3, 2, 1), 3

SECTION_PACE = "Attainment and pace"
SECTION_MAP = "The whitespace map"
SECTION_WIN = "The win model"
SECTION_CHURN = "Churn risk"


def history_months(company) -> int:
    """Months from the first bookings month to the company's as-of month, inclusive."""
    b = company.bookings
    if b.empty:
        return 0
    first = pd.Timestamp(b["period"].min()).to_period("M")
    return int((pd.Timestamp(company.as_of).to_period("M") - first).n + 1)


def resolve_dates(company, period_end: str = "", today: str = "") -> tuple[str, str]:
    """The period end and day of knowledge: empty values mean the company's as-of date.

    ``today`` empty is ``company.as_of``; ``period_end`` empty is the month end of the as-of
    date (so the period is the twelve months up to the as-of month).
    """
    as_of = pd.Timestamp(company.as_of).normalize()
    day = pd.Timestamp(today).normalize() if today else as_of
    end = pd.Timestamp(period_end).normalize() if period_end else as_of + pd.offsets.MonthEnd(0)
    return str(end.date()), str(day.date())


def attainment_section(
    company,
    *,
    period_end: str,
    today: str,
    quota_months: pd.DataFrame | None = None,
    **kwargs: Any,
) -> AttainmentResult | Skipped:
    """Attainment and pace, or why there is no quota to measure against.

    ``kwargs`` go to :func:`~spm_models.analytics.attainment_and_pace`.
    """
    period = current_period(period_end, today)
    span = f"the period {period.start:%b %Y} to {period.end:%b %Y}"
    needs = "a quota plan for the period or bookings from before it"
    if not plan_covers(quota_months, period) and months_before(company.bookings, period) == 0:
        first = company.bookings["period"].min() if len(company.bookings) else None
        starts = f"starts in {first:%B %Y}" if first is not None else "is empty"
        reason = (
            f"the bookings history {starts}, so no bookings before {span} set quotas, and no "
            "quota plan covers it"
        )
        return Skipped(SECTION_PACE, reason, needs)
    try:
        return attainment_and_pace(
            company, period_end=period_end, today=today, quota_months=quota_months, **kwargs
        )
    except InputDataError:
        return Skipped(SECTION_PACE, f"no rep has a quota for {span}", needs)


def attainment_warnings(att: AttainmentResult) -> list[PlausibilityWarning]:
    """Warnings on attainment above :data:`MAX_PLAUSIBLE_ATTAINMENT` and on annualised quotas."""
    out = []
    reps = att.by_rep
    high = reps.loc[reps["attainment"] > MAX_PLAUSIBLE_ATTAINMENT].sort_values(
        "attainment", ascending=False
    )
    if len(high):
        top = high.iloc[0]
        many = f"{len(high)} reps have" if len(high) > 1 else "1 rep has"
        out.append(
            PlausibilityWarning(
                "Attainment",
                f"{many} booked more than {format_value(MAX_PLAUSIBLE_ATTAINMENT, 'pct')} of "
                f"quota to date (highest: {top['rep_name']} at "
                f"{format_value(top['attainment'], 'pct')}). Check the quotas and the "
                "bookings credited to these reps before reading their pace.",
            )
        )
    if att.quota_source != "quota plan" and att.history_before < 12:
        months = att.history_before
        out.append(
            PlausibilityWarning(
                "Quotas",
                f"quotas are derived from only {months} month{'s' if months != 1 else ''} of "
                "bookings before the period, annualised; a quota plan for the period would be "
                "more reliable.",
            )
        )
    return out


def quota_plan_note(quota_months: pd.DataFrame | None, period_end: str, today: str) -> str | None:
    """One sentence when this run's quota plan does not cover the period tracked, else ``None``.

    The quota plan of a scenario is usually for the next year; the period tracked here is the
    current one, so its quotas are then derived from bookings, and the page says so.
    """
    if quota_months is None or not {"period", "quota"} <= set(quota_months.columns):
        return None
    period = current_period(period_end, today)
    if plan_covers(quota_months, period):
        return None
    months = pd.to_datetime(quota_months["period"])
    if months.empty:
        return None
    return (
        f"This run's quota plan covers {months.min():%b %Y} to {months.max():%b %Y}, not the "
        f"period tracked ({period.start:%b %Y} to {period.end:%b %Y}), so the quotas here are "
        "derived from bookings."
    )


def whitespace_map_section(company) -> Skipped | None:
    """Why the whitespace map cannot be drawn (no account coordinates), or ``None``."""
    acc = company.accounts
    located = acc[["lat", "lon"]].notna().all(axis=1) if {"lat", "lon"} <= set(acc) else []
    if not np.any(located):
        return Skipped(
            SECTION_MAP,
            "the accounts have no locations",
            "account coordinates or US ZIP codes",
        )
    return None


def win_section(
    company, *, holdout_share: float = 0.25, seed: int = 0
) -> tuple[WinEvaluation, PipelineScores] | Skipped:
    """The win model judged on a time hold-out and the scored pipeline, or why not."""
    closed = company.closed_opportunities
    needs = (
        f"a history of at least {MIN_CLOSED_DEALS} closed deals with {MIN_PER_OUTCOME} or more "
        "won and lost"
    )
    if closed.empty:
        return Skipped(SECTION_WIN, "this data has no closed-deal history", needs)
    won = int(closed["won"].astype(bool).sum())
    lost = len(closed) - won
    if len(closed) < MIN_CLOSED_DEALS or min(won, lost) < MIN_PER_OUTCOME:
        reason = f"the closed-deal history has {won:,} won and {lost:,} lost deals"
        return Skipped(SECTION_WIN, reason, needs)
    try:
        win = evaluate_win_model(closed, holdout_share=holdout_share, seed=seed)
        pipeline = score_pipeline(company, holdout_share=holdout_share, seed=seed)
    except InputDataError:
        return Skipped(
            SECTION_WIN,
            "the deals closed before or after the hold-out date are all won or all lost",
            "won and lost deals both before and after it",
        )
    return win, pipeline


def judge_win(win: WinEvaluation) -> ModelJudgement:
    """Leakage and stage-rate baseline judgement of the win model."""
    holdout = win.holdout
    return judge_model(
        win.model_report,
        win.stage_report,
        frame=holdout,
        y=holdout["won"].astype(int).to_numpy(),
        features=win.model.features,
        categorical=WIN_CATEGORICAL,
        labels=WIN_LABELS,
        what="win model",
    )


def churn_section(company, *, horizon: int = 6, seed: int = 0) -> ChurnEvaluation | Skipped:
    """The churn model on as many training cutoffs as the history allows, or why not."""
    months = history_months(company)
    for cutoffs in CHURN_TRAIN_CUTOFFS:
        if months >= churn_history_needed(horizon, cutoffs, CHURN_STEP):
            try:
                return evaluate_churn_model(
                    company, horizon=horizon, train_cutoffs=cutoffs, step=CHURN_STEP, seed=seed
                )
            except InputDataError:
                return Skipped(
                    SECTION_CHURN,
                    "the customers at the training or evaluation dates all churned or all stayed",
                    "customers who stopped and customers who kept booking",
                )
    need = churn_history_needed(horizon, 1, CHURN_STEP)
    return Skipped(
        SECTION_CHURN,
        f"the bookings history covers {months} months",
        f"at least {need} months of bookings to learn and test who goes {horizon} months "
        "without booking",
    )


def judge_churn(churn: ChurnEvaluation) -> ModelJudgement:
    """Leakage and recency baseline judgement of the churn model."""
    holdout = churn.holdout
    return judge_model(
        churn.model_report,
        churn.recency_report,
        frame=holdout,
        y=holdout["churned"].astype(int).to_numpy(),
        features=CHURN_FEATURES,
        categorical=CHURN_CATEGORICAL,
        labels=CHURN_LABELS,
        what="churn model",
    )


def churn_ranking(
    churn: ChurnEvaluation, judgement: ModelJudgement, reps: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Active customers by bookings at risk, scored by the model only when it may be used.

    Parameters
    ----------
    churn : ChurnEvaluation
    judgement : ModelJudgement
        The model's risk when ``judgement.use``, else the recency rule's.
    reps : DataFrame, optional
        ``rep_id, rep_name`` to name each account's rep.

    Returns
    -------
    DataFrame
        ``account_id, account_name, rep_id, rep_name, region, bookings_12m,
        months_since_last, risk, value_at_risk`` sorted by falling value at risk
        (``rep_name`` "unassigned" without a rep).
    """
    risk_col = "churn_risk" if judgement.use else "recency_risk"
    r = churn.risk
    names = reps.set_index("rep_id")["rep_name"] if reps is not None else pd.Series(dtype=str)
    out = pd.DataFrame(
        {
            "account_id": r["account_id"],
            "account_name": r["account_name"],
            "rep_id": r["rep_id"],
            "rep_name": r["rep_id"].map(names).fillna(r["rep_id"]).fillna("unassigned"),
            "region": r["region"],
            "bookings_12m": r["bookings_12m"],
            "months_since_last": r["months_since_last"],
            "risk": r[risk_col],
            "value_at_risk": r[risk_col] * r["bookings_12m"],
        }
    )
    return out.sort_values(["value_at_risk", "account_id"], ascending=[False, True]).reset_index(
        drop=True
    )


@dataclass(frozen=True)
class PerformancePage:
    """Every section of the performance analytics page, computed or skipped.

    Attributes
    ----------
    as_of : Timestamp
        The company's as-of date.
    history_months : int
        Months of bookings history.
    attainment : AttainmentResult or Skipped
    market : MarketView
    whitespace_map : Skipped or None
        Why the map is not drawn, or ``None``.
    win : WinEvaluation or Skipped
    pipeline : PipelineScores or None
    win_judgement, churn_judgement : ModelJudgement or None
    churn : ChurnEvaluation or Skipped
    churn_risk : DataFrame or None
        :func:`churn_ranking` of the churn section.
    warnings : list of PlausibilityWarning
    quota_note : str or None
        :func:`quota_plan_note`: why a quota plan of this run was not used.
    """

    as_of: pd.Timestamp
    history_months: int
    attainment: AttainmentResult | Skipped
    market: MarketView
    whitespace_map: Skipped | None
    win: WinEvaluation | Skipped
    pipeline: PipelineScores | None
    win_judgement: ModelJudgement | None
    churn: ChurnEvaluation | Skipped
    churn_risk: pd.DataFrame | None
    warnings: list[PlausibilityWarning] = field(default_factory=list)
    quota_note: str | None = None

    @property
    def skipped(self) -> list[Skipped]:
        """The sections left out, in page order."""
        parts = [self.attainment, self.whitespace_map, self.win, self.churn]
        return [p for p in parts if isinstance(p, Skipped)]

    @property
    def churn_judgement(self) -> ModelJudgement | None:
        """Judgement of the churn model (``None`` when the section is skipped)."""
        return None if isinstance(self.churn, Skipped) else judge_churn(self.churn)

    def metrics(self) -> dict[str, Any]:
        """The ``analytics.*`` figures this page computed (none written as missing)."""
        from spm_models.analytics.summary import page_metrics

        return page_metrics(self)


def build_page(
    company,
    *,
    period_end: str = "",
    today: str = "",
    growth: float = 0.10,
    ramp_months: int = 6,
    quota_months: pd.DataFrame | None = None,
    forecast: pd.DataFrame | None = None,
    interval: float = 0.8,
    clusters: int = 5,
    a_share: float = 0.2,
    b_share: float = 0.3,
    holdout_share: float = 0.25,
    churn_horizon: int = 6,
    seed: int = 0,
    models: bool = True,
) -> PerformancePage:
    """Compute every section of the page on the history the company has.

    Parameters
    ----------
    company : Company
    period_end, today : str
        Last day of the twelve-month period and the day bookings are known to; empty means
        the company's as-of date (see :func:`resolve_dates`).
    growth, ramp_months, quota_months, forecast, interval
        See :func:`~spm_models.analytics.attainment_and_pace`.
    clusters, a_share, b_share
        See :func:`~spm_models.analytics.market_view`.
    holdout_share, churn_horizon, seed
        The win model's hold-out share, the churn window in months and the models' seed.
    models : bool, default True
        False leaves out the win and churn models (faster).

    Returns
    -------
    PerformancePage
    """
    end, day = resolve_dates(company, period_end, today)
    att = attainment_section(
        company,
        period_end=end,
        today=day,
        quota_months=quota_months,
        growth=growth,
        ramp_months=ramp_months,
        forecast=forecast,
        interval=interval,
    )
    market = market_view(company, k=clusters, seed=seed, a_share=a_share, b_share=b_share)
    warnings = [] if isinstance(att, Skipped) else attainment_warnings(att)
    off = Skipped(SECTION_WIN, "the models were switched off for this run")
    win: WinEvaluation | Skipped = off
    pipeline = judgement = None
    churn: ChurnEvaluation | Skipped = Skipped(SECTION_CHURN, off.reason)
    ranking = None
    if models:
        scored = win_section(company, holdout_share=holdout_share, seed=seed)
        if isinstance(scored, Skipped):
            win = scored
        else:
            win, pipeline = scored
            judgement = judge_win(win)
            if judgement.verdict == "likely leakage":
                warnings.append(PlausibilityWarning("Win model", _sentence(judgement.reason)))
        churn = churn_section(company, horizon=churn_horizon, seed=seed)
        if not isinstance(churn, Skipped):
            churn_judgement = judge_churn(churn)
            ranking = churn_ranking(churn, churn_judgement, company.reps)
            if churn_judgement.verdict == "likely leakage":
                warnings.append(
                    PlausibilityWarning("Churn model", _sentence(churn_judgement.reason))
                )
    return PerformancePage(
        as_of=pd.Timestamp(company.as_of),
        history_months=history_months(company),
        attainment=att,
        market=market,
        whitespace_map=whitespace_map_section(company),
        win=win,
        pipeline=pipeline,
        win_judgement=judgement,
        churn=churn,
        churn_risk=ranking,
        warnings=warnings,
        quota_note=quota_plan_note(quota_months, end, day),
    )


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def finite(value: Any) -> bool:
    """True for a number that can be shown (not ``None``, ``nan`` or infinite) or a string."""
    if isinstance(value, str):
        return True
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False
