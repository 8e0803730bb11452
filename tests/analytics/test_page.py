"""Sections of the performance page degrade with a reason; models are judged before use."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spm_models.analytics import page as pg
from spm_models.analytics.learn import (
    LEAKAGE_AUC,
    ScoreReport,
    judge_model,
    single_feature_auc,
)
from spm_models.analytics.summary import page_metrics
from spm_models.registry import is_registered
from spm_models.skipped import Skipped
from tests.messy import short_history, without_closed_history, without_geography


def _report(name: str, auc: float, brier: float) -> ScoreReport:
    return ScoreReport(name, auc, brier, 0.05, 100, 0.3)


def _holdout(n: int = 200, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.4).astype(int)
    frame = pd.DataFrame(
        {
            "amount": rng.lognormal(10, 1, n),
            "stage": rng.choice(["a", "b", "c"], n),
            "closed_won_flag": y,  # recorded after the fact: equal to the label
        }
    )
    return frame, y


def test_single_feature_auc_finds_the_column_equal_to_the_label() -> None:
    frame, y = _holdout()
    table = single_feature_auc(frame, y, ["amount", "stage", "closed_won_flag"], ["stage"])
    assert table.iloc[0]["feature"] == "closed_won_flag"
    assert table.iloc[0]["auc"] == pytest.approx(1.0)
    assert table.set_index("feature").loc["amount", "auc"] < 0.65
    with pytest.raises(ValueError, match="needs both outcomes"):
        single_feature_auc(frame, np.zeros(len(frame)), ["amount"])


def test_a_too_good_model_is_flagged_as_leakage_naming_the_feature() -> None:
    frame, y = _holdout()
    judgement = judge_model(
        _report("win model", 0.999, 0.001),
        _report("stage win rates", 0.7, 0.2),
        frame=frame,
        y=y,
        features=["amount", "stage", "closed_won_flag"],
        categorical=["stage"],
        labels={"amount": "deal size"},
        what="win model",
    )
    assert not judgement.use and judgement.verdict == "likely leakage"
    assert judgement.leak_feature == "closed_won_flag"
    assert '"closed_won_flag" alone separates the outcomes (AUC 1.00)' in judgement.reason
    assert "AUC of 1.00" in judgement.reason


def test_the_leakage_threshold_binds_just_above_it() -> None:
    frame, y = _holdout()
    kw = {"frame": frame, "y": y, "features": ["amount"]}
    at = judge_model(_report("m", LEAKAGE_AUC, 0.01), _report("base", 0.7, 0.2), **kw)
    above = judge_model(_report("m", LEAKAGE_AUC + 0.001, 0.01), _report("base", 0.7, 0.2), **kw)
    assert at.use and at.verdict == "used"
    assert not above.use and above.verdict == "likely leakage"


@pytest.mark.parametrize(
    ("auc", "brier", "use"),
    [(0.80, 0.15, True), (0.65, 0.15, False), (0.80, 0.25, False), (0.70, 0.20, False)],
)
def test_a_model_is_used_only_when_it_beats_its_baseline_on_both(auc, brier, use) -> None:
    frame, y = _holdout()
    judgement = judge_model(
        _report("churn model", auc, brier),
        _report("months since last booking", 0.70, 0.20),
        frame=frame,
        y=y,
        features=["amount"],
        what="churn model",
    )
    assert judgement.use is use
    if not use:
        assert judgement.verdict == "does not beat the baseline"
        assert "decisions rest on months since last booking instead" in judgement.reason


def test_the_sample_page_computes_every_section(tiny_company) -> None:
    page = pg.build_page(tiny_company, today="2026-11-15", clusters=3)
    assert page.skipped == [] and page.warnings == []
    assert page.win_judgement.use and page.churn_judgement.use
    m = page.metrics()
    assert m["analytics.as_of"] == "2026-12-31" and m["analytics.today"] == "2026-11-15"
    assert m["analytics.pace_basis"] == "seasonal"
    assert all(is_registered(k) for k in m)
    assert m["analytics.churn_value_at_risk"] == pytest.approx(
        page.churn_risk["value_at_risk"].sum()
    )


def test_empty_dates_mean_the_as_of_date(tiny_company) -> None:
    assert pg.resolve_dates(tiny_company) == ("2026-12-31", "2026-12-31")
    assert pg.resolve_dates(tiny_company, today="2026-11-15") == ("2026-12-31", "2026-11-15")


def test_ten_months_skip_attainment_and_churn_with_what_they_need(tiny_company) -> None:
    page = pg.build_page(short_history(tiny_company, 10), clusters=3)
    assert isinstance(page.attainment, Skipped) and isinstance(page.churn, Skipped)
    assert page.attainment.sentence() == (
        "Attainment and pace is not shown: the bookings history starts in March 2026, so no "
        "bookings before the period Jan 2026 to Dec 2026 set quotas, and no quota plan covers "
        "it; it needs a quota plan for the period or bookings from before it."
    )
    assert page.churn.sentence().startswith(
        "Churn risk is not shown: the bookings history covers 10 months; it needs at least 24 "
        "months of bookings"
    )
    m = page_metrics(page)
    assert "analytics.share_on_pace" not in m and "analytics.churn_auc" not in m
    assert page.market.months == 10  # whitespace annualised over the months there are


def test_a_losing_win_model_leaves_the_pipeline_at_stage_rates(tiny_company) -> None:
    # On ten months of deals the model loses to stage win rates (AUC 0.59 against 0.71).
    page = pg.build_page(short_history(tiny_company, 10), clusters=3)
    assert not page.win_judgement.use
    m = page.metrics()
    assert m["analytics.win_model_verdict"] == "does not beat the baseline"
    assert "analytics.pipeline_stage_value" in m
    assert "analytics.pipeline_expected_value" not in m


def test_twenty_months_give_linear_pace_annualised_quotas_and_warnings(tiny_company) -> None:
    page = pg.build_page(short_history(tiny_company, 20), clusters=3, models=False)
    att = page.attainment
    assert att.pace_basis == "linear" and att.history_before == 8
    assert att.by_rep["linear_share"].to_numpy() == pytest.approx(
        att.by_rep["seasonal_share"].to_numpy()
    )
    assert "8 months of bookings before the period, annualised" in att.quota_source
    topics = [w.topic for w in page.warnings]
    assert topics == ["Attainment", "Quotas"]
    assert "more than 300.0% of quota" in page.warnings[0].message


def test_churn_uses_fewer_training_cutoffs_on_two_years(tiny_company) -> None:
    churn = pg.churn_section(short_history(tiny_company, 24))
    assert len(churn.train_cutoffs) == 1


def test_no_deals_and_no_geography_are_skipped(tiny_company) -> None:
    win = pg.win_section(without_closed_history(tiny_company))
    assert isinstance(win, Skipped)
    assert win.sentence() == (
        "The win model is not shown: this data has no closed-deal history; it needs a history "
        "of at least 40 closed deals with 10 or more won and lost."
    )
    assert pg.whitespace_map_section(tiny_company) is None
    nowhere = pg.whitespace_map_section(without_geography(tiny_company))
    assert nowhere.sentence().startswith("The whitespace map is not shown: the accounts have no")


def test_too_few_deals_of_one_outcome_are_skipped(tiny_company) -> None:
    from dataclasses import replace

    closed = tiny_company.closed_opportunities
    few = pd.concat([closed[closed["won"]].head(5), closed[~closed["won"]]], ignore_index=True)
    skipped = pg.win_section(replace(tiny_company, closed_opportunities=few))
    assert isinstance(skipped, Skipped)
    assert f"has 5 won and {int((~closed['won']).sum()):,} lost deals" in skipped.reason


def test_a_real_win_model_on_a_leaking_column_is_flagged_by_name(tiny_company) -> None:
    from spm_models.analytics.win import WIN_FEATURES, evaluate_win_model

    closed = tiny_company.closed_opportunities
    leaky = closed.assign(outcome_code=closed["won"].astype(int) * 7)
    win = evaluate_win_model(leaky, features=(*WIN_FEATURES, "outcome_code"), n_repeats=1)
    assert win.model_report.auc > LEAKAGE_AUC
    judgement = pg.judge_win(win)
    assert judgement.verdict == "likely leakage" and judgement.leak_feature == "outcome_code"
    assert '"outcome_code" alone separates the outcomes' in judgement.reason
    honest = pg.judge_win(evaluate_win_model(closed, n_repeats=1))
    assert honest.use and honest.leak_feature is None


def test_a_quota_plan_for_another_year_is_named_and_not_used() -> None:
    plan = pd.DataFrame(
        {
            "rep_id": ["R1"] * 12,
            "period": pd.date_range("2027-01-01", periods=12, freq="MS"),
            "quota": 1.0,
        }
    )
    note = pg.quota_plan_note(plan, "2026-12-31", "2026-11-15")
    assert note == (
        "This run's quota plan covers Jan 2027 to Dec 2027, not the period tracked (Jan 2026 "
        "to Dec 2026), so the quotas here are derived from bookings."
    )
    assert pg.quota_plan_note(plan, "2027-12-31", "2027-06-30") is None
    assert pg.quota_plan_note(None, "2026-12-31", "2026-11-15") is None
