"""Run one scenario: its notebooks through papermill, then swap the report in atomically.

Everything is built in ``reports/.tmp-<scenario>-<pid>-<token>/``. Only when every notebook
has run is that folder renamed to ``reports/<scenario>/``, so a failed or killed run never
leaves a half-written report in place of the last good one. A failure's executed notebook,
marked and with the failing cell named, goes to ``reports/<scenario>/_failed/``.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from spm_models import config
from spm_models.data.privacy import ANONYMISE_ENV
from spm_models.notebook import ensure_sample
from spm_models.reporting.html import render_notebook_html
from spm_models.reporting.index import write_scenario_page
from spm_models.runner.fingerprint import fingerprint
from spm_models.runner.outcome import RunStatus, ScenarioOutcome
from spm_models.scenarios import Scenario, imported_data_folder

STAMP_FILE = "stamp.json"
FAILED_DIR = "_failed"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale_temporaries(reports_dir: Path, name: str) -> None:
    """Remove temporary folders that a killed run of ``name`` left behind."""
    for tmp in reports_dir.glob(f".tmp-{name}-*"):
        parts = tmp.name.rsplit("-", 2)
        pid = int(parts[-2]) if len(parts) == 3 and parts[-2].isdigit() else None
        if pid is None or not _pid_alive(pid) or pid == os.getpid():
            shutil.rmtree(tmp, ignore_errors=True)


def resolve_data_source(scenario: Scenario) -> str:
    """The ``data_source`` parameter for the scenario's notebooks (generating a sample)."""
    data = scenario.data
    if data.kind == "sample":
        return str(ensure_sample(data.seed, data.accounts, data.reps))
    if data.kind == "folder":
        return str(data.path)
    if data.kind in ("mapping", "salesforce"):  # imported once, into a cached canonical folder
        return str(imported_data_folder(data))
    return str(data.url)


def is_current(scenario: Scenario, report_dir: Path, inputs_sha: str | None) -> bool:
    """True when the last good report was made from exactly these inputs."""
    stamp_path = report_dir / STAMP_FILE
    if inputs_sha is None or not stamp_path.exists():
        return False
    try:
        stamp = json.loads(stamp_path.read_text())
    except (OSError, json.JSONDecodeError):
        return False
    return stamp.get("inputs_sha256") == inputs_sha and stamp.get("status") == "ok"


def skipped(scenario: Scenario, reports_dir: Path) -> ScenarioOutcome:
    """The outcome of a scenario whose report is current."""
    return ScenarioOutcome(
        scenario.name,
        RunStatus.SKIPPED,
        0.0,
        reports_dir / scenario.name,
        reason="inputs unchanged since the last good run",
    )


