"""Solve a :class:`~spm_models.territory.model.LinearModel` and report the true outcome.

HiGHS is driven through ``highspy`` directly so that the real MIP status, primal objective,
dual bound and gap come from the solver itself: PuLP maps a HiGHS run stopped by its time
limit to "Optimal", which must never be reported. CBC runs through PuLP (``PULP_CBC_CMD``);
its bound and gap are read from the CBC log.
"""

from __future__ import annotations

import functools
import math
import os
import re
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import numpy as np

from spm_models.errors import param_error
from spm_models.territory.model import LinearModel, to_pulp

SOLVERS = ("highs", "cbc", "pulp-highs")

#: Relative gap below which a result counts as proven optimal.
PROVEN_GAP = 1e-9


class SolveStatus(StrEnum):
    """Outcome of a solve, as proven by the solver (never PuLP's label)."""

    OPTIMAL = "optimal"
    """A solution proven optimal (gap zero, or integer objective equal to its bound)."""
    FEASIBLE = "feasible"
    """A feasible solution whose gap to the bound is not zero (limit or gap tolerance)."""
    INFEASIBLE = "infeasible"
    """The model has no feasible solution."""
    NO_SOLUTION = "no_solution"
    """The solver stopped (e.g. time limit) without finding a feasible solution."""
    ERROR = "error"
    """The solver failed."""

    @property
    def is_ok(self) -> bool:
        """True when the result carries a feasible solution."""
        return self in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)


@dataclass(frozen=True)
class SolveOutcome:
    """What a solver returned, in the minimised sense of the linear model.

    Attributes
    ----------
    status : SolveStatus
        Proven status.
    objective : float
        Objective of the best solution (``nan`` without one).
    bound : float
        Proven lower bound on the optimum (``-inf`` when unknown).
    gap : float
        Relative gap ``(objective - bound) / max(|objective|, 1e-9)`` (``inf`` when unknown).
    x : numpy.ndarray or None
        Column values of the best solution.
    solver : str
        Solver name and version.
    runtime_s : float
        Wall-clock seconds.
    row_dual, col_dual : numpy.ndarray or None
        Duals and reduced costs of an LP solve, or of the LP relaxation a MIP method
        started from (``None`` otherwise).
    detail : str
        The solver's own status text.
    """

    status: SolveStatus
    objective: float
    bound: float
    gap: float
    x: np.ndarray | None
    solver: str
    runtime_s: float
    row_dual: np.ndarray | None = None
    col_dual: np.ndarray | None = None
    detail: str = ""

    @classmethod
    def infeasible(cls, solver: str, runtime_s: float, detail: str = "") -> SolveOutcome:
        """The outcome of a model proven to have no feasible solution."""
        return cls(
            SolveStatus.INFEASIBLE,
            math.nan,
            math.inf,
            math.inf,
            None,
            solver,
            runtime_s,
            detail=detail,
        )

    @classmethod
    def proven(
        cls,
        objective: float,
        bound: float,
        x: np.ndarray | None,
        *,
        integral: bool,
        solver: str,
        runtime_s: float,
        detail: str = "",
    ) -> SolveOutcome:
        """Status, bound and gap from the solution and the solver's bound, not its label."""
        status, bound, gap = classify(objective, bound, integral, x is not None)
        return cls(status, objective, bound, gap, x, solver, runtime_s, detail=detail)


def relative_gap(objective: float, bound: float) -> float:
    """Relative optimality gap of a minimisation, 0 when the bound meets the objective."""
    if not math.isfinite(objective):
        return math.inf
    if not math.isfinite(bound):
        return math.inf
    diff = max(objective - bound, 0.0)
    if diff <= 1e-9 * max(1.0, abs(objective)):
        return 0.0
    return diff / max(abs(objective), 1e-9)


def classify(objective: float, bound: float, integral: bool, has_solution: bool) -> tuple:
    """Turn objective and bound into ``(status, bound, gap)`` without trusting labels."""
    if not has_solution:
        return SolveStatus.NO_SOLUTION, bound, math.inf
    if integral and math.isfinite(bound):
        bound = float(max(bound, math.ceil(bound - 1e-6)))
    gap = relative_gap(objective, bound)
    status = SolveStatus.OPTIMAL if gap <= PROVEN_GAP else SolveStatus.FEASIBLE
    return status, bound, gap


