"""Run many scenarios, in parallel processes, isolating failures, then rebuild the index."""

from __future__ import annotations

import dataclasses
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from spm_models import config
from spm_models.errors import ScenarioError
from spm_models.reporting.index import write_index
from spm_models.runner.dask_backend import run_batch_on_dask
from spm_models.runner.execute import failure_reason, is_current, run_scenario, skipped
from spm_models.runner.fingerprint import fingerprint
from spm_models.runner.lock import clean_temporaries, reports_lock
from spm_models.runner.outcome import RunStatus, ScenarioOutcome
from spm_models.runner.progress import log
from spm_models.scenarios import Scenario, discover_scenarios, load_scenario


def load_scenarios(paths: Sequence[str | Path] | None = None) -> list[Scenario]:
    """Load and validate scenario files (all of ``scenarios/`` by default).

    Raises
    ------
    ScenarioError
        Listing the problems of every invalid file, or duplicate scenario names.
    """
    files = [Path(p) for p in paths] if paths else discover_scenarios()
    if not files:
        raise ScenarioError("(none)", f"no scenario files found in {config.SCENARIOS_DIR}")
    scenarios, problems = [], []
    for path in files:
        try:
            scenarios.append(load_scenario(path))
        except ScenarioError as exc:
            problems += exc.problems
    seen: dict[str, Path] = {}
    for sc in scenarios:
        if sc.name in seen:
            problems.append(
                f"{sc.path.name}: name: {sc.name!r} is already used by {seen[sc.name].name}"
            )
        seen[sc.name] = sc.path
    if problems:
        raise ScenarioError(", ".join(p.stem for p in files), problems)
    return scenarios


def _print_progress(done: int, total: int, outcome: ScenarioOutcome) -> None:
    detail = f" ({outcome.reason})" if outcome.status is RunStatus.FAILED else ""
    if outcome.status is RunStatus.SKIPPED:
        detail = " (unchanged; --force reruns it)"
    log(f"[{done}/{total}] {outcome.scenario}: {outcome.status} in {outcome.seconds:.1f} s{detail}")
    for warning in outcome.warnings:
        log(f"{outcome.scenario}: warning: {warning}")


