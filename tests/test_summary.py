"""The executive summary's decisions and sentences follow the figures, and only those present."""

from __future__ import annotations

import math

import pytest

from spm_models import registry
from spm_models.registry import figure, format_figure
from spm_models.reporting import decisions as dec
from spm_models.reporting import summary

PLAN = {
    "overview.as_of": "2026-12-31",
    "overview.history_months": 36,
    "overview.bookings_last_12m": 68_100_000.0,
    "overview.bookings_growth": 0.081,
    "overview.open_pipeline": 21_300_000.0,
    "overview.workload_cv_current": 0.748,
    "territory.accounts_moved": 1000,
    "territory.accounts_moved_share": 0.2,
    "territory.reps_gaining": 7,
    "territory.reps_losing": 9,
    "territory.balance_cv_after": 0.04,
    "territory.weighted_travel_before": 120_000.0,
    "territory.weighted_travel_after": 105_000.0,
    "territory.weighted_travel_change": -0.125,
    "territory.gap": 0.0048,
    "territory.gap_scope": "all account-rep pairs",
    "quota.booking_types": "new and expansion",
    "quota.target": 70_000_000.0,
    "quota.total": 72_400_000.0,
    "quota.expected_share_at_or_above": 0.288,
    "capacity.target": 70_000_000.0,
    "capacity.annual_capacity": 65_510_000.0,
    "capacity.target_gap": 4_490_000.0,
    "capacity.hires_needed": 5,
    "capacity.hires_by_quarter": "Q1 3, Q2 2, Q3 0, Q4 0",
    "capacity.hiring_cost": 850_000.0,
    "capacity.ending_headcount": 65,
    "forecast.booking_types": "new and expansion",
    "forecast.next_year_total": 70_420_000.0,
    "forecast.next_year_lower": 64_000_000.0,
    "forecast.next_year_upper": 77_000_000.0,
    "forecast.interval": 0.8,
    "forecast.model": "Theta",
    "forecast.vs_quota": 0.9727,
    "incentives.quota_total": 72_400_000.0,
    "incentives.plan_a": "Standard",
    "incentives.plan_b": "Accelerated",
    "incentives.total_cost": 7_100_000.0,
    "incentives.plan_b_cost": 7_900_000.0,
    "incentives.cost_p10": 6_200_000.0,
    "incentives.cost_p90": 8_300_000.0,
    "incentives.cost_of_sales": 0.098,
    "incentives.recommended_plan": "Standard",
}


def _by_title(metrics: dict) -> dict[str, dec.Decision]:
    return {d.title: d for d in dec.decisions(metrics)}


def test_the_plan_asks_six_decisions_in_reading_order() -> None:
    assert [d.title for d in dec.decisions(PLAN)] == [
        "Approve the realignment",
        "Set the quota target",
        "Approve the hiring plan",
        "Choose the incentive plan",
        "Accept how hard quotas are",
        "Accept the forecast risk",
    ]
    assert dec.decisions({}) == []


def test_realignment_states_moves_gainers_losers_balance_and_weighted_travel() -> None:
    d = _by_title(PLAN)["Approve the realignment"]
    assert d.statement == (
        "1,000 accounts change rep (20.0% of accounts); 7 reps gain workload and 9 lose it. "
        "Workload spread goes from 74.8% to 4.0%. "
        "Weighted travel goes from 120,000 km to 105,000 km (-12.5%)."
    )
    assert "proven within 0.5% of the best possible" in d.risk
    assert d.link == "10_territory_alignment.html"


def test_gap_on_candidate_pairs_only_changes_the_wording() -> None:
    d = _by_title({**PLAN, "territory.gap_scope": "the candidate pairs only"})[
        "Approve the realignment"
    ]
    assert "among the candidate account-rep pairs only" in d.risk
    assert "best possible" not in d.risk


