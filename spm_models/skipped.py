"""What a report section says when it cannot run on the data it has, and plausibility warnings.

A section that cannot be computed properly returns a :class:`Skipped` (never a default figure,
never ``nan``); the notebook renders it as one plain sentence and the run goes on. A
:class:`PlausibilityWarning` flags a figure that was computed but looks implausible
(attainment above 300%, a target set from under a year of history, a model that looks too good).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Skipped:
    """A section left out, with the reason and what data would enable it.

    Attributes
    ----------
    section : str
        The section's heading as the reader sees it, e.g. ``"Churn risk"``.
    reason : str
        Why it cannot run, in plain words, e.g. ``"the bookings history covers 10 months"``.
    needs : str, optional
        What would enable it, e.g. ``"at least 24 months of bookings"``.
    """

    section: str
    reason: str
    needs: str | None = None

    def sentence(self) -> str:
        """One sentence for the report."""
        text = f"{self.section} is not shown: {_clause(self.reason)}"
        if self.needs:
            text += f"; it needs {_clause(self.needs)}"
        return text + "."


def first_skipped(*results: object) -> Skipped | None:
    """The first of ``results`` that is a :class:`Skipped`, or None when each was computed."""
    return next((r for r in results if isinstance(r, Skipped)), None)


@dataclass(frozen=True)
class PlausibilityWarning:
    """A plausibility warning shown in the report and printed on the runner's stderr.

    Attributes
    ----------
    topic : str
        What it is about, e.g. ``"Quota target"``.
    message : str
        One or two plain sentences.
    """

    topic: str
    message: str

    def sentence(self) -> str:
        """The warning as the report shows it."""
        return f"{self.topic}: {self.message}"


def _clause(text: str) -> str:
    return text.strip().rstrip(".")
