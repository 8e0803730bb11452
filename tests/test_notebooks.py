"""Every notebook follows the house contract; the data overview runs under papermill."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import nbformat
import pandas as pd
import papermill
import pytest

from spm_models import config
from spm_models.registry import format_figure, read_metrics_file
from spm_models.scenarios import STANDARD_PARAMETERS
from tests.messy import short_history, without_geography
from tests.territory.report_text import assert_clean, messy_dir, reader_text

NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_contract(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert all(not c.outputs and c.execution_count is None for c in code), "strip outputs"
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    declared = papermill.inspect_notebook(str(path))
    assert set(STANDARD_PARAMETERS) <= set(declared), "standard parameters must parse"
    for line in tagged[0].source.splitlines():
        assert line.count("=") == 1, f"papermill cannot parse {line!r}"
    for cell in code:
        tree = ast.parse(cell.source)
        defs = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)]
        assert not defs, "logic belongs in spm_models, not in a notebook"
    assert nb.metadata["kernelspec"]["name"] == config.KERNEL_NAME


@pytest.mark.notebook
def test_data_overview_runs_under_papermill(run_notebook) -> None:
    out = run_notebook("01_data_overview", {"region": "All", "balance_band": 0.2})
    metrics = read_metrics_file(out / "metrics.json")
    assert metrics["overview.accounts"] == 400
    assert metrics["overview.workload_cv_current"] > 0.2
    document = json.loads((out / "metrics.json").read_text())
    assert all(record["registered"] for record in document.values())
    balance = pd.read_csv(out / "tables" / "territory_balance_current.csv")
    assert len(balance) == 8 and balance["accounts"].sum() == 400
    executed = nbformat.read(out / "01_data_overview.ipynb", as_version=4)
    images = [
        o
        for c in executed.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "image/png" in o.get("data", {})
    ]
    assert len(images) >= 5  # map, two balance charts, two bookings charts, pipeline
    text = reader_text(out / "01_data_overview.ipynb")
    assert_clean(text)
    assert "Workload spread across today's staffed territories" in text
    assert "400 accounts" in text and "Bookings over the last 12 months" in text
    # The headline table prints each figure as the registry formats it.
    cv = format_figure("overview.workload_cv_current", metrics["overview.workload_cv_current"])
    assert f'<td class="num">{cv}</td>' in text or f">{cv}<" in text
    assert "Explore" not in text and "slider" not in text


@pytest.mark.notebook
def test_data_overview_focuses_on_a_region(run_notebook) -> None:
    out = run_notebook("01_data_overview", {"region": "West", "segment": "smb"})
    assert (out / "tables" / "pipeline_by_stage.csv").exists()
    assert_clean(reader_text(out / "01_data_overview.ipynb"))


@pytest.mark.notebook
def test_data_overview_on_ten_months_of_history(run_notebook, tiny_company, tmp_path) -> None:
    data = messy_dir(short_history(tiny_company, 10), tmp_path / "short")
    out = run_notebook("01_data_overview", {"data_source": str(data)})
    metrics = read_metrics_file(out / "metrics.json")
    assert metrics["overview.history_months"] == 10
    assert "overview.bookings_growth" not in metrics
    text = reader_text(out / "01_data_overview.ipynb")
    assert_clean(text)
    assert "Bookings over the whole 10-month history" in text
    assert "growth on the year before needs 24 months" in text
    assert "down" not in text.split("Bookings over", 1)[1].split("\n", 1)[0]


@pytest.mark.notebook
def test_data_overview_without_geography(run_notebook, tiny_company, tmp_path) -> None:
    data = messy_dir(without_geography(tiny_company), tmp_path / "nogeo")
    out = run_notebook("01_data_overview", {"data_source": str(data)})
    text = reader_text(out / "01_data_overview.ipynb")
    assert_clean(text)
    assert "The account map is not shown: the data has no usable locations" in text
