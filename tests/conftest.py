"""Shared fixtures: a tiny generated company, its files, and a papermill notebook runner."""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pytest

from spm_models import config
from spm_models.data import Company, generate_company, write_company

TINY = {"seed": 7, "n_accounts": 400, "n_reps": 8}
TINY_SCENARIO = config.PROJECT_ROOT / "tests" / "scenarios" / "tiny.yaml"
#: Tests that read the one rendering of the tiny scenario share this xdist group, so one
#: worker renders it once for all of them.
TINY_RENDER_GROUP = "tiny_render"
SHARED_DATA = config.SHARED_DATA_DIR


@pytest.fixture(scope="session")
def tiny_company() -> Company:
    """A small sample company (400 accounts, 8 reps); do not modify its frames."""
    return generate_company(**TINY)


@pytest.fixture(scope="session")
def tiny_company_dir(tiny_company: Company, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny company written as CSV files."""
    return write_company(tiny_company, tmp_path_factory.mktemp("tiny_company"))


@pytest.fixture
def run_notebook(tmp_path: Path, tiny_company_dir: Path):
    """Run ``notebooks/<name>.ipynb`` under papermill on a real kernel; return its output dir.

    The executed notebook is saved as ``<output dir>/<name>.ipynb``.
    """
    import papermill

    def _run(name: str, parameters: dict | None = None, *, output_dir: Path | None = None) -> Path:
        out = output_dir or tmp_path / "out"
        out.mkdir(parents=True, exist_ok=True)
        papermill.execute_notebook(
            str(config.NOTEBOOKS_DIR / f"{name}.ipynb"),
            str(out / f"{name}.ipynb"),
            parameters={
                "scenario": "test",
                "data_source": str(tiny_company_dir),
                "output_dir": str(out),
                "interactive": False,
                **(parameters or {}),
            },
            kernel_name=config.KERNEL_NAME,
            cwd=str(config.NOTEBOOKS_DIR),
            progress_bar=False,
        )
        return out

    return _run


@pytest.fixture
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Point the data cache and reports folders at a temporary place."""
    data, reports = tmp_path / "data", tmp_path / "reports"
    monkeypatch.setattr(config, "DATA_DIR", data)
    monkeypatch.setattr(config, "REPORTS_DIR", reports)
    return {"data": data, "reports": reports}


@pytest.fixture(scope="session")
def tiny_render(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A reports folder holding the tiny scenario, rendered once by the real runner.

    Every notebook of ``tests/scenarios/tiny.yaml`` runs, as ``spm run`` would run them.
    Under pytest-xdist the workers of one run share the rendering: the first renders it
    under a lock, the others wait for it (xdist groups alone do not keep parametrised tests
    on one worker). ``SPM_CONSISTENCY_REPORTS`` names an already rendered reports folder to
    use instead. Do not modify the folder: copy it first.
    """
    if os.environ.get("SPM_CONSISTENCY_REPORTS"):
        return Path(os.environ["SPM_CONSISTENCY_REPORTS"])
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return _render_tiny(tmp_path_factory.mktemp("tiny_render") / "reports")
    shared = tmp_path_factory.getbasetemp().parent  # this run's folder, above each worker's
    reports, done = shared / "tiny_render" / "reports", shared / "tiny_render.done"
    with open(shared / "tiny_render.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(reports.parent, ignore_errors=True)
            _render_tiny(reports)
            done.touch()
    return reports


def _render_tiny(reports: Path) -> Path:
    from spm_models.runner import RunStatus, load_scenarios, run_batch

    outcome = run_batch(load_scenarios([TINY_SCENARIO]), reports_dir=reports)[0]
    assert outcome.status is RunStatus.OK, outcome
    return reports