def _swap_in(tmp: Path, final: Path) -> None:
    """Replace ``final`` by ``tmp`` with renames only (the old copy is removed afterwards)."""
    old = None
    if final.exists():
        old = final.with_name(f".old-{final.name}-{secrets.token_hex(4)}")
        final.rename(old)
    tmp.rename(final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _stamp_fields(scenario: Scenario, stamp: dict) -> dict[str, str]:
    versions = stamp["versions"]
    data_sha = stamp.get("data_sha256") or "not hashable"
    return {
        "scenario": (
            f"{scenario.name} ({scenario.path.name}, sha256 {stamp['scenario_sha256'][:12]})"
        ),
        "data": f"{scenario.data.describe()}, sha256 {data_sha[:12]}",
        "code": f"spm-workbench {versions['spm-workbench']}, sha256 {stamp['code_sha256'][:12]}",
        "run": stamp.get("finished", stamp.get("started", "")),
    }


def _record_failure(
    scenario: Scenario,
    reports_dir: Path,
    executed: Path | None,
    failure: dict,
    stamp: dict,
) -> None:
    staging = reports_dir / f".tmp-{scenario.name}-{os.getpid()}-{secrets.token_hex(4)}-failed"
    staging.mkdir(parents=True)
    if executed is not None and executed.exists():
        shutil.copy2(executed, staging / executed.name)
        try:
            render_notebook_html(
                executed,
                staging / f"{executed.stem}.html",
                title=f"{scenario.title} (FAILED)",
                stamp=_stamp_fields(scenario, stamp),
                show_errors=True,
            )
        except Exception as exc:  # the failure record matters more than its rendering
            failure["render_error"] = repr(exc)
    (staging / "failure.json").write_text(json.dumps(failure, indent=2))
    report_dir = reports_dir / scenario.name
    report_dir.mkdir(parents=True, exist_ok=True)
    _swap_in(staging, report_dir / FAILED_DIR)


def run_scenario(
    scenario: Scenario, reports_dir: Path | None = None, *, force: bool = False
) -> ScenarioOutcome:
    """Run every notebook of one scenario and publish its report.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario.
    reports_dir : Path, optional
        Where reports go (default ``reports/``).
    force : bool
        Run even when the last good report was made from the same inputs.

    Returns
    -------
    ScenarioOutcome
        Never raises for a failing notebook: the failure is in the outcome.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    reports_dir = Path(reports_dir or config.REPORTS_DIR)
    reports_dir.mkdir(parents=True, exist_ok=True)
    final = reports_dir / scenario.name
    started_clock = time.perf_counter()
    stamp = fingerprint(scenario)
    if not force and is_current(scenario, final, stamp["inputs_sha256"]):
        return ScenarioOutcome(
            scenario.name,
            RunStatus.SKIPPED,
            0.0,
            final,
            reason="inputs unchanged since the last good run",
        )
    clean_stale_temporaries(reports_dir, scenario.name)
    tmp = reports_dir / f".tmp-{scenario.name}-{os.getpid()}-{secrets.token_hex(4)}"
    tmp.mkdir(parents=True)
    stamp["started"] = _now()
    executed: Path | None = None
    current = None
    previous_env = os.environ.get(ANONYMISE_ENV)
    os.environ[ANONYMISE_ENV] = "1" if scenario.anonymise else "0"  # inherited by kernels
    try:
        data_source = resolve_data_source(scenario)
        for stem, params in scenario.notebooks:
            current = stem
            executed = tmp / f"{stem}.ipynb"
            clock = time.perf_counter()
            papermill.execute_notebook(
                str(config.NOTEBOOKS_DIR / f"{stem}.ipynb"),
                str(executed),
                parameters={
                    **params,
                    "scenario": scenario.name,
                    "data_source": data_source,
                    "output_dir": str(tmp),
                    "interactive": False,
                },
                kernel_name=config.KERNEL_NAME,
                cwd=str(config.NOTEBOOKS_DIR),
                progress_bar=False,
                log_output=False,
            )
            _log(f"  {scenario.name}: {stem} done in {time.perf_counter() - clock:.1f} s")
        stamp["finished"] = _now()
        stamp["status"] = "ok"
        stamp["seconds"] = round(time.perf_counter() - started_clock, 2)
        fields = _stamp_fields(scenario, stamp)
        for stem, _ in scenario.notebooks:
            render_notebook_html(
                tmp / f"{stem}.ipynb", tmp / f"{stem}.html", title=scenario.title, stamp=fields
            )
        (tmp / STAMP_FILE).write_text(json.dumps(stamp, indent=2))
        write_scenario_page(tmp, scenario, stamp, fields)
        _swap_in(tmp, final)
        return ScenarioOutcome(scenario.name, RunStatus.OK, stamp["seconds"], final)
    except Exception as exc:
        cell = exc.exec_count if isinstance(exc, PapermillExecutionError) else None
        cell_index = exc.cell_index if isinstance(exc, PapermillExecutionError) else None
        if isinstance(exc, PapermillExecutionError):
            reason = f"{current}: cell {cell_index} raised {exc.ename}: {exc.evalue}"
        else:
            reason = f"{current or 'setup'}: {type(exc).__name__}: {exc}"
        failure = {
            "scenario": scenario.name,
            "notebook": current,
            "cell_index": cell_index,
            "execution_count": cell,
            "error": reason,
            "traceback": traceback.format_exc(limit=5),
            "started": stamp["started"],
            "failed": _now(),
            "inputs_sha256": stamp["inputs_sha256"],
        }
        _record_failure(scenario, reports_dir, executed, failure, stamp)
        return ScenarioOutcome(
            scenario.name,
            RunStatus.FAILED,
            round(time.perf_counter() - started_clock, 2),
            final,
            reason=reason,
            notebook=current,
            cell=cell_index,
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if previous_env is None:
            os.environ.pop(ANONYMISE_ENV, None)
        else:
            os.environ[ANONYMISE_ENV] = previous_env
