"""What a scenario run returns."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class RunStatus(StrEnum):
    """How a scenario run ended."""

    OK = "ok"
    SKIPPED = "skipped"
    FAILED = "failed"

    @property
    def is_ok(self) -> bool:
        """True when the scenario's report is current (run now or unchanged since)."""
        return self in (RunStatus.OK, RunStatus.SKIPPED)


@dataclass(frozen=True)
class ScenarioOutcome:
    """The result of running one scenario.

    Attributes
    ----------
    scenario : str
        Scenario name.
    status : RunStatus
        ok, skipped (inputs unchanged) or failed.
    seconds : float
        Wall time of this run.
    report_dir : Path
        ``reports/<scenario>/``.
    reason : str
        For a failure: which notebook, which cell and the error.
    notebook, cell : str or None, int or None
        The failing notebook and cell index.
    warnings : tuple of str
        The plausibility warnings the run recorded (``warnings.json``), one sentence each.
    """

    scenario: str
    status: RunStatus
    seconds: float
    report_dir: Path
    reason: str = ""
    notebook: str | None = None
    cell: int | None = None
    warnings: tuple[str, ...] = ()

    @classmethod
    def lost(cls, scenario: str, reports_dir: Path, reason: str) -> ScenarioOutcome:
        """A scenario whose worker or task died before it could report its own outcome."""
        return cls(scenario, RunStatus.FAILED, 0.0, reports_dir / scenario, reason=reason)
