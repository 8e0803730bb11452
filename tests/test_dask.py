"""Scale-out on a real Dask LocalCluster (2 workers) gives what local runs give."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from spm_models import config
from spm_models.forecast.batch import forecast_many
from spm_models.registry import read_metrics_file
from spm_models.runner import RunStatus, load_scenarios, run_batch

distributed = pytest.importorskip("distributed")
pytestmark = [pytest.mark.notebook, pytest.mark.xdist_group("dask")]
TESTS_SCENARIOS = config.PROJECT_ROOT / "tests" / "scenarios"


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with distributed.Client(cluster) as dask_client:
        yield dask_client
    cluster.close()


def test_batch_on_local_cluster_isolates_failure_and_caches(client, tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    scenarios = load_scenarios([TESTS_SCENARIOS / "quick.yaml", TESTS_SCENARIOS / "failing.yaml"])
    outcomes = {
        o.scenario: o for o in run_batch(scenarios, reports_dir=reports, dask_client=client)
    }
    assert outcomes["quick"].status is RunStatus.OK
    assert outcomes["quick"].report_dir == reports / "quick"
    assert read_metrics_file(reports / "quick" / "metrics.json")["overview.accounts"] == 400
    assert (reports / "quick" / "01_data_overview.html").exists()
    failed = outcomes["failing"]
    assert failed.status is RunStatus.FAILED and failed.cell is not None
    assert failed.scenario == "failing" and "unknown region 'Atlantis'" in failed.reason
    assert (reports / "failing" / "_failed" / "01_data_overview.ipynb").exists()
    assert not (reports / "failing" / "stamp.json").exists()
    assert not list(reports.glob(".tmp-*"))
    # The cache is decided on the client: unchanged inputs are not even submitted.
    again = run_batch(scenarios[:1], reports_dir=reports, dask_client=client)[0]
    assert again.status is RunStatus.SKIPPED


def test_batch_forecast_on_dask_equals_local(client) -> None:
    rng = np.random.default_rng(3)
    ds = pd.date_range("2020-01-01", periods=48, freq="MS")
    season = 1 + 0.3 * np.sin(2 * np.pi * ds.month.to_numpy() / 12)
    series = {
        f"S{i}": pd.DataFrame({"ds": ds, "y": (100 + 5 * i) * season * rng.lognormal(0, 0.05, 48)})
        for i in range(6)
    }
    local = forecast_many(
        series, horizon=6, model="theta", n_jobs=1, progress=False, backtest_windows=2
    )
    remote = forecast_many(
        series, horizon=6, model="theta", progress=False, backtest_windows=2, dask_client=client
    )
    pd.testing.assert_frame_equal(local.forecasts, remote.forecasts)
    pd.testing.assert_frame_equal(local.metrics, remote.metrics)
    assert remote.n_jobs == 2 and not remote.failures


def test_decomposed_alignment_on_dask_equals_local(client) -> None:
    from spm_models.data import generate_company
    from spm_models.territory.decompose import align_national

    company = generate_company(seed=11, n_accounts=900, n_reps=16)
    options = {
        "balance": ["workload"],
        "tolerance": 0.10,
        "max_disruption": 0.30,
        "k_nearest": 8,
        "reps_per_part": 4,
        "part_time_limit": 60,
        "mip_gap": 1e-2,
        "repair_rounds": 1,
        "bound_iterations": 30,
    }
    local = align_national(company.accounts, company.reps, **options)
    on_dask = align_national(company.accounts, company.reps, dask_client=client, **options)
    assert on_dask.workers == "dask (2 workers)"
    assert set(on_dask.parts["phase"]) == {"split", "repair-1"}
    pd.testing.assert_frame_equal(local.result.assignment, on_dask.result.assignment)
    assert on_dask.result.objective == pytest.approx(local.result.objective, rel=1e-12)
    assert on_dask.result.bound == pytest.approx(local.result.bound, rel=1e-12)
    assert on_dask.result.bound <= on_dask.result.objective
