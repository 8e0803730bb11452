"""The page's sentences are written from its results, every figure through the registry."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from spm_models.analytics import findings
from spm_models.analytics import page as pg
from spm_models.analytics.learn import ModelJudgement
from spm_models.registry import format_figure
from tests.messy import short_history

RAW = re.compile(r"\bnan\b|\binf\b|\bNone\b|\d[eE][+-]\d|USD ")


@pytest.fixture(scope="module")
def full(tiny_company):
    return pg.build_page(tiny_company, today="2026-11-15", clusters=3)


@pytest.fixture(scope="module")
def short(tiny_company):
    return pg.build_page(short_history(tiny_company, 10), clusters=3)


def test_pace_text_uses_the_registry_and_names_the_pace(full, tiny_company) -> None:
    text = findings.pace_text(full.attainment, ramp_months=6)
    m = full.metrics()
    assert format_figure("analytics.share_on_pace", m["analytics.share_on_pace"]) in text
    assert format_figure("analytics.booked_to_date", m["analytics.booked_to_date"]) in text
    assert "On **15 November 2026**" in text and "historical pattern" in text
    assert not RAW.search(text)
    linear = pg.build_page(short_history(tiny_company, 20), clusters=3, models=False)
    text = findings.pace_text(linear.attainment, ramp_months=6)
    assert "Pace is linear: with 8 months of history before the period" in text
    noted = findings.pace_text(linear.attainment, ramp_months=6, note="A note.")
    assert "\n- A note.\n" in noted
    assert "8 months of bookings before the period, annualised" in text


def test_market_text_names_the_territory_owner_and_annualises(full, short) -> None:
    text = findings.market_text(full.market, a_share=0.2)
    top = full.market.by_territory.iloc[0]["territory"]
    assert f"**{top} (" in text and "the last 12 months" in text
    assert "the 10 months of history, annualised" in findings.market_text(short.market, a_share=0.2)
    assert not RAW.search(text)


def test_win_text_of_a_used_and_of_a_losing_model(full, short) -> None:
    used = findings.win_text(full.win, full.pipeline, full.win_judgement)
    assert "It beats the stage-based rates on both" in used and "Weighted by the model" in used
    losing = findings.win_text(short.win, short.pipeline, short.win_judgement)
    assert "**Not used for decisions**: the win model does not beat stage win rates" in losing
    assert "Weighted by the model" not in losing and "Weighted by stage win rates" in losing
    assert not RAW.search(used + losing)


def test_churn_ranked_by_the_recency_rule_when_the_model_loses(full, tiny_company) -> None:
    lost = ModelJudgement(False, "does not beat the baseline", "the churn model loses")
    ranking = pg.churn_ranking(full.churn, lost, tiny_company.reps)
    assert ranking["risk"].tolist() == pytest.approx(
        full.churn.risk.set_index("account_id")["recency_risk"]
        .reindex(ranking["account_id"])
        .tolist()
    )
    assert ranking["value_at_risk"].is_monotonic_decreasing
    text = findings.churn_text(full.churn, lost, ranking)
    assert "**Not used for decisions**: the churn model loses." in text
    assert "from the recency rule" in text and "Against a typical customer" not in text
    used = findings.churn_text(full.churn, full.churn_judgement, full.churn_risk)
    assert "from the churn model" in used and "Against a typical customer" in used
    assert not RAW.search(text + used)


def test_a_leaking_win_model_warns_on_the_page(full) -> None:
    leak = ModelJudgement(False, "likely leakage", 'x "discount" alone separates', "discount")
    page = replace(full, win_judgement=leak)
    m = page.metrics()
    assert m["analytics.win_model_verdict"] == "likely leakage"
    assert "analytics.pipeline_expected_value" not in m
