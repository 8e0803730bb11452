"""The win model against the closed-deal ground truth and stage win rates."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from spm_models.analytics import (
    RateTable,
    TabularClassifier,
    calibration_table,
    deal_drivers,
    evaluate_win_model,
    lift_table,
    score_pipeline,
    score_report,
)
from spm_models.analytics.win import PIPELINE_FEATURES, pipeline_features
from spm_models.data.sample import generate_closed_opportunities, true_win_logit
from spm_models.errors import InputDataError, NotFittedError

#: Hold-out tolerances: mean absolute gap between predicted and observed rates over score
#: deciles, and the AUC a learned model may lose against the true probabilities.
CALIBRATION_TOLERANCE = 0.05
AUC_TO_TRUTH = 0.05


@pytest.fixture(scope="module")
def closed(tiny_company) -> pd.DataFrame:
    return generate_closed_opportunities(tiny_company.accounts, tiny_company.reps, seed=5, n=3000)


@pytest.fixture(scope="module")
def evaluation(closed):
    return evaluate_win_model(closed, holdout_share=0.25, seed=0)


def test_win_model_beats_stage_rates_on_the_ground_truth(evaluation) -> None:
    mr, sr = evaluation.model_report, evaluation.stage_report
    # Deals closing on the cutoff day all go to the hold-out, so it can exceed 25% slightly.
    assert mr.n + evaluation.n_train == 3000 and 750 <= mr.n < 770
    assert (evaluation.holdout["closed_date"] >= evaluation.cutoff).all()
    assert mr.auc > sr.auc + 0.05
    assert mr.brier < sr.brier - 0.01
    assert evaluation.beats_stage_rates
    truth = 1 / (1 + np.exp(-true_win_logit(evaluation.holdout)))
    best = score_report("truth", evaluation.holdout["won"].astype(int), truth)
    assert mr.auc > best.auc - AUC_TO_TRUTH


def test_win_probabilities_are_calibrated(evaluation) -> None:
    assert evaluation.model_report.calibration_error < CALIBRATION_TOLERANCE
    cal = evaluation.calibration
    assert cal["count"].sum() == evaluation.model_report.n
    assert cal["mean_predicted"].is_monotonic_increasing
    lift = evaluation.lift
    assert lift["lift"].iloc[0] > 1.5 > lift["lift"].iloc[-1]
    assert lift["cumulative_capture"].iloc[-1] == pytest.approx(1.0)


def test_importance_finds_the_strong_true_drivers(evaluation) -> None:
    ranked = evaluation.importance["feature"].tolist()
    # Stage (±1.8 log-odds) and tenure (up to +1.44) dominate the ground truth.
    assert ranked[0] == "stage"
    assert "rep_tenure_months" in ranked[:4]


def test_single_deal_drivers_point_the_right_way(evaluation, closed) -> None:
    deal = closed.iloc[0].copy()
    deal["stage"], deal["discount"] = "commit", 0.4
    drivers = deal_drivers(evaluation.model, deal, top=9).set_index("feature")
    assert len(drivers) == 9
    # Against a typical deal (the most common stage, prospecting; the median discount), a
    # late stage raises the odds and a deep discount lowers them, as in the ground truth.
    assert drivers.loc["stage", "typical"] == "prospecting"
    assert drivers.loc["stage", "effect"] > 0.1
    assert drivers.loc["discount", "effect"] < 0
    assert drivers.loc["stage", "label"] == "stage"
    assert drivers.loc["discount", "text"].startswith("discount 0.4 (typical 0.1")
    assert drivers.loc["discount", "text"].endswith(" pts")


def test_pipeline_is_scored_with_pipeline_features(tiny_company, closed) -> None:
    company = dataclasses.replace(tiny_company, closed_opportunities=closed)
    scored = score_pipeline(company, seed=0)
    opps = scored.opportunities
    assert len(opps) == len(tiny_company.opportunities)
    assert opps["p_win"].between(0, 1).all() and opps["p_stage"].between(0, 1).all()
    assert scored.expected_value == pytest.approx((opps["amount"] * opps["p_win"]).sum())
    assert scored.model.features == PIPELINE_FEATURES
    assert scored.holdout_report.auc > 0.7
    feats = pipeline_features(tiny_company)
    assert (feats["age_days"] >= 0).all()
    assert feats.loc[feats["rep_id"].isna(), "rep_tenure_months"].isna().all()


def test_no_closed_history_is_a_clear_error(tiny_company) -> None:
    empty = tiny_company.closed_opportunities.iloc[0:0]
    with pytest.raises(InputDataError, match="closed_opportunities: has no closed deals"):
        evaluate_win_model(empty)
    with pytest.raises(InputDataError, match="has no closed deals"):
        score_pipeline(dataclasses.replace(tiny_company, closed_opportunities=empty))


def test_a_single_class_is_a_clear_error(closed) -> None:
    all_lost = closed.assign(won=False)
    with pytest.raises(
        InputDataError,
        match=r"closed_opportunities: column 'won' has a single class \(all false\) in \d+ "
        r"closed deals before",
    ):
        evaluate_win_model(all_lost)
    with pytest.raises(ValueError, match="'holdout_share' parameter of evaluate_win_model"):
        evaluate_win_model(closed, holdout_share=1.5)


def test_classifier_contract() -> None:
    model = TabularClassifier(["x", "c"], ["c"])
    frame = pd.DataFrame({"x": np.arange(40.0), "c": ["a", "b"] * 20})
    with pytest.raises(NotFittedError, match="TabularClassifier instance is not fitted"):
        model.predict_proba(frame)
    with pytest.raises(InputDataError, match="features: column 'x' is missing"):
        model.fit(frame, (frame["x"] > 20).astype(int)).predict_proba(frame.drop(columns="x"))
    # An unseen category is scored as missing, not an error.
    p = model.predict_proba(pd.DataFrame({"x": [30.0], "c": ["new"]}))
    assert 0 <= p[0] <= 1


def test_rate_table_and_tables_known_answers() -> None:
    frame = pd.DataFrame({"stage": ["a", "a", "a", "b"]})
    y = np.array([1, 1, 0, 0])
    rates = RateTable("stage", prior_weight=2.0).fit(frame, y)
    # (2 + 2 * 0.5) / (3 + 2) and (0 + 1) / (1 + 2); an unseen value gets the overall 0.5.
    p = rates.predict_proba(pd.DataFrame({"stage": ["a", "b", "z"]}))
    assert p == pytest.approx([0.6, 1 / 3, 0.5])
    scores = np.array([0.9, 0.8, 0.3, 0.1])
    cal = calibration_table(np.array([1, 0, 1, 0]), scores, bins=2)
    assert cal["mean_predicted"].tolist() == pytest.approx([0.2, 0.85])
    assert cal["observed"].tolist() == pytest.approx([0.5, 0.5])
    lift = lift_table(np.array([1, 1, 0, 0]), scores, groups=2)
    assert lift["lift"].tolist() == pytest.approx([2.0, 0.0])
    assert lift["cumulative_capture"].tolist() == pytest.approx([1.0, 1.0])
