"""Run scenarios' notebooks through papermill into ``reports/``."""

from __future__ import annotations

from spm_models.runner.batch import load_scenarios, run_batch
from spm_models.runner.execute import run_scenario
from spm_models.runner.outcome import RunStatus, ScenarioOutcome

__all__ = ["RunStatus", "ScenarioOutcome", "load_scenarios", "run_batch", "run_scenario"]
