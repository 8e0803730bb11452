"""Capacity figures and sentences: one shortfall definition, hires by quarter (known answers)."""

from __future__ import annotations

import pandas as pd
import pytest

from spm_models.capacity import report as capacity_report
from spm_models.capacity import roster_from_reps
from spm_models.capacity.plan import plan_year
from spm_models.quota.plan import planning_inputs


def test_hires_by_quarter_counts_requisitions_per_plan_quarter() -> None:
    hires = pd.DataFrame({"month": range(12), "reqs_opened": [2, 1, 0, 0, 0, 3] + [0] * 6})
    assert capacity_report.hires_by_quarter(hires) == "Q1 3, Q2 3, Q3 0, Q4 0"
    none = hires.assign(reqs_opened=0)
    assert capacity_report.hires_by_quarter(none) == "Q1 0, Q2 0, Q3 0, Q4 0"


def test_short_quarters_ignore_rounding() -> None:
    q = pd.DataFrame({"quarter": [1, 2, 3, 4], "shortfall": [149_504.0, 0.2, 20_000.0, 0.0]})
    assert capacity_report.short_quarters(q) == "Q1 $149.5k, Q3 $20.0k"
    assert capacity_report.short_quarters(q.assign(shortfall=0.0)) == ""


def _figures(gap: float, quarterly: float) -> dict:
    return {
        "capacity.target": 1_000_000.0,
        "capacity.annual_capacity": 1_000_000.0 - gap,
        "capacity.capacity_without_hiring": 800_000.0,
        "capacity.target_gap": gap,
        "capacity.quarterly_shortfall": quarterly,
        "capacity.hires_needed": 1,
        "capacity.hires_by_quarter": "Q1 1, Q2 0, Q3 0, Q4 0",
    }


def test_capacity_sentence_short_above_and_by_quarter() -> None:
    quiet = pd.DataFrame({"quarter": [1, 2, 3, 4], "shortfall": 0.0})
    short = capacity_report.capacity_sentence(_figures(250_000.0, 0.0), quiet)
    assert "opens 1 requisition (Q1 1, Q2 0, Q3 0, Q4 0)" in short
    assert "$250.0k short of the $1.00M target" in short
    assert "Every quarter's target is met." in short
    missed = pd.DataFrame({"quarter": [1, 2, 3, 4], "shortfall": [50_000.0, 0, 0, 0]})
    above = capacity_report.capacity_sentence(_figures(-300_000.0, 50_000.0), missed)
    assert "$300.0k above the $1.00M target" in above
    assert "misses its target by $50.0k in all (Q1 $50.0k)" in above


@pytest.fixture(scope="module")
def year(tiny_company):
    inputs = planning_inputs(tiny_company)
    roster, open_seats = roster_from_reps(tiny_company.reps, inputs.plan_start)
    target = inputs.trailing * 1.1
    return target, plan_year(inputs, roster, open_seats, target=target, n_sims=100)


def test_capacity_is_measured_against_the_quota_target(year) -> None:
    target, plan = year
    figures = capacity_report.capacity_figures(plan.capacity, plan.quota.target)
    assert figures["capacity.target"] == plan.quota.target == target
    assert figures["capacity.target_gap"] == pytest.approx(
        target - plan.capacity.with_hiring.bookings_capacity
    )
    # the monthly targets the hiring model meets add up to the same target
    assert plan.capacity.targets.sum() == pytest.approx(target)
    assert figures["capacity.hires_needed"] == plan.capacity.hiring.total_hires
    assert figures["capacity.quarterly_shortfall"] == pytest.approx(
        plan.capacity.hiring.quarterly["shortfall"].sum()
    )
    assert isinstance(figures["capacity.ending_headcount"], int)
    text = capacity_report.drivers_sentence(plan.capacity)
    assert "The assumption that matters most" in text
    assert "A ramped rep is expected to book" in capacity_report.assumptions_sentence(plan.capacity)


def test_unmet_plan_names_what_blocks_it_in_words(tiny_company) -> None:
    inputs = planning_inputs(tiny_company)
    roster, open_seats = roster_from_reps(tiny_company.reps, inputs.plan_start)
    plan = plan_year(
        inputs,
        roster,
        open_seats,
        target=inputs.trailing * 1.6,
        method="historical",
        n_sims=50,
        max_hires_per_month=0,
    ).capacity
    assert not plan.hiring.status.is_ok
    text = capacity_report.blocking_sentence(plan)
    assert text.startswith("What holds the plan back is")
    assert "max_hires" not in text and "meet_target" not in text
    skipped = capacity_report.hiring_skipped(plan)
    assert skipped is not None and "no hire can start" in skipped.sentence()


def test_relaxation_money_is_formatted_like_every_figure() -> None:
    text = capacity_report._money_in_words("lower the targets of Q1 by $2,294,378: too late")
    assert text == "lower the targets of Q1 by $2.29M: too late"