def test_quota_target_against_forecast_and_capacity_with_the_gap() -> None:
    d = _by_title(PLAN)["Set the quota target"]
    assert d.statement == (
        "The bookings target is $70.00M and the quotas issued to reps total $72.40M, counting "
        "new and expansion bookings. Against it, the forecast is $70.42M and the sales force "
        "can book $65.51M. Capacity falls $4.49M short of the target."
    )
    assert d.risk.startswith(
        "The forecast is 97.3% of total quota: reps are asked for more than the forecast"
    )
    assert "not reachable as planned" in d.risk
    assert d.link == "20_quota_capacity.html"
    covered = _by_title({**PLAN, "capacity.target_gap": -1_200_000.0})["Set the quota target"]
    assert "Capacity exceeds the target by $1.20M." in covered.statement
    assert "not reachable" not in covered.risk


def test_forecast_on_other_booking_types_is_flagged() -> None:
    mixed = {**PLAN, "forecast.booking_types": "all"}
    risk = _by_title(mixed)["Set the quota target"].risk
    assert risk.startswith("The forecast counts all bookings while quota counts new and expansion")


def test_hiring_plan_by_quarter_and_its_risk() -> None:
    d = _by_title(PLAN)["Approve the hiring plan"]
    assert d.statement == (
        "The plan hires 5 reps (Q1 3, Q2 2, Q3 0, Q4 0) at a cost of $850.0k. "
        "Headcount ends the year at 65."
    )
    assert d.risk.startswith("Even with these hires capacity is $4.49M short")
    covered = _by_title({**PLAN, "capacity.target_gap": 0.0})["Approve the hiring plan"]
    assert "ramp" in covered.risk


def test_incentive_plan_cost_range_and_quota_mismatch() -> None:
    d = _by_title(PLAN)["Choose the incentive plan"]
    assert d.statement == (
        "Expected cost of plan A (Standard) is $7.10M, between $6.20M and $8.30M in 8 of 10 "
        "simulated years (9.8% of bookings). The expected cost of plan B (Accelerated) is "
        "$7.90M. Recommended: Standard."
    )
    assert "$8.30M" in d.risk
    other = _by_title({**PLAN, "incentives.quota_total": 60_000_000.0})
    assert "simulated on quotas totalling $60.00M, not on the $72.40M issued" in (
        other["Choose the incentive plan"].risk
    )


@pytest.mark.parametrize(
    ("share", "where"),
    [(0.288, "below"), (0.55, "inside"), (0.6, "inside"), (0.65, "inside"), (0.7, "above")],
)
def test_expected_attainment_against_the_band(share: float, where: str) -> None:
    d = _by_title({**PLAN, "quota.expected_share_at_or_above": share})["Accept how hard quotas are"]
    assert f"{where} the healthy 55% to 65% band" in d.statement
    assert format_figure("quota.expected_share_at_or_above", share) in d.statement


@pytest.mark.parametrize(
    ("quota", "risk"),
    [
        (80_000_000.0, "above even the top of the forecast interval"),
        (60_000_000.0, "below even the bottom of the forecast interval"),
        (72_400_000.0, "inside the forecast interval"),
    ],
)
def test_forecast_interval_against_quota(quota: float, risk: str) -> None:
    d = _by_title({**PLAN, "quota.total": quota})["Accept the forecast risk"]
    assert risk in d.risk
    assert d.statement.startswith(
        "Next year's bookings are forecast at $70.42M, between $64.00M and $77.00M with 80.0% "
        "confidence (model: Theta)."
    )


def test_a_decision_without_its_figures_is_left_out() -> None:
    titles = set(_by_title({k: v for k, v in PLAN.items() if not k.startswith("territory.")}))
    assert "Approve the realignment" not in titles and len(titles) == 5
    # a figure that cannot be computed is absent, never printed as nan
    assert "Approve the hiring plan" not in _by_title({"capacity.hires_needed": math.nan})
    only_total = _by_title({"quota.total": 5e7})["Set the quota target"]
    assert only_total.statement == "The quotas issued to reps total $50.00M."


def test_unregistered_figures_are_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(registry._REGISTRY, "territory.accounts_moved", raising=False)
    assert not summary.has(PLAN, "territory.accounts_moved")
    assert "Approve the realignment" not in _by_title(PLAN)


def test_every_printed_figure_reads_as_the_registry_formats_it() -> None:
    for d in dec.decisions(PLAN):
        assert d.figures, d.title
        for name in d.figures:
            assert format_figure(name, PLAN[name]) in f"{d.statement} {d.risk}", (d.title, name)


