"""Sentences, figures and plausibility checks of the quota page (known answers)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from spm_models.errors import InfeasibleModelError
from spm_models.quota import report as quota_report
from spm_models.quota import simulate_attainment, top_down
from spm_models.quota.inputs import history_months, normalise_assignment
from spm_models.quota.plan import plan_quotas, planning_inputs
from spm_models.registry import format_figure
from tests.messy import short_history


def test_booking_types_in_words() -> None:
    assert quota_report.booking_types_text() == "new and expansion"
    assert quota_report.booking_types_text(["new"]) == "new"
    assert quota_report.booking_types_text(["a", "b", "c"]) == "a, b and c"


def test_history_months_counts_from_the_first_booked_month() -> None:
    b = pd.DataFrame({"period": pd.to_datetime(["2026-03-01", "2026-07-01"])})
    assert history_months(b, pd.Timestamp("2026-12-31")) == 10
    assert history_months(b.iloc[:0], pd.Timestamp("2026-12-31")) == 0


def test_assignment_of_the_territory_page_is_read_in_either_layout() -> None:
    new = pd.DataFrame({"account_id": ["A1"], "rep_id": ["R2"], "current_rep_id": ["R1"]})
    old = pd.DataFrame({"account_id": ["A1"], "new_rep_id": ["R2"], "old_rep_id": ["R1"]})
    for frame in (new, old):
        a = normalise_assignment(frame)
        assert a[["account_id", "new_rep_id", "old_rep_id"]].iloc[0].tolist() == [
            "A1",
            "R2",
            "R1",
        ]
    assert normalise_assignment(None) is None


def test_short_history_is_annualised_and_said_so(tiny_company) -> None:
    short = short_history(tiny_company, 10)
    inputs = planning_inputs(short)
    assert inputs.history_months == 10 and inputs.annualised and inputs.flat_season
    b = short.bookings
    raw = b.loc[b["booking_type"].isin(["new", "expansion"]), "amount"].sum()
    assert inputs.trailing == pytest.approx(raw * 12 / 10)
    assert inputs.territories["trailing_bookings"].sum() == pytest.approx(raw * 12 / 10, rel=1e-9)
    assert not inputs.trend_measured and inputs.trend == 0.0
    assert np.allclose(inputs.profile.to_numpy(), 1 / 12)
    warnings = quota_report.quota_warnings(
        inputs, inputs.territories.assign(quota=1.0, rep_name="x")
    )
    assert [w.topic for w in warnings] == ["Quota target"]
    assert "10 months" in warnings[0].message and "annualised" in warnings[0].message
    skipped = quota_report.seasonality_skipped(inputs)
    assert "10 months" in skipped.sentence() and "12 months" in skipped.sentence()
    text = quota_report.target_sentence(inputs, inputs.trailing * 1.1)
    assert "last 10 months, annualised" in text and "+10.0%" in text


def test_full_history_target_sentence_and_figures(tiny_company) -> None:
    inputs = planning_inputs(tiny_company)
    assert inputs.history_months >= 24 and not inputs.annualised
    assert quota_report.seasonality_skipped(inputs) is None
    target = quota_report.plan_target(inputs, 0.0, 0.1)
    assert target == pytest.approx(inputs.trailing * 1.1)
    assert quota_report.plan_target(inputs, 5e6, 0.1) == 5e6
    text = quota_report.target_sentence(inputs, target)
    assert "last 12 months" in text and "on the year before" in text
    assert format_figure("quota.target", target) in text
    plan = plan_quotas(inputs, target=target, n_sims=100)
    figures = quota_report.quota_figures(inputs, plan)
    assert figures["quota.total"] == pytest.approx(plan.quotas["quota"].sum())
    assert figures["quota.target"] == target
    assert figures["quota.alignment"] == "current"
    assert figures["quota.booking_types"] == "new and expansion"
    assert all(v is not None for v in figures.values())
    share = format_figure("quota.expected_share_at_or_above", plan.attainment.expected_share)
    assert share in quota_report.attainment_sentence(plan)
    assert "Cushions take" in quota_report.phasing_sentence(plan)


def test_alignment_sentence() -> None:
    assert "new territories" in quota_report.alignment_sentence(True)
    assert "today's territories" in quota_report.alignment_sentence(False)
    assert "no realignment" in quota_report.alignment_sentence(False)


def test_zero_quota_and_implausible_attainment_are_warned(tiny_company) -> None:
    inputs = planning_inputs(tiny_company)
    quotas = pd.DataFrame(
        {
            "rep_id": ["R1", "R2", "R3"],
            "rep_name": ["Ann", "Bo", "Cy"],
            "status": ["active", "vacant", "active"],
            "quota": [0.0, 0.0, 100.0],
        }
    )
    q = pd.DataFrame({"rep_id": ["R3"], "quota": [100.0]})
    e = pd.DataFrame({"rep_id": ["R3"], "expected_bookings": [400.0], "cv": [0.1]})
    att = simulate_attainment(q, e, n_sims=50)
    warnings = quota_report.quota_warnings(inputs, quotas, att)
    topics = [w.topic for w in warnings]
    assert topics == ["Zero quotas", "Attainment"]
    assert "1 active rep(s)" in warnings[0].message and "Ann" in warnings[0].message
    assert "Bo" not in warnings[0].message  # a vacant seat without quota is not a problem
    assert "400.0%" in warnings[1].message and "300.0%" in warnings[1].message


def test_draws_are_the_simulation_behind_the_share() -> None:
    q = pd.DataFrame({"rep_id": ["A", "B"], "quota": [100.0, 100.0]})
    e = pd.DataFrame({"rep_id": ["A", "B"], "expected_bookings": [90.0, 120.0], "cv": 0.2})
    att = simulate_attainment(q, e, n_sims=300)
    draws = att.draws()
    assert draws.shape == (300, 2) and list(draws.columns) == ["A", "B"]
    assert float((draws >= 1).mean(axis=1).mean()) == pytest.approx(att.expected_share)
    assert np.allclose(
        draws["B"].median(), att.by_rep.set_index("rep_id").loc["B", "attainment_p50"]
    )


def test_method_spread_sentence_names_methods_in_words() -> None:
    methods = pd.DataFrame(
        {
            "method": ["even", "even", "historical", "historical"],
            "quota": [50.0, 50.0, 20.0, 80.0],
        }
    )
    text = quota_report.method_spread_sentence(methods, "bottom_up")
    assert "most between territories under the historical bookings method" in text
    assert "least under the even split method (0.0%)" in text
    assert "bottom-up estimate" in text and "bottom_up" not in text


def test_fair_sentence_or_skip(tiny_company) -> None:
    inputs = planning_inputs(tiny_company)
    plan = plan_quotas(inputs, target=inputs.trailing, n_sims=50)
    assert quota_report.fairness_skipped(plan) is None
    text = quota_report.fairness_sentence(plan, 0.0, 0.5)
    assert "growth limit" in text and "growth_max" not in text
    no_fair = replace(plan, fair=None)
    assert "growth limits" in quota_report.fairness_skipped(no_fair).sentence()
    walk = quota_report.walk_table(top_down(110.0, expected_renewals=10.0, n_reps=2, cushion=0.1))
    assert walk["amount"].tolist()[:3] == [110.0, -10.0, 100.0]
    assert walk["amount"].iloc[4] == pytest.approx(110.0)


def test_growth_limit_moved_just_enough_to_meet_the_target_and_warned(tiny_company) -> None:
    inputs = planning_inputs(tiny_company)
    target = inputs.trailing * 1.6
    with pytest.raises(InfeasibleModelError, match="growth_max"):
        plan_quotas(inputs, target=target, growth_max=0.5, n_sims=50)
    plan = plan_quotas(inputs, target=target, growth_max=0.5, n_sims=50, relax_growth=True)
    bound, was, used = plan.growth_relaxed
    assert (bound, was) == ("growth_max", 0.5) and 0.6 <= used <= 0.601
    assert plan.total == pytest.approx(target * 1.05 * 1.05)
    warning = quota_report.quota_warnings(inputs, plan.quotas, None, plan)[0]
    assert warning.topic == "Growth limits" and "from +50.0% to +60." in warning.message
    assert "capped at +60." in quota_report.fairness_sentence(plan, 0.0, 0.5)
