"""Run scenarios as Dask tasks: on a LocalCluster or on an existing cluster.

Each task runs the scenario's notebooks with papermill in a private folder on its worker and
hands back the finished report (or the failed notebook) as a compressed archive. The client
unpacks it and swaps it in atomically, exactly as a local run does, so failure isolation,
atomic writes and caching behave the same; workers need the same environment (this package,
its notebooks) but no shared file system.
"""

from __future__ import annotations

import dataclasses
import io
import os
import secrets
import tarfile
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from spm_models.runner.execute import FAILED_DIR, _swap_in, run_scenario
from spm_models.runner.outcome import RunStatus, ScenarioOutcome
from spm_models.scenarios import Scenario


def _pack(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(folder, arcname=folder.name)
    return buffer.getvalue()


def run_on_worker(scenario: Scenario) -> tuple[ScenarioOutcome, bytes]:
    """Run one scenario in a private folder on a worker; return its outcome and report archive."""
    with tempfile.TemporaryDirectory(prefix="spm-worker-") as tmp:
        outcome = run_scenario(scenario, Path(tmp), force=True)
        folder = Path(tmp) / scenario.name
        archive = _pack(folder) if folder.exists() else b""
    return outcome, archive


def publish(outcome: ScenarioOutcome, archive: bytes, reports_dir: Path) -> ScenarioOutcome:
    """Unpack a worker's archive into ``reports_dir`` atomically; return the local outcome."""
    final = reports_dir / outcome.scenario
    local = dataclasses.replace(outcome, report_dir=final)
    if not archive:
        return local
    staging = reports_dir / f".tmp-{outcome.scenario}-{os.getpid()}-{secrets.token_hex(4)}"
    staging.mkdir(parents=True)
    try:
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
            tar.extractall(staging, filter="data")
        built = staging / outcome.scenario
        if outcome.status is RunStatus.OK:
            _swap_in(built, final)
        elif (built / FAILED_DIR).exists():
            final.mkdir(parents=True, exist_ok=True)
            _swap_in(built / FAILED_DIR, final / FAILED_DIR)
    finally:
        import shutil

        shutil.rmtree(staging, ignore_errors=True)
    return local


def run_batch_on_dask(
    scenarios: Sequence[Scenario],
    client,
    *,
    reports_dir: Path,
    progress: Callable[[int, int, ScenarioOutcome], None] | None = None,
) -> dict[str, ScenarioOutcome]:
    """Submit each scenario as a task and publish reports as they come back.

    A task that raises (worker lost, environment broken) becomes a failed outcome naming the
    scenario; the other scenarios go on.
    """
    from distributed import as_completed

    futures = {
        client.submit(
            run_on_worker, sc, key=f"spm-scenario-{sc.name}-{secrets.token_hex(4)}", pure=False
        ): sc
        for sc in scenarios
    }
    outcomes: dict[str, ScenarioOutcome] = {}
    for future in as_completed(futures):
        sc = futures[future]
        try:
            outcome, archive = future.result()
            outcome = publish(outcome, archive, reports_dir)
        except Exception as exc:
            reason = f"Dask task failed: {type(exc).__name__}: {exc}"
            outcome = ScenarioOutcome.lost(sc.name, reports_dir, reason)
        outcomes[sc.name] = outcome
        if progress:
            progress(len(outcomes), len(scenarios), outcome)
    return outcomes