def solve_linear(
    linear: LinearModel,
    *,
    solver: str = "highs",
    time_limit: float | None = None,
    mip_gap: float = 1e-6,
    relax: bool = False,
    start: np.ndarray | None = None,
    threads: int | None = None,
    verbose: bool = False,
    options: dict | None = None,
) -> SolveOutcome:
    """Solve a linear model (or its LP relaxation) and return the proven outcome.

    Parameters
    ----------
    linear : LinearModel
        The model.
    solver : {"highs", "cbc", "pulp-highs"}
        ``"highs"`` passes the model to HiGHS through highspy; ``"cbc"`` builds a PuLP
        problem and runs CBC; ``"pulp-highs"`` runs HiGHS through PuLP's interface and
        reads the true status from the underlying highspy object.
    time_limit : float, optional
        Seconds.
    mip_gap : float
        Relative gap at which the solver may stop.
    relax : bool
        Solve the LP relaxation (returns duals).
    start : numpy.ndarray, optional
        A feasible column vector given to HiGHS as a starting incumbent.
    threads : int, optional
        Solver threads.
    verbose : bool
        Show the solver log.
    options : dict, optional
        Extra HiGHS options (``"highs"`` only), e.g. ``{"mip_heuristic_effort": 0.3}``.

    Returns
    -------
    SolveOutcome
    """
    if solver not in SOLVERS:
        raise param_error("solver", "solve_linear", f"one of {SOLVERS}", solver)
    if time_limit is not None and time_limit <= 0:
        raise param_error("time_limit", "solve_linear", "a positive number of seconds", time_limit)
    if solver == "highs":
        return _solve_highs(linear, time_limit, mip_gap, relax, start, threads, verbose, options)
    return _solve_pulp(linear, solver, time_limit, mip_gap, relax, threads, verbose)


@functools.cache
def _highs_version() -> str:
    """HiGHS version; the first ``Highs()`` of a process prints a banner, kept off stdout."""
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            h = highspy.Highs()
            h.setOptionValue("output_flag", False)
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    return f"HiGHS {h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}"


def silence_highs_banner() -> None:
    """Create this process's first ``Highs()`` with stdout closed, so that its banner never
    reaches a terminal; call before any HiGHS solve, including PuLP's ``HiGHS(msg=False)``."""
    _highs_version()


def _pass_model(h, linear: LinearModel, relax: bool) -> None:
    import highspy

    lp = highspy.HighsLp()
    lp.num_col_ = linear.n_cols
    lp.num_row_ = linear.n_rows
    lp.col_cost_ = np.ascontiguousarray(linear.col_cost, dtype=float)
    lp.col_lower_ = np.ascontiguousarray(linear.col_lower, dtype=float)
    lp.col_upper_ = np.ascontiguousarray(
        np.where(np.isinf(linear.col_upper), 1e30, linear.col_upper)
    )
    lp.row_lower_ = np.ascontiguousarray(
        np.where(np.isinf(linear.row_lower), -1e30, linear.row_lower)
    )
    lp.row_upper_ = np.ascontiguousarray(
        np.where(np.isinf(linear.row_upper), 1e30, linear.row_upper)
    )
    lp.offset_ = float(linear.objective_offset)
    csc = linear.matrix.tocsc()
    csc.sort_indices()
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = csc.indptr.astype(np.int32)
    lp.a_matrix_.index_ = csc.indices.astype(np.int32)
    lp.a_matrix_.value_ = csc.data.astype(float)
    lp.a_matrix_.num_col_ = linear.n_cols
    lp.a_matrix_.num_row_ = linear.n_rows
    if not relax and linear.integer.any():
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if f else highspy.HighsVarType.kContinuous
            for f in linear.integer
        ]
    h.passModel(lp)


def _solve_highs(
    linear: LinearModel,
    time_limit: float | None,
    mip_gap: float,
    relax: bool,
    start: np.ndarray | None,
    threads: int | None,
    verbose: bool,
    options: dict | None = None,
) -> SolveOutcome:
    import highspy

    t0 = time.perf_counter()
    version = _highs_version()
    h = highspy.Highs()
    h.setOptionValue("output_flag", bool(verbose))
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", float(mip_gap))
    if threads is not None:
        h.setOptionValue("threads", int(threads))
        # HiGHS keeps one thread pool per process, sized by the first solve; a later solve
        # asking for another size aborts with "Not Set" unless the pool is rebuilt.
        h.resetGlobalScheduler(True)
    for key, value in (options or {}).items():
        h.setOptionValue(key, value)
    _pass_model(h, linear, relax)
    if start is not None and not relax:
        sol = highspy.HighsSolution()
        sol.col_value = list(np.asarray(start, dtype=float))
        sol.value_valid = True
        h.setSolution(sol)
    h.run()
    runtime = time.perf_counter() - t0
    ms = h.getModelStatus()
    info = h.getInfo()
    detail = h.modelStatusToString(ms)
    version = _highs_version()
    S = highspy.HighsModelStatus
    if ms == S.kInfeasible:
        return SolveOutcome.infeasible(version, runtime, detail)
    if ms in (
        S.kUnbounded,
        S.kUnboundedOrInfeasible,
        S.kModelError,
        S.kSolveError,
        S.kLoadError,
        S.kPresolveError,
        S.kPostsolveError,
    ):
        return SolveOutcome(
            SolveStatus.ERROR, math.nan, -math.inf, math.inf, None, version, runtime, detail=detail
        )
    is_mip = (not relax) and bool(linear.integer.any())
    sol = h.getSolution()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    x = np.asarray(sol.col_value, dtype=float) if has_solution else None
    if is_mip:
        objective = float(info.objective_function_value) if has_solution else math.nan
        bound = float(info.mip_dual_bound)
        if ms == S.kOptimal and not math.isfinite(bound):
            bound = objective
        return SolveOutcome.proven(
            objective,
            bound,
            x,
            integral=linear.integral_objective,
            solver=version,
            runtime_s=runtime,
            detail=detail,
        )
    # A linear program: optimal means proven; anything else has no valid bound.
    if ms == S.kOptimal:
        objective = float(info.objective_function_value)
        return SolveOutcome(
            SolveStatus.OPTIMAL,
            objective,
            objective,
            0.0,
            x,
            version,
            runtime,
            row_dual=np.asarray(sol.row_dual, dtype=float),
            col_dual=np.asarray(sol.col_dual, dtype=float),
            detail=detail,
        )
    objective = float(info.objective_function_value) if has_solution else math.nan
    status = SolveStatus.FEASIBLE if has_solution else SolveStatus.NO_SOLUTION
    return SolveOutcome(status, objective, -math.inf, math.inf, x, version, runtime, detail=detail)


