"""Re-solves for interactive controls: each move starts from the previous answer, on a budget.

A slider in JupyterLab is useful only if the map follows the hand within seconds. A move
changes a tolerance, a cap, the balanced metric or the locked regions, so the model keeps
its shape and the last answer is often still feasible: it is handed to the solver as its
first incumbent (used when it is feasible, ignored otherwise), so a loosening move never
shows a worse alignment than before. Each re-solve has a fixed time budget and states the
gap it proved in that time; the page's full solve, with its own limit, stays the reference.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pandas as pd

from spm_models.registry import format_figure
from spm_models.territory.alignment import AlignmentResult
from spm_models.territory.report import SolvedAlignment, all_pairs_gap, solve_or_relax

#: Seconds of solver time per interactive move (the re-solve goal is 5 s per move).
INTERACTIVE_SECONDS = 3.5
#: Relative gap at which an interactive re-solve may stop early.
INTERACTIVE_GAP = 0.01


@dataclass
class InteractiveAligner:
    """Solves one company's alignment again and again, each time from the last answer.

    Parameters
    ----------
    accounts, reps : pandas.DataFrame
        The company's tables.
    travel : bool
        False when the data has no usable locations (see :func:`solve_or_relax`).
    options : dict
        Options every move shares (``k_nearest``, ``units``...); a move overrides some.
    time_limit : float
        Solver seconds per move.
    mip_gap : float
        Gap at which a move may stop before its time is up.
    """

    accounts: pd.DataFrame
    reps: pd.DataFrame
    travel: bool = True
    options: dict = field(default_factory=dict)
    time_limit: float = INTERACTIVE_SECONDS
    mip_gap: float = INTERACTIVE_GAP
    seconds: list[float] = field(default_factory=list)
    _previous: pd.Series | None = None

    def solve(self, **changes) -> SolvedAlignment:
        """Solve with ``changes`` over the shared options, starting from the last answer.

        Returns
        -------
        SolvedAlignment
            As :func:`solve_or_relax` returns it; its time is appended to ``seconds``.
        """
        t0 = time.perf_counter()
        solved = solve_or_relax(
            self.accounts,
            self.reps,
            travel=self.travel,
            time_limit=self.time_limit,
            mip_gap=self.mip_gap,
            reprice=0,
            start=self._previous,
            **{**self.options, **changes},
        )
        self.seconds.append(time.perf_counter() - t0)
        self.start_from(solved.result)
        return solved

    def start_from(self, result: AlignmentResult) -> None:
        """Make ``result`` (e.g. the page's main solve) the next move's first incumbent."""
        if result.status.is_ok and len(result.assignment):
            self._previous = result.assignment.set_index("account_id")["new_rep_id"]

    def caption(self, solved: SolvedAlignment) -> str:
        """One line for the map: how good the answer is proven to be, moves, and the time."""
        result = solved.result
        if not result.status.is_ok:
            return f"no alignment found in {self.seconds[-1]:.1f} s: loosen a control"
        gap, _scope = all_pairs_gap(result, len(self.reps))
        proven = (
            "proven optimal"
            if gap == 0
            else f"within {format_figure('territory.gap', gap)} of the best possible"
        )
        moved = result.summary["accounts_moved"]
        return f"{proven}, {moved:,.0f} accounts moved, solved in {self.seconds[-1]:.1f} s"
