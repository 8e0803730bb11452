"""Run one scenario: its notebooks through papermill, then swap the report in atomically.

Everything is built in ``reports/.tmp-<scenario>-<pid>-<token>/``. Only when every notebook
has run is that folder renamed to ``reports/<scenario>/``, so a failed or killed run never
leaves a half-written report in place of the last good one. A failure's executed notebook,
marked and with the failing cell named, goes to ``reports/<scenario>/_failed/``.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from spm_models import config
from spm_models.data.privacy import ANONYMISE_ENV
from spm_models.notebook import ensure_sample, sample_dir
from spm_models.reporting.html import render_notebook_html
from spm_models.reporting.index import write_scenario_page
from spm_models.runner.fingerprint import fingerprint
from spm_models.runner.lock import is_stale, temp_name
from spm_models.runner.outcome import RunStatus, ScenarioOutcome
from spm_models.runner.progress import (
    duration,
    estimate_left,
    log,
    notebook_line,
    previous_timings,
    read_warnings,
)
from spm_models.scenarios import Scenario, imported_data_folder

STAMP_FILE = "stamp.json"
FAILED_DIR = "_failed"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


#: Kernels talk to the runner over Unix sockets in a private folder (mode 0700) made for each
#: notebook, not over unencrypted local TCP ports that any local user could connect to.
KERNEL_TRANSPORT = "ipc"
#: errno values that mean the machine, not the scenario, failed to store the report.
IO_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EROFS, errno.EMFILE})


def clean_stale_temporaries(reports_dir: Path, name: str) -> None:
    """Remove temporary folders that a killed run of ``name`` left behind."""
    for tmp in reports_dir.glob(f".tmp-{name}-*"):
        if is_stale(tmp):
            shutil.rmtree(tmp, ignore_errors=True)


def resolve_data_source(scenario: Scenario) -> str:
    """The ``data_source`` parameter for the scenario's notebooks (generating a sample)."""
    data = scenario.data
    if data.kind == "sample":
        if not (sample_dir(data.seed, data.accounts, data.reps) / "opportunities.csv").exists():
            log(f"{scenario.name}: generating the {data.describe()} ...")
            clock = time.perf_counter()
            folder = ensure_sample(data.seed, data.accounts, data.reps)
            log(
                f"{scenario.name}: sample company generated in "
                f"{duration(time.perf_counter() - clock)} into {folder}"
            )
            return str(folder)
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