def watch_parent(parent: int, interval: float = 0.5) -> None:
    """In a worker process: exit as soon as ``parent`` (the ``spm run`` process) is gone.

    A parent killed with SIGKILL cannot stop its workers, so each worker checks on its own;
    its kernel follows it (ipykernel exits when the process that started it goes away).
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(1)

    threading.Thread(target=watch, name="spm-parent-watch", daemon=True).start()


def _run_local(
    scenarios: Sequence[Scenario],
    *,
    jobs: int,
    force: bool,
    reports_dir: Path,
    progress: Callable[[int, int, ScenarioOutcome], None] | None,
) -> dict[str, ScenarioOutcome]:
    total = len(scenarios)
    outcomes: dict[str, ScenarioOutcome] = {}
    if jobs == 1 or total == 1:
        for sc in scenarios:
            outcomes[sc.name] = run_scenario(sc, reports_dir, force=force)
            if progress:
                progress(len(outcomes), total, outcomes[sc.name])
        return outcomes
    with ProcessPoolExecutor(
        max_workers=min(jobs, total), initializer=watch_parent, initargs=(os.getpid(),)
    ) as pool:
        futures = {pool.submit(run_scenario, sc, reports_dir, force=force): sc for sc in scenarios}
        for future in as_completed(futures):
            sc = futures[future]
            try:
                outcome = future.result()
            except Exception as exc:  # a worker that died still must not stop the rest
                outcome = ScenarioOutcome.lost(sc.name, reports_dir, f"worker crashed: {exc!r}")
            outcomes[sc.name] = outcome
            if progress:
                progress(len(outcomes), total, outcome)
    return outcomes


def _run_dask(
    scenarios: Sequence[Scenario],
    dask_client,
    *,
    force: bool,
    reports_dir: Path,
    progress: Callable[[int, int, ScenarioOutcome], None] | None,
) -> dict[str, ScenarioOutcome]:
    total = len(scenarios)
    outcomes: dict[str, ScenarioOutcome] = {}
    todo = []
    for sc in scenarios:  # the cache is decided here, so workers need no report history
        stamp = fingerprint(sc)
        if not force and is_current(sc, reports_dir / sc.name, stamp["inputs_sha256"]):
            outcomes[sc.name] = skipped(sc, reports_dir)
            if progress:
                progress(len(outcomes), total, outcomes[sc.name])
        else:
            todo.append(sc)
    done_before = len(outcomes)
    outcomes |= run_batch_on_dask(
        todo,
        dask_client,
        reports_dir=reports_dir,
        progress=(lambda i, n, o: progress(done_before + i, total, o)) if progress else None,
    )
    return outcomes


def _write_index(reports_dir: Path) -> str | None:
    """Rebuild ``reports/index.html``; the reason when the disk refused it."""
    try:
        write_index(reports_dir)
    except OSError as exc:
        return failure_reason(exc, "index.html")
    return None


def run_batch(
    scenarios: Sequence[Scenario],
    *,
    jobs: int = 1,
    force: bool = False,
    reports_dir: Path | None = None,
    progress: Callable[[int, int, ScenarioOutcome], None] | None = _print_progress,
    dask_client=None,
    anonymise: bool = False,
    lock_timeout: float | None = None,
) -> list[ScenarioOutcome]:
    """Run scenarios (``jobs`` at a time) and write ``reports/index.html``.

    A failing scenario never stops the others, nor does a full disk for one of them.
    Outcomes come back in the input order. The run holds ``reports_dir`` for itself
    (a second run waits) and first removes what killed runs left there.

    Parameters
    ----------
    scenarios : sequence of Scenario
        Validated scenarios.
    jobs : int
        Local worker processes (ignored when ``dask_client`` is given).
    force : bool
        Rerun scenarios whose inputs are unchanged since their last good run.
    reports_dir : Path, optional
        Default ``reports/``.
    progress : callable, optional
        Called as ``progress(done, total, outcome)`` after each scenario.
    dask_client : distributed.Client, optional
        Run each scenario as a task on this Dask cluster instead of local processes.
    anonymise : bool
        Anonymise rep names in every scenario (as the scenario key ``anonymise`` does).
    lock_timeout : float, optional
        Seconds to wait for another run on the same reports folder (default: as long as it
        takes); then :class:`~spm_models.runner.lock.ReportsBusyError` names its holder.
    """
    if anonymise:
        scenarios = [dataclasses.replace(sc, anonymise=True) for sc in scenarios]
    if jobs < 1:
        raise ValueError(f"The 'jobs' parameter of run_batch must be >= 1. Got {jobs!r} instead.")
    reports_dir = Path(reports_dir or config.REPORTS_DIR)
    total = len(scenarios)
    where = (
        f"on Dask ({dask_client.scheduler.address})"
        if dask_client is not None
        else (f"with {min(jobs, total)} job(s)")
    )
    with reports_lock(reports_dir, timeout=lock_timeout, say=log):
        removed = clean_temporaries(reports_dir)
        if removed:
            log(f"removed {len(removed)} temporary folder(s) left by an interrupted run")
        log(f"running {total} scenario(s) {where}")
        clock = time.perf_counter()
        options = {"force": force, "reports_dir": reports_dir, "progress": progress}
        if dask_client is not None:
            outcomes = _run_dask(scenarios, dask_client, **options)
        else:
            outcomes = _run_local(scenarios, jobs=jobs, **options)
        problem = _write_index(reports_dir)
    if problem:
        log(f"error: the index could not be written: {problem}")
    log(f"done in {time.perf_counter() - clock:.1f} s; index: {reports_dir / 'index.html'}")
    return [outcomes[sc.name] for sc in scenarios]
