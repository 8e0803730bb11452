"""The quota and capacity notebook under papermill: on the optimised territories of a run, and
on a company with 10 months of history and no realignment."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from spm_models.quota import trailing_bookings_by_account
from spm_models.registry import format_figure, read_metrics_file
from tests.messy import short_history, write_messy
from tests.quota.hygiene import page_text, problems


@pytest.mark.notebook
def test_notebook_runs_on_the_optimised_territories(run_notebook, tiny_company, tmp_path) -> None:
    out = tmp_path / "run"
    (out / "tables").mkdir(parents=True)
    acc = tiny_company.accounts.dropna(subset=["current_rep_id"])
    reps = sorted(acc["current_rep_id"].unique())
    moved = acc.loc[acc["current_rep_id"] == reps[0]].head(4)
    # the territory page's layout: the new rep as rep_id, today's as current_rep_id
    pd.DataFrame(
        {
            "account_id": moved["account_id"],
            "rep_id": reps[1],
            "current_rep_id": moved["current_rep_id"],
        }
    ).to_csv(out / "tables" / "assignment.csv", index=False)
    run_notebook(
        "20_quota_capacity",
        {"n_sims": 200, "freeze_months": 3, "hiring_budget": 400000.0, "target_growth": 0.2},
        output_dir=out,
    )
    metrics = read_metrics_file(out / "metrics.json")
    quotas = pd.read_csv(out / "tables" / "quotas.csv")
    assert {"rep_id", "rep_name", "quota"} <= set(quotas.columns)
    assert metrics["quota.total"] == pytest.approx(quotas["quota"].sum())
    assert metrics["quota.target"] == metrics["capacity.target"]
    assert metrics["quota.alignment"] == "optimised"
    assert metrics["quota.booking_types"] == "new and expansion"
    draws = pd.read_csv(out / "tables" / "quota_attainment_draws.csv")
    assert len(draws) == 200
    share = float((draws >= 1).mean(axis=1).mean())
    assert metrics["quota.expected_share_at_or_above"] == pytest.approx(share)
    shift = trailing_bookings_by_account(tiny_company.bookings, tiny_company.as_of)
    expected_shift = float(shift.reindex(moved["account_id"]).fillna(0.0).sum())
    assert quotas.set_index("rep_id").loc[reps[1], "moved_in_bookings"] == pytest.approx(
        expected_shift
    )
    hires = pd.read_csv(out / "tables" / "hiring_plan.csv")
    assert hires["reqs_opened"].iloc[:3].sum() == 0
    assert metrics["capacity.hiring_cost"] <= 400000.0 + 1e-6
    assert metrics["capacity.hires_needed"] == hires["reqs_opened"].sum()
    assert metrics["capacity.hires_by_quarter"].startswith("Q1 0, ")
    capacity = metrics["capacity.annual_capacity"]
    assert metrics["capacity.target_gap"] == pytest.approx(metrics["capacity.target"] - capacity)
    text = page_text(out / "20_quota_capacity.ipynb")
    assert "Quotas are set on the new territories of the optimised alignment." in text
    for name in ("quota.total", "capacity.target_gap", "quota.expected_share_at_or_above"):
        assert format_figure(name, metrics[name]) in text
    assert problems(text) == []


@pytest.mark.notebook
def test_notebook_on_ten_months_of_history_without_realignment(
    run_notebook, tiny_company, tmp_path
) -> None:
    data = write_messy(short_history(tiny_company, 10), tmp_path / "short")
    out = run_notebook("20_quota_capacity", {"n_sims": 200, "data_source": str(data)})
    metrics = read_metrics_file(out / "metrics.json")
    assert metrics["quota.history_months"] == 10
    assert metrics["quota.alignment"] == "current"
    assert metrics["quota.target"] == metrics["capacity.target"]
    text = page_text(out / "20_quota_capacity.ipynb")
    assert "Quotas are set on today's territories: this run has no realignment." in text
    assert "Over the last 10 months, annualised" in text
    assert "annualised from 10 months" in text  # the plausibility warning
    assert "The seasonal split of quotas is not shown" in text
    warnings = json.loads((out / "warnings.json").read_text())
    assert [w["topic"] for w in warnings] == ["Quota target"]
    assert problems(text) == []
