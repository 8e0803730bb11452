"""The territory notebook runs under papermill, writes the chain's tables and reads cleanly."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from spm_models.registry import format_figure, read_metrics_file
from tests.messy import short_history, without_geography
from tests.territory.report_text import assert_clean, messy_dir, reader_text

QUICK = {"time_limit": 10.0, "frontier_points": 1, "frontier_time_limit": 4.0}


@pytest.mark.notebook
def test_territory_notebook_runs_and_relaxes_an_impossible_request(run_notebook) -> None:
    # Moving no account cannot balance the tiny company within 5%: the notebook reports the
    # diagnosis, applies the smallest disruption cap that works and carries on.
    out = run_notebook(
        "10_territory_alignment",
        {"tolerance": 0.05, "max_disruption": 0.0, **QUICK, "frontier_points": 2},
    )
    assignment = pd.read_csv(out / "tables" / "assignment.csv")
    assert {"account_id", "current_rep_id", "rep_id", "moved"} <= set(assignment)
    assert len(assignment) == 400
    territories = pd.read_csv(out / "tables" / "territories.csv")
    assert len(territories) == 8 and {"rep_id", "rep_name", "workload_before"} <= set(territories)
    changes = pd.read_csv(out / "tables" / "territory_changes.csv")
    assert changes["accounts_in"].sum() == assignment["moved"].sum()
    metrics = read_metrics_file(out / "metrics.json")
    document = json.loads((out / "metrics.json").read_text())
    assert all(record["registered"] for record in document.values())
    assert "at most" in metrics["territory.relaxation"]
    assert 0 < metrics["territory.max_disruption"] <= 1
    assert metrics["territory.status"] in ("optimal", "feasible")
    assert 0 <= metrics["territory.gap"] <= 0.01
    assert metrics["territory.gap_scope"] == "all account-rep pairs"
    assert metrics["territory.balance_cv_after"] < metrics["overview.workload_cv_current"]
    assert metrics["territory.accounts_moved_share"] <= metrics["territory.max_disruption"] + 1e-9
    assert metrics["territory.reps_gaining"] == (changes["change"] == "gains").sum()
    sweep = pd.read_csv(out / "tables" / "territory_frontier.csv")
    main = sweep[sweep["from_main"]]
    assert len(main) == 1 and len(sweep) == 4
    text = reader_text(out / "10_territory_alignment.ipynb")
    assert_clean(text)
    assert "The requested alignment is impossible" in text
    assert "Summary for leadership" in text and "proven" in text
    travel = format_figure(
        "territory.weighted_travel_after", metrics["territory.weighted_travel_after"]
    )
    assert "Weighted travel (the workload-weighted distance" in text and travel in text
    assert "k_nearest" not in text and "max_disruption" not in text
    assert "Try it" not in text and "Move the controls" not in text


@pytest.mark.notebook
def test_territory_notebook_on_ten_months_of_history(run_notebook, tiny_company, tmp_path) -> None:
    data = messy_dir(short_history(tiny_company, 10), tmp_path / "short")
    out = run_notebook(
        "10_territory_alignment",
        {"data_source": str(data), "tolerance": 0.15, "max_disruption": 0.4, **QUICK},
    )
    metrics = read_metrics_file(out / "metrics.json")
    assert metrics["territory.status"] in ("optimal", "feasible")
    assert_clean(reader_text(out / "10_territory_alignment.ipynb"))


@pytest.mark.notebook
def test_territory_notebook_without_geography(run_notebook, tiny_company, tmp_path) -> None:
    data = messy_dir(without_geography(tiny_company), tmp_path / "nogeo")
    out = run_notebook(
        "10_territory_alignment",
        {"data_source": str(data), "tolerance": 0.15, "max_disruption": 0.4, **QUICK},
    )
    metrics = read_metrics_file(out / "metrics.json")
    assert not any(k.startswith("territory.weighted_travel") for k in metrics)
    text = reader_text(out / "10_territory_alignment.ipynb")
    assert_clean(text)
    assert "balances workload only: there is no travel term" in text
    assert "The alignment map is not shown: the data has no usable locations" in text
    assert "The green-field sketch is not shown: the data has no locations" in text


@pytest.mark.notebook
def test_territory_notebook_with_county_units(run_notebook) -> None:
    out = run_notebook(
        "10_territory_alignment",
        {"units": "county", "tolerance": 0.25, "max_disruption": 1.0, **QUICK,
         "frontier_points": 0, "time_limit": 30.0},
    )  # fmt: skip
    tables = out / "tables"
    assignment = pd.read_csv(tables / "assignment.csv", dtype={"unit_id": str})
    units = pd.read_csv(tables / "units.csv", dtype={"unit_id": str})
    assert list(assignment.columns[:2]) == ["account_id", "unit_id"]
    assert list(units.columns[:2]) == ["unit_id", "rep_id"]
    assert units["unit_id"].is_unique and units["rep_id"].notna().all()
    # Every account's rep is its unit's rep; the unit table also holds units without accounts.
    unit_rep = units.set_index("unit_id")["rep_id"]
    assert (assignment["rep_id"].to_numpy() == unit_rep.loc[assignment["unit_id"]].to_numpy()).all()
    assert len(units) > assignment["unit_id"].nunique()
    text = reader_text(out / "10_territory_alignment.ipynb")
    assert_clean(text)
    assert "One map per region" in text
    assert "Explore the proposed map" not in text  # the interactive map only in a live session
    assert "Built from scratch on whole counties" in text
    green = pd.read_csv(tables / "green_field_units.csv", dtype={"unit_id": str})
    assert set(green["unit_id"]) == set(units["unit_id"]) and green["centre_id"].notna().all()