def test_decisions_html_escapes_and_links_each_to_its_page() -> None:
    items = dec.decisions({**PLAN, "incentives.plan_a": "<b>Gold</b>"})
    page = dec.decisions_html(items)
    assert page.count('<li class="decision">') == 6
    assert "&lt;b&gt;Gold&lt;/b&gt;" in page and "<b>Gold" not in page
    assert '<a href="10_territory_alignment.html">Territory alignment: ' in page
    cost_section = figure("incentives.total_cost").section
    assert f'<a href="40_incentive_plan.html">Incentive plan: {cost_section}</a>' in page
    assert dec.decisions_html([]) == ""
    table = dec.decisions_table(items)
    assert list(table.columns) == ["decision", "statement", "risk", "page", "link"]


def test_key_figures_are_the_registered_headlines_present() -> None:
    key = summary.key_figures({**PLAN, "capacity.hires_needed": None, "not.a_figure": 3})
    assert "not.a_figure" not in set(key["name"]) and "capacity.hires_needed" not in set(
        key["name"]
    )
    row = key.set_index("name").loc["quota.total"]
    assert (row["figure"], row["value"], row["explained"]) == (
        "Total quota",
        "$72.40M",
        f"Quotas and capacity: {figure('quota.total').section}",
    )
    pages = list(key["explained"].str.split(":").str[0].drop_duplicates())
    assert pages[0] == "Data overview" and pages[-1] == "Incentive plan"
    assert summary.key_figures({}).empty


def test_starting_point_says_when_history_is_short() -> None:
    assert summary.starting_point(PLAN) == (
        "Bookings were $68.10M in the last 12 months up to 2026-12-31 (growth on the year "
        "before: 8.1%); open pipeline is $21.30M; workload spread across today's territories "
        "is 74.8%."
    )
    short = {"overview.bookings_last_12m": 9e6, "overview.history_months": 8}
    assert summary.starting_point(short) == "Bookings were $9.00M over the whole history (8)."
    assert summary.starting_point({}) is None


def test_scenario_outcome_and_which_scenario_meets_the_target() -> None:
    assert summary.scenario_outcome(PLAN) == (
        "Falls $4.49M short of the target of $70.00M, with 5 hires costing $850.0k and "
        "expected incentive cost $7.10M."
    )
    cheap = {**PLAN, "capacity.target_gap": -1e6, "incentives.total_cost": 6e6}
    dear = {**PLAN, "capacity.target_gap": 0.0, "incentives.total_cost": 8e6}
    assert summary.scenario_outcome(cheap).startswith("Meets the target of $70.00M, with")
    assert summary.scenario_outcome({}) is None
    assert summary.across_scenarios({"base": PLAN, "lean": cheap, "growth": dear}) == (
        "Scenarios that meet their bookings target (2 of 3): lean, growth. Of these, lean has "
        "the lowest expected incentive cost, $6.00M."
    )
    assert summary.across_scenarios({"base": PLAN, "lean": cheap}) == (
        "Scenarios that meet their bookings target (1 of 2): lean."
    )
    assert summary.across_scenarios({"base": PLAN}) == (
        "No scenario with a capacity plan meets its bookings target (0 of 1)."
    )
    assert summary.across_scenarios({"x": {}}) is None


def test_page_titles() -> None:
    assert summary.page_title("30_forecast") == "Bookings forecast"
    assert summary.page_title("60_new_page") == "New page"


def test_scorecard_labels_sit_beyond_the_interval() -> None:
    from spm_models.plots import plot_scorecard

    assert plot_scorecard({}) is None
    fig = plot_scorecard(PLAN)
    ax = fig.axes[0]
    labels = {t.get_text().strip(): t.get_position()[0] for t in ax.texts}
    assert labels["$70.42M"] >= 77.0  # the forecast label is right of the interval's top
    assert set(labels) == {"$68.10M", "$70.42M", "$70.00M", "$72.40M", "$65.51M"}
    first = next(t.get_text() for t in ax.get_yticklabels())
    assert first == figure("overview.bookings_last_12m").label


def _rendered(out, name: str) -> str:
    from spm_models.reporting.html import render_notebook_html

    path = render_notebook_html(
        out / f"{name}.ipynb", out / f"{name}.html", title="Test", stamp={"scenario": "test"}
    )
    return path.read_text(encoding="utf-8")