def _cbc_command(
    time_limit: float | None, mip_gap: float, threads: int | None, verbose: bool, log: Path
):
    import pulp

    return pulp.PULP_CBC_CMD(
        msg=verbose, timeLimit=time_limit, gapRel=mip_gap, threads=threads, logPath=str(log)
    )


_CBC_RESULT = re.compile(r"Result - (.+)")
_CBC_OBJ = re.compile(r"Objective value:\s+(\S+)")
_CBC_BOUND = re.compile(r"(?:Lower bound|Upper bound):\s+(\S+)")


def _solve_pulp(
    linear: LinearModel,
    solver: str,
    time_limit: float | None,
    mip_gap: float,
    relax: bool,
    threads: int | None,
    verbose: bool,
) -> SolveOutcome:
    import pulp

    t0 = time.perf_counter()
    prob, xs = to_pulp(linear, relax=relax)
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "cbc.log"
        if solver == "cbc":
            with warnings.catch_warnings():
                # PuLP 3 marks its bundled CBC as deprecated for PuLP 4; we pin PuLP < 4.
                warnings.simplefilter("ignore", DeprecationWarning)
                cmd = _cbc_command(time_limit, mip_gap, threads, verbose, log)
            version = "CBC (PuLP " + pulp.__version__ + ")"
        else:
            cmd = pulp.HiGHS(msg=verbose, timeLimit=time_limit, gapRel=mip_gap, threads=threads)
            version = _highs_version() + " via PuLP " + pulp.__version__
        prob.solve(cmd)
        text = log.read_text() if log.exists() else ""
    runtime = time.perf_counter() - t0
    values = np.array([v.varValue if v.varValue is not None else np.nan for v in xs])
    has_values = not np.isnan(values).any()
    is_mip = (not relax) and bool(linear.integer.any())
    if solver == "pulp-highs":
        h = prob.solverModel
        info = h.getInfo()
        import highspy

        ms = h.getModelStatus()
        detail = h.modelStatusToString(ms)
        if ms == highspy.HighsModelStatus.kInfeasible:
            return SolveOutcome.infeasible(version, runtime, detail)
        has_solution = info.primal_solution_status == 2 and has_values
        objective = linear.evaluate(values) if has_solution else math.nan
        if is_mip:
            bound = float(info.mip_dual_bound)
        else:
            bound = objective if ms == highspy.HighsModelStatus.kOptimal else -math.inf
        return SolveOutcome.proven(
            objective,
            bound,
            values if has_solution else None,
            integral=linear.integral_objective,
            solver=version,
            runtime_s=runtime,
            detail=detail,
        )
    # CBC: read the result block of its log.
    m = _CBC_RESULT.search(text)
    detail = m.group(1).strip() if m else pulp.LpStatus[prob.status]
    if prob.status == pulp.LpStatusInfeasible or "infeasible" in detail.lower():
        return SolveOutcome.infeasible(version, runtime, detail)
    has_solution = has_values and linear.max_violation(np.nan_to_num(values)) <= 1e-5
    objective = linear.evaluate(values) if has_solution else math.nan
    bound = -math.inf
    mb = _CBC_BOUND.search(text)
    if mb:
        try:
            bound = float(mb.group(1))
        except ValueError:
            bound = -math.inf
    if detail.startswith("Optimal solution found") and has_solution:
        bound = max(bound, objective - mip_gap * max(abs(objective), 1.0)) if mb is None else bound
        if mb is None and mip_gap <= 1e-9:
            bound = objective
    if not is_mip and prob.status == pulp.LpStatusOptimal and has_solution:
        bound = objective
    return SolveOutcome.proven(
        objective,
        bound,
        values if has_solution else None,
        integral=linear.integral_objective,
        solver=version,
        runtime_s=runtime,
        detail=detail,
    )