def _swap_in(tmp: Path, final: Path, attempts: int = 5) -> None:
    """Replace ``final`` by ``tmp`` with renames only (the old copy is removed afterwards).

    Another writer may swap its own copy in between the two renames; then this one moves that
    copy aside too and tries again, so the last writer wins and nothing is left behind.
    """
    for attempt in range(attempts):
        old = final.with_name(temp_name(final.name).replace(".tmp-", ".old-", 1))
        moved = False
        with contextlib.suppress(FileNotFoundError):
            final.rename(old)
            moved = True
        try:
            tmp.rename(final)
        except OSError as exc:
            if moved:  # put the last good copy back rather than lose it
                with contextlib.suppress(OSError):
                    old.rename(final)
            if exc.errno in (errno.ENOTEMPTY, errno.EEXIST) and attempt < attempts - 1:
                continue
            raise
        if moved:
            shutil.rmtree(old, ignore_errors=True)
        return


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
    staging = reports_dir / f"{temp_name(scenario.name)}-failed"
    try:
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
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def is_io_error(exc: BaseException) -> bool:
    """True when ``exc`` says the disk (not the scenario) failed: full, read-only, broken."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in IO_ERRNOS:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def failure_reason(exc: BaseException, notebook: str | None) -> str:
    """One line naming the notebook (and cell) that failed and why.

    A full or broken disk is named as an I/O error, with the file it could not write.
    """
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        code = re.search(r"\[Errno (\d+)\]", str(exc.evalue))
        if code and int(code.group(1)) in IO_ERRNOS:  # the kernel could not write its tables
            return f"{notebook}: cell {exc.cell_index}: I/O error: {exc.evalue}"
        return f"{notebook}: cell {exc.cell_index} raised {exc.ename}: {exc.evalue}"
    if is_io_error(exc):
        cause = exc
        while not (isinstance(cause, OSError) and cause.errno in IO_ERRNOS):
            cause = cause.__cause__ or cause.__context__
        where = f" writing {cause.filename}" if cause.filename else ""
        name = errno.errorcode.get(cause.errno, str(cause.errno))
        return f"{notebook or 'setup'}: I/O error{where}: {cause.strerror} ({name})"
    return f"{notebook or 'setup'}: {type(exc).__name__}: {exc}"


def kernel_config(socket_dir: str | Path):
    """Kernel settings: Unix sockets named ``<socket_dir>/kernel-<n>``, and a quiet kernel log.

    The kernel's own log only tells of its plumbing (e.g. the interrupt jupyter_client sends
    before every shutdown, logged as "KeyboardInterrupt caught in kernel"); a cell's errors
    reach the executed notebook, not this log, so the terminal is spared it.
    """
    from traitlets.config import Config

    return Config(
        {
            "KernelManager": {"transport": KERNEL_TRANSPORT, "ip": f"{Path(socket_dir)}/kernel"},
            "NotebookClient": {
                "extra_arguments": ["--IPKernelApp.log_level=CRITICAL"],
                "kernel_manager_class": "spm_models.runner.kernel.QuietKernelManager",
            },
        }
    )


def _execute(scenario: Scenario, tmp: Path, data_source: str, stem: str, params: dict) -> None:
    """Run one notebook into ``tmp`` on a fresh kernel reached over private Unix sockets."""
    import papermill

    with tempfile.TemporaryDirectory(prefix="spm-kernel-") as sockets:
        papermill.execute_notebook(
            str(config.NOTEBOOKS_DIR / f"{stem}.ipynb"),
            str(tmp / f"{stem}.ipynb"),
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
            config=kernel_config(sockets),
        )


def _run_notebooks(scenario: Scenario, tmp: Path, final: Path, state: dict) -> dict[str, float]:
    """Run each notebook into ``tmp``, printing a line per notebook; their seconds by name."""
    data_source = resolve_data_source(scenario)
    previous = previous_timings(final, STAMP_FILE)
    stems = [stem for stem, _ in scenario.notebooks]
    timings: dict[str, float] = {}
    started = time.perf_counter()
    for position, (stem, params) in enumerate(scenario.notebooks, start=1):
        state["current"] = stem
        state["executed"] = tmp / f"{stem}.ipynb"
        clock = time.perf_counter()
        _execute(scenario, tmp, data_source, stem, params)
        timings[stem] = round(time.perf_counter() - clock, 2)
        left = estimate_left(timings, stems[position:], previous)
        elapsed = time.perf_counter() - started
        log(notebook_line(scenario.name, stem, position, len(stems), timings[stem], elapsed, left))
    return timings


def _publish(scenario: Scenario, tmp: Path, final: Path, stamp: dict) -> None:
    fields = _stamp_fields(scenario, stamp)
    for stem, _ in scenario.notebooks:
        render_notebook_html(
            tmp / f"{stem}.ipynb", tmp / f"{stem}.html", title=scenario.title, stamp=fields
        )
    (tmp / STAMP_FILE).write_text(json.dumps(stamp, indent=2))
    write_scenario_page(tmp, scenario, stamp, fields)
    _swap_in(tmp, final)


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
        Never raises for a failing notebook or a full disk: the failure is in the outcome.
    """
    from papermill.exceptions import PapermillExecutionError

    reports_dir = Path(reports_dir or config.REPORTS_DIR)
    final = reports_dir / scenario.name
    started_clock = time.perf_counter()
    stamp = fingerprint(scenario)
    if not force and is_current(scenario, final, stamp["inputs_sha256"]):
        return skipped(scenario, reports_dir)
    state: dict = {"current": None, "executed": None}
    tmp = reports_dir / temp_name(scenario.name)
    stamp["started"] = _now()
    previous_env = os.environ.get(ANONYMISE_ENV)
    os.environ[ANONYMISE_ENV] = "1" if scenario.anonymise else "0"  # inherited by kernels
    try:
        reports_dir.mkdir(parents=True, exist_ok=True)
        clean_stale_temporaries(reports_dir, scenario.name)
        tmp.mkdir(parents=True)
        stamp["notebook_seconds"] = _run_notebooks(scenario, tmp, final, state)
        stamp["finished"] = _now()
        stamp["status"] = "ok"
        stamp["seconds"] = round(time.perf_counter() - started_clock, 2)
        warnings = read_warnings(tmp)
        _publish(scenario, tmp, final, stamp)
        return ScenarioOutcome(
            scenario.name, RunStatus.OK, stamp["seconds"], final, warnings=warnings
        )
    except Exception as exc:
        current = state["current"]
        pm_error = isinstance(exc, PapermillExecutionError)
        reason = failure_reason(exc, current)
        failure = {
            "scenario": scenario.name,
            "notebook": current,
            "cell_index": exc.cell_index if pm_error else None,
            "execution_count": exc.exec_count if pm_error else None,
            "error": reason,
            "io_error": ": I/O error" in reason,
            "traceback": traceback.format_exc(limit=5),
            "started": stamp["started"],
            "failed": _now(),
            "inputs_sha256": stamp["inputs_sha256"],
        }
        try:
            _record_failure(scenario, reports_dir, state["executed"], failure, stamp)
        except OSError as record_exc:  # a full disk may refuse the record too
            failure["error"] += f" (the failure record could not be written: {record_exc})"
        return ScenarioOutcome(
            scenario.name,
            RunStatus.FAILED,
            round(time.perf_counter() - started_clock, 2),
            final,
            reason=failure["error"],
            notebook=current,
            cell=failure["cell_index"],
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if previous_env is None:
            os.environ.pop(ANONYMISE_ENV, None)
        else:
            os.environ[ANONYMISE_ENV] = previous_env