@pytest.mark.notebook
def test_summary_notebook_lists_the_decisions_its_figures_support(run_notebook) -> None:
    import json
    import re

    import pandas as pd

    from spm_models.registry import metric_record

    out = run_notebook("01_data_overview")
    document = json.loads((out / "metrics.json").read_text())
    extra = {
        "quota.total": 9_000_000.0,
        "quota.expected_share_at_or_above": 0.42,
        "forecast.next_year_total": 6_000_000.0,
        "capacity.hires_needed": 3,
        "capacity.target_gap": 250_000.0,
        "incentives.total_cost": 800_000.0,
    }
    document |= {k: metric_record(k, v) for k, v in extra.items()}
    (out / "metrics.json").write_text(json.dumps(document))
    run_notebook("90_executive_summary", output_dir=out)
    page = _rendered(out, "90_executive_summary")
    assert "42.0% of reps are expected to reach their quota, below the healthy" in page
    assert "Capacity falls $250.0k short of the target." in page
    section = figure("quota.expected_share_at_or_above").section
    assert f'<a href="20_quota_capacity.html">Quotas and capacity: {section}</a>' in page
    assert 'class="dataframe"' not in page
    assert not re.search(r"\bnan\b", page.split("<main>")[1])
    rows = pd.read_csv(out / "tables" / "executive_summary.csv")
    assert {"Total quota", "Accounts"} <= set(rows["figure"])
    assert "Accept how hard quotas are" in set(
        pd.read_csv(out / "tables" / "decisions.csv")["decision"]
    )


@pytest.mark.notebook
def test_summary_notebook_alone_says_why_it_has_no_decisions(run_notebook) -> None:
    out = run_notebook("90_executive_summary")
    page = _rendered(out, "90_executive_summary")
    assert "The list of decisions is not shown: no planning page" in page
    assert (
        "The key-figure table is not shown: no page of this scenario wrote a headline figure."
        in page
    )


def test_no_move_and_a_capacity_target_of_its_own_are_said_plainly() -> None:
    still = _by_title({**PLAN, "territory.accounts_moved": 0})
    assert "Approve the realignment" not in still
    assert still["Keep today's territories"].statement.startswith("The optimised alignment moves")
    other = _by_title({**PLAN, "capacity.target": 65_000_000.0})["Set the quota target"]
    assert other.risk.startswith(
        "Capacity is planned against $65.00M, not against the quota target of $70.00M;"
    )
    assert "capacity.target" in other.figures


def test_forecast_against_quota_without_the_ratio() -> None:
    bare = {k: v for k, v in PLAN.items() if k not in ("forecast.vs_quota", "capacity.target_gap")}
    risk = _by_title(bare)["Set the quota target"].risk
    assert risk == "The forecast of $70.42M is below the $72.40M of quotas issued."
    higher = _by_title({**bare, "forecast.next_year_total": 8e7})["Set the quota target"].risk
    assert higher == "The forecast of $80.00M is at or above the $72.40M of quotas issued."


def test_provenance_note_counts_the_derived_fields() -> None:
    from spm_models.sources.provenance import ProvenanceEntry, provenance_table

    assert summary.provenance_note(provenance_table([])).startswith("Every field comes")
    entries = [
        ProvenanceEntry("accounts", "potential", "potential from history", "Three times.", 40),
        ProvenanceEntry("accounts", "workload", "workload by segment", "Calls per year.", 40),
        ProvenanceEntry("reps", "home_lat", "centre of accounts", "Mean of accounts.", 3),
    ]
    note = summary.provenance_note(provenance_table(entries))
    assert note.startswith("3 fields in 2 tables were not in the company's data")


def test_booking_types_in_another_order_are_the_same_definition() -> None:
    same = {**PLAN, "quota.booking_types": "new and expansion"}
    same["forecast.booking_types"] = "expansion and new"
    target = _by_title(same)["Set the quota target"]
    assert "do not compare" not in target.risk
    other = {**same, "forecast.booking_types": "new, expansion and renewal"}
    assert "do not compare" in _by_title(other)["Set the quota target"].risk
