"""The batch runner on a real kernel: parallel runs, failure isolation, caching, atomicity."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from spm_models import config
from spm_models.cli import main
from spm_models.registry import read_metrics_file
from spm_models.runner import RunStatus, load_scenarios, run_batch
from tests.conftest import TINY_RENDER_GROUP

pytestmark = pytest.mark.notebook
TESTS_SCENARIOS = config.PROJECT_ROOT / "tests" / "scenarios"


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory):
    """quick and failing, run together with two jobs."""
    reports = tmp_path_factory.mktemp("reports")
    scenarios = load_scenarios([TESTS_SCENARIOS / "quick.yaml", TESTS_SCENARIOS / "failing.yaml"])
    outcomes = run_batch(scenarios, jobs=2, reports_dir=reports)
    return reports, {o.scenario: o for o in outcomes}


def test_parallel_batch_runs_the_good_scenario(batch) -> None:
    reports, outcomes = batch
    assert outcomes["quick"].status is RunStatus.OK
    quick = reports / "quick"
    for name in ("01_data_overview.ipynb", "01_data_overview.html", "metrics.json", "index.html"):
        assert (quick / name).exists(), name
    assert (quick / "tables" / "territory_balance_current.csv").exists()


@pytest.mark.xdist_group(TINY_RENDER_GROUP)
def test_every_notebook_of_a_scenario_runs_into_its_report(tiny_render: Path) -> None:
    tiny = tiny_render / "tiny"
    for stem, _ in load_scenarios([TESTS_SCENARIOS / "tiny.yaml"])[0].notebooks:
        assert (tiny / f"{stem}.html").exists(), stem
        assert (tiny / f"{stem}.ipynb").exists(), stem
    metrics = read_metrics_file(tiny / "metrics.json")
    assert metrics["overview.accounts"] == 400
    stamp = json.loads((tiny / "stamp.json").read_text())
    assert stamp["status"] == "ok" and len(stamp["inputs_sha256"]) == 64
    assert stamp["versions"]["pulp"].startswith("3.")
    page = (tiny / "01_data_overview.html").read_text()
    assert "NotebookSession" not in page  # no code in the leadership report
    assert '<img src="data:image/png;base64,' in page and 'alt="Accounts by current' in page
    assert "sha256" in page and "sample company (seed 7, 400 accounts, 8 reps)" in page


def test_failing_scenario_is_isolated_and_names_the_cell(batch) -> None:
    reports, outcomes = batch
    failed = outcomes["failing"]
    assert failed.status is RunStatus.FAILED
    assert failed.notebook == "01_data_overview" and failed.cell is not None
    assert "unknown region 'Atlantis'" in failed.reason
    failed_dir = reports / "failing" / "_failed"
    assert (failed_dir / "01_data_overview.ipynb").exists()
    record = json.loads((failed_dir / "failure.json").read_text())
    assert record["cell_index"] == failed.cell
    assert not (reports / "failing" / "stamp.json").exists()  # no half-written report
    assert not list(reports.glob(".tmp-*"))
    index = (reports / "index.html").read_text()
    assert "status-failed" in index and "status-ok" in index
    assert "unknown region" in index


@pytest.mark.xdist_group(TINY_RENDER_GROUP)
def test_cache_skips_unchanged_inputs_and_force_reruns(tiny_render: Path, tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    shutil.copytree(tiny_render, reports)  # the shared rendering stays as it was
    tiny = load_scenarios([TESTS_SCENARIOS / "tiny.yaml"])
    stamp_before = (reports / "tiny" / "stamp.json").read_text()
    again = run_batch(tiny, reports_dir=reports)[0]
    assert again.status is RunStatus.SKIPPED
    assert (reports / "tiny" / "stamp.json").read_text() == stamp_before
    quick = load_scenarios([TESTS_SCENARIOS / "quick.yaml"])
    assert run_batch(quick, reports_dir=reports)[0].status is RunStatus.OK
    first = json.loads((reports / "quick" / "stamp.json").read_text())
    assert run_batch(quick, reports_dir=reports)[0].status is RunStatus.SKIPPED
    forced = run_batch(quick, reports_dir=reports, force=True)[0]
    assert forced.status is RunStatus.OK
    assert json.loads((reports / "quick" / "stamp.json").read_text())["started"] >= first["started"]


def test_a_failed_rerun_keeps_the_last_good_report(tmp_path: Path) -> None:
    scenario_file = tmp_path / "keep.yaml"
    text = (TESTS_SCENARIOS / "quick.yaml").read_text().replace("name: quick", "name: keep")
    scenario_file.write_text(text)
    reports = tmp_path / "reports"
    assert run_batch(load_scenarios([scenario_file]), reports_dir=reports)[0].status.is_ok
    good_stamp = (reports / "keep" / "stamp.json").read_text()
    scenario_file.write_text(
        text.replace("01_data_overview: {}", "01_data_overview: {region: Atlantis}")
    )
    outcome = run_batch(load_scenarios([scenario_file]), reports_dir=reports)[0]
    assert outcome.status is RunStatus.FAILED
    assert (reports / "keep" / "stamp.json").read_text() == good_stamp
    assert (reports / "keep" / "01_data_overview.html").exists()
    assert (reports / "keep" / "_failed" / "failure.json").exists()
    scenario_file.write_text(text)
    # Same inputs as the good report: still skipped, and the failure is no longer newest.
    assert (
        run_batch(load_scenarios([scenario_file]), reports_dir=reports, force=True)[0].status
        is RunStatus.OK
    )
    assert not (reports / "keep" / "_failed").exists()


def test_killed_run_leaves_no_partial_report_and_rerun_recovers(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    cmd = [
        sys.executable,
        "-m",
        "spm_models",
        "run",
        str(TESTS_SCENARIOS / "quick.yaml"),
        "--reports-dir",
        str(reports),
    ]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline and not list(reports.glob(".tmp-quick-*/*.ipynb")):
        time.sleep(0.2)
    import os

    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert list(reports.glob(".tmp-quick-*")), "the run should have been killed mid-way"
    assert not (reports / "quick").exists()
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (reports / "quick" / "stamp.json").exists()
    assert not list(reports.glob(".tmp-quick-*"))


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reports = str(tmp_path / "reports")
    assert main(["run", str(TESTS_SCENARIOS / "failing.yaml"), "--reports-dir", reports]) == 1
    err = capsys.readouterr().err
    assert "1 of 1 scenario(s) failed" in err and "failing: 01_data_overview: cell" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\ntitle: Bad\ndata: {source: sample}\nnotebooks: {}\nextra: 1\n")
    assert main(["run", str(bad), "--reports-dir", reports]) == 2
    err = capsys.readouterr().err
    assert "extra: unknown key" in err and "notebooks: lists no notebooks" in err
    assert main(["run", "--jobs", "0", str(bad)]) == 2


def test_duplicate_scenario_names_are_rejected(tmp_path: Path) -> None:
    copy = tmp_path / "tiny_copy.yaml"
    shutil.copy(TESTS_SCENARIOS / "tiny.yaml", copy)
    from spm_models.errors import ScenarioError

    with pytest.raises(ScenarioError, match=r"'tiny' is already used by tiny\.yaml"):
        load_scenarios([TESTS_SCENARIOS / "tiny.yaml", copy])
