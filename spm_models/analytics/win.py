"""Win probability of opportunities, learned from the closed-deal history.

A calibrated gradient-boosting model is trained on deals closed before a cutoff and judged on
the deals closed after it (a time-based hold-out) against the baseline most forecasts use:
the historical win rate of each stage. The open pipeline is then scored by a model trained on
the whole history and on the features an open opportunity has (stage, amount, segment,
industry, product, age and the owner's tenure).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from spm_models.analytics.learn import (
    RateTable,
    ScoreReport,
    TabularClassifier,
    calibration_table,
    check_binary_target,
    driver_text,
    explain_row,
    lift_table,
    permutation_importance,
    score_report,
)
from spm_models.errors import InputDataError, Problem, param_error

#: Every feature of the closed-deal history.
WIN_FEATURES: tuple[str, ...] = (
    "stage",
    "amount",
    "segment",
    "industry",
    "product",
    "discount",
    "age_days",
    "days_in_stage",
    "rep_tenure_months",
)
#: The features an open opportunity carries (no discount or stage duration in the pipeline).
PIPELINE_FEATURES: tuple[str, ...] = (
    "stage",
    "amount",
    "segment",
    "industry",
    "product",
    "age_days",
    "rep_tenure_months",
)
CATEGORICAL: tuple[str, ...] = ("stage", "segment", "industry", "product")
SOURCE = "closed_opportunities"

#: Plain names of features, for findings and charts.
FEATURE_LABELS = {
    "stage": "stage",
    "amount": "deal size",
    "segment": "segment",
    "industry": "industry",
    "product": "product",
    "discount": "discount",
    "age_days": "deal age",
    "days_in_stage": "days in stage",
    "rep_tenure_months": "rep tenure",
}


def win_model(features: Sequence[str] = WIN_FEATURES, *, seed: int = 0) -> TabularClassifier:
    """An unfitted win-probability model on ``features``."""
    return TabularClassifier(features, [c for c in CATEGORICAL if c in features], seed=seed)


def time_split(closed: pd.DataFrame, holdout_share: float) -> tuple[pd.Timestamp, np.ndarray]:
    """The cutoff date leaving the latest ``holdout_share`` of closed deals for testing."""
    if not 0 < holdout_share < 1:
        raise param_error("holdout_share", "evaluate_win_model", "in (0, 1)", holdout_share)
    if closed.empty:
        raise InputDataError(
            [
                Problem(
                    source=SOURCE,
                    message=(
                        "has no closed deals; the win model needs a history of won and lost "
                        "opportunities (add closed_opportunities.csv to the data folder)"
                    ),
                )
            ]
        )
    dates = closed["closed_date"].sort_values().to_numpy()
    cutoff = pd.Timestamp(dates[int(len(dates) * (1 - holdout_share))])
    return cutoff, (closed["closed_date"] >= cutoff).to_numpy()


@dataclass(frozen=True)
class WinEvaluation:
    """A win model judged on a time-based hold-out against stage win rates.

    Attributes
    ----------
    cutoff : Timestamp
        Deals closed before it trained the models; deals closed on or after it test them.
    model : TabularClassifier
        Fitted on the training deals.
    stage_rates : RateTable
        The baseline: win rate of each stage in the training deals.
    model_report, stage_report : ScoreReport
        Hold-out AUC, Brier score and calibration error of each.
    calibration, stage_calibration : DataFrame
        Reliability tables (:func:`~spm_models.analytics.learn.calibration_table`).
    lift, stage_lift : DataFrame
        Win rate by score decile.
    importance : DataFrame
        Permutation importance on the hold-out (AUC points).
    holdout : DataFrame
        The test deals with ``p_model`` and ``p_stage``.
    """

    cutoff: pd.Timestamp
    model: TabularClassifier
    stage_rates: RateTable
    model_report: ScoreReport
    stage_report: ScoreReport
    calibration: pd.DataFrame
    stage_calibration: pd.DataFrame
    lift: pd.DataFrame
    stage_lift: pd.DataFrame
    importance: pd.DataFrame
    holdout: pd.DataFrame

    @property
    def n_train(self) -> int:
        """Deals used for training."""
        return int(self.model.n_train_)

    @property
    def beats_stage_rates(self) -> bool:
        """True when the model has both a higher AUC and a lower Brier score."""
        return (
            self.model_report.auc > self.stage_report.auc
            and self.model_report.brier < self.stage_report.brier
        )


def evaluate_win_model(
    closed: pd.DataFrame,
    *,
    features: Sequence[str] = WIN_FEATURES,
    holdout_share: float = 0.25,
    seed: int = 0,
    n_repeats: int = 3,
) -> WinEvaluation:
    """Train on the earlier closed deals, test on the later ones, against stage win rates.

    Parameters
    ----------
    closed : DataFrame
        The ``closed_opportunities`` table.
    features : sequence of str, default WIN_FEATURES
    holdout_share : float, default 0.25
        Share of deals (the latest closed) held out.
    seed : int, default 0
    n_repeats : int, default 3
        Shuffles per feature for permutation importance.

    Raises
    ------
    InputDataError
        With no closed history, or when the training or test deals are all won or all lost.
    """
    cutoff, test = time_split(closed, holdout_share)
    train_df, test_df = closed.loc[~test], closed.loc[test]
    when = f"closed deals before {cutoff.date()}"
    y_train = check_binary_target(train_df["won"], source=SOURCE, column="won", what=when)
    y_test = check_binary_target(
        test_df["won"], source=SOURCE, column="won", what=f"closed deals from {cutoff.date()}"
    )
    model = win_model(features, seed=seed).fit(train_df, y_train)
    stages = RateTable("stage").fit(train_df, y_train)
    p_model = model.predict_proba(test_df)
    p_stage = stages.predict_proba(test_df)
    holdout = test_df.assign(p_model=p_model, p_stage=p_stage)
    return WinEvaluation(
        cutoff=cutoff,
        model=model,
        stage_rates=stages,
        model_report=score_report("win model", y_test, p_model),
        stage_report=score_report("stage win rates", y_test, p_stage),
        calibration=calibration_table(y_test, p_model),
        stage_calibration=calibration_table(y_test, p_stage),
        lift=lift_table(y_test, p_model),
        stage_lift=lift_table(y_test, p_stage),
        importance=permutation_importance(model, test_df, y_test, n_repeats=n_repeats, seed=seed),
        holdout=holdout.reset_index(drop=True),
    )


def pipeline_features(company) -> pd.DataFrame:
    """The open opportunities with the features the win model reads.

    Adds ``segment`` and ``industry`` (from the account), ``age_days`` (from creation to the
    company's ``as_of``), ``rep_tenure_months`` (missing for house deals) and ``product``
    (``"unknown"`` when the pipeline has no product column).
    """
    opps = company.opportunities.copy()
    acc = company.accounts.set_index("account_id")
    opps["segment"] = acc["segment"].reindex(opps["account_id"]).to_numpy()
    opps["industry"] = acc["industry"].reindex(opps["account_id"]).to_numpy()
    if "product" not in opps.columns:
        opps["product"] = "unknown"
    as_of = pd.Timestamp(company.as_of)
    opps["age_days"] = (as_of - opps["created_date"]).dt.days.clip(lower=0)
    hire = company.reps.set_index("rep_id")["hire_date"].reindex(opps["rep_id"]).to_numpy()
    tenure = (as_of - pd.to_datetime(hire)).days.to_numpy(dtype=float) / 30.4375
    opps["rep_tenure_months"] = np.where(np.isnan(tenure), np.nan, np.maximum(tenure, 0).round(1))
    return opps


@dataclass(frozen=True)
class PipelineScores:
    """The open pipeline scored by the win model and by stage win rates.

    Attributes
    ----------
    opportunities : DataFrame
        The open opportunities with ``p_win`` (model), ``p_stage`` and the weighted values
        ``expected_value = amount * p_win`` and ``stage_value = amount * p_stage``, sorted by
        falling expected value.
    model : TabularClassifier
        Fitted on the whole closed history with :data:`PIPELINE_FEATURES`.
    holdout_report : ScoreReport
        The same features' model on the time-based hold-out (how far to trust ``p_win``).
    """

    opportunities: pd.DataFrame
    model: TabularClassifier
    holdout_report: ScoreReport

    @property
    def expected_value(self) -> float:
        """Pipeline weighted by the model's win probabilities (USD)."""
        return float(self.opportunities["expected_value"].sum())

    @property
    def stage_value(self) -> float:
        """Pipeline weighted by stage win rates (USD)."""
        return float(self.opportunities["stage_value"].sum())


def score_pipeline(company, *, holdout_share: float = 0.25, seed: int = 0) -> PipelineScores:
    """Score the open pipeline with a win model trained on the company's closed history.

    Raises
    ------
    InputDataError
        With no closed history, or when it is all won or all lost.
    """
    closed = company.closed_opportunities
    cutoff, test = time_split(closed, holdout_share)
    y = check_binary_target(closed["won"], source=SOURCE, column="won", what="closed deals")
    when = f"closed deals before {cutoff.date()}"
    check_binary_target(closed.loc[~test, "won"], source=SOURCE, column="won", what=when)
    trial = win_model(PIPELINE_FEATURES, seed=seed).fit(closed.loc[~test], y[~test])
    report = score_report(
        "win model (pipeline features)", y[test], trial.predict_proba(closed.loc[test])
    )
    model = win_model(PIPELINE_FEATURES, seed=seed).fit(closed, y)
    stages = RateTable("stage").fit(closed, y)
    opps = pipeline_features(company)
    opps["p_win"] = model.predict_proba(opps) if len(opps) else np.array([])
    opps["p_stage"] = stages.predict_proba(opps) if len(opps) else np.array([])
    opps["expected_value"] = opps["amount"] * opps["p_win"]
    opps["stage_value"] = opps["amount"] * opps["p_stage"]
    opps = opps.sort_values("expected_value", ascending=False).reset_index(drop=True)
    return PipelineScores(opportunities=opps, model=model, holdout_report=report)


def deal_drivers(model: TabularClassifier, deal: pd.Series, *, top: int = 3) -> pd.DataFrame:
    """The ``top`` features moving one deal's win probability most, with plain labels.

    Returns
    -------
    DataFrame
        ``feature, label, value, typical, effect, text`` (effect in probability points).
    """
    out = explain_row(model, deal).head(top)
    out.insert(1, "label", [FEATURE_LABELS.get(f, f) for f in out["feature"]])
    out["text"] = [
        driver_text(r.label, r.value, r.typical, r.effect) for r in out.itertuples(index=False)
    ]
    return out
