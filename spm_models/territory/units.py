"""Territory alignment over map units (counties, ZIP cells), optionally contiguous.

Build / solve / extract as for accounts: :func:`build_unit_model` makes the assignment
model over unit-rep arcs (no solving), :func:`align_units` solves it and, with
``contiguous=True``, adds the cuts of :mod:`spm_models.territory.contiguity` for every
island it finds and solves again, until the alignment is contiguous. Each solve is a
relaxation of the contiguous model, so its bound is a bound of the contiguous model, and
the gap of the last solve (whose alignment is contiguous) is the gap against it.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy import sparse

from spm_models.errors import InfeasibleModelError, param_error
from spm_models.geography.units import UnitGeography
from spm_models.territory.alignment import AlignmentResult, result_fields
from spm_models.territory.contiguity import (
    Island,
    find_islands,
    repair_contiguity,
    territory_components,
)
from spm_models.territory.contiguous_search import (
    SearchProblem,
    SearchResult,
    contiguous_search,
)
from spm_models.territory.heuristics import solve_assignment
from spm_models.territory.inputs import AlignmentSpec, prepare_alignment
from spm_models.territory.metrics import (
    assignment_table,
    territory_table,
)
from spm_models.territory.model import (
    AssignmentModel,
    LinearModel,
    balance_resources,
    build_assignment,
)
from spm_models.territory.solve import SolveOutcome, SolveStatus
from spm_models.territory.unit_inputs import UnitInputs, prepare_units

#: A county is split into ZIP cells when its load passes this share of the mean target.
SPLIT_SHARE = 0.5
#: Gap of the rounds that only look for islands (the last round uses the requested gap).
SEARCH_GAP = 1e-2
#: Share of the time left after a solve with islands that the contiguous search may use.
SEARCH_SHARE = 0.5


@dataclass(frozen=True)
class UnitAlignmentResult(AlignmentResult):
    """An alignment over map units: the account result plus the units and their contiguity.

    Attributes
    ----------
    units : pandas.DataFrame
        One row per unit of the covered area: ``unit_id``, ``name``, ``state``, ``county``,
        ``rep_id``, ``old_rep_id`` (the rep holding most of its workload today), ``moved``,
        ``accounts``, ``workload``, ``potential``.
    geography : UnitGeography or None
        Units, polygons and adjacency (for maps).
    contiguous : bool
        Whether contiguity was required.
    cut_rounds : int
        Solves run (1 without contiguity).
    cuts : int
        Contiguity cuts added.
    off_home : tuple of str
        Reps whose territory holds no unit at or next to their home unit.
    """

    units: pd.DataFrame = field(default_factory=pd.DataFrame)
    geography: UnitGeography | None = None
    contiguous: bool = False
    cut_rounds: int = 0
    cuts: int = 0
    off_home: tuple[str, ...] = ()

    def summary_json(self) -> dict:
        """The account summary plus unit counts, contiguity and its rounds."""
        out = super().summary_json()
        out.update(
            units=len(self.units),
            contiguous=self.contiguous,
            cut_rounds=self.cut_rounds,
            contiguity_cuts=self.cuts,
            territories_off_home=list(self.off_home),
        )
        return out


def build_unit_model(inputs: UnitInputs) -> AssignmentModel:
    """The unit assignment model (no contiguity rows; no solving).

    Rows: ``assign_once_{unit}``, ``{metric}_max_{rep}`` / ``{metric}_min_{rep}``,
    ``lock_{unit}``, ``forbidden_{unit}_{rep}``, ``max_distance_{unit}_{rep}`` and
    ``disruption_cap``.
    """
    base = inputs.base
    spec = base.spec
    usage = {m: inputs.unit_metrics[m][inputs.arc_unit] for m in spec.balance}
    resources = balance_resources(spec, base.targets, usage)
    return build_assignment(
        item_ids=inputs.geography.units["unit_id"].to_numpy(),
        agent_ids=base.reps["rep_id"].to_numpy(),
        arc_item=inputs.arc_unit,
        arc_agent=inputs.arc_rep,
        arc_cost=inputs.arc_cost,
        resources=resources,
        moved_weight=inputs.arc_moved if base.disruption_cap is not None else None,
        disruption_cap=base.disruption_cap,
        fixed=inputs.fixed,
        banned=inputs.banned,
        name="territory_units",
    )


def contiguity_rows(
    model: AssignmentModel, islands: list[Island], rep_ids: np.ndarray, unit_ids: np.ndarray
) -> tuple[sparse.csr_matrix, list[str]]:
    """The cuts forbidding each island: one row per island unit (see the module docstring)."""
    n_agents = model.n_agents
    arc_of = {
        int(k): j
        for j, k in enumerate(model.arc_item.astype(np.int64) * n_agents + model.arc_agent)
    }
    rows, cols, vals, names = [], [], [], []
    for isl in islands:
        r = isl.rep
        sep = [arc_of[k] for k in (int(u) * n_agents + r for u in isl.boundary) if k in arc_of]
        j = arc_of[isl.anchor * n_agents + r]
        for i in isl.units:
            row = len(names)
            entries = {arc_of[int(i) * n_agents + r]: 1.0, j: 1.0}
            entries.update({s: -1.0 for s in sep})
            rows += [row] * len(entries)
            cols += list(entries)
            vals += list(entries.values())
            names.append(f"contiguity_{rep_ids[r]}_{unit_ids[int(i)]}_{unit_ids[isl.anchor]}")
    mat = sparse.csr_matrix((vals, (rows, cols)), shape=(len(names), model.linear.n_cols))
    return mat, names


def _with_rows(linear: LinearModel, mat: sparse.csr_matrix, names: list[str]) -> LinearModel:
    k = len(names)
    return LinearModel(
        linear.name,
        linear.col_cost,
        linear.col_lower,
        linear.col_upper,
        linear.integer,
        sparse.vstack([linear.matrix, mat], format="csr"),
        np.concatenate([linear.row_lower, np.full(k, -np.inf)]),
        np.concatenate([linear.row_upper, np.ones(k)]),
        linear.row_names + tuple(names),
        linear.col_names,
        linear.objective_offset,
        linear.integral_objective,
    )


def _unit_rep(model: AssignmentModel, x: np.ndarray) -> np.ndarray:
    choice = model.choice_from_x(x)
    if (choice < 0).any():
        raise RuntimeError("the solver left a unit without a rep")
    return model.arc_agent[choice]


def solve_contiguous(
    inputs: UnitInputs,
    model: AssignmentModel,
    *,
    contiguous: bool,
    solver: str = "highs",
    time_limit: float | None = 60.0,
    mip_gap: float = 1e-4,
    threads: int | None = None,
) -> tuple[SolveOutcome, int, int]:
    """Solve, then cut off islands and solve again until contiguous (or out of time).

    After each round with islands, a repair (islands join an adjacent territory, then
    boundary units move until the loads are back in band) gives a contiguous alignment;
    when it meets every constraint it is the incumbent and the next round's start. When
    time runs out the best contiguous incumbent is returned with the best bound found,
    which bounds the contiguous model (every round solves a relaxation of it).

    Returns
    -------
    (SolveOutcome, int, int)
        The outcome (``no_solution`` when no contiguous alignment was found in time), the
        number of solves and the number of cuts.
    """
    geo = inputs.geography
    exempt = geo.units["exempt"].to_numpy(dtype=bool)
    neighbours = geo.neighbours()
    load = inputs.unit_metrics[inputs.base.spec.balance[0]]
    rep_ids = inputs.base.reps["rep_id"].to_numpy()
    unit_ids = geo.units["unit_id"].to_numpy()
    t0 = time.perf_counter()
    linear = model.linear
    rounds = cuts = 0
    gap = max(mip_gap, SEARCH_GAP) if contiguous else mip_gap
    outcome: SolveOutcome | None = None
    best: tuple[float, np.ndarray] | None = None
    bound = -math.inf
    start = None
    closest: SearchResult | None = None
    while True:
        left = None if time_limit is None else time_limit - (time.perf_counter() - t0)
        if left is not None and left <= 1.0:
            found = _best_found(outcome, best, bound, t0, rounds, cuts, inputs, closest)
            return found, rounds, cuts
        outcome = solve_assignment(
            replace(model, linear=linear), solver=solver, time_limit=left, mip_gap=gap,
            threads=threads, start=start,
        )  # fmt: skip
        rounds += 1
        if not contiguous or not outcome.status.is_ok:
            break
        bound = max(bound, outcome.bound)
        unit_rep = _unit_rep(model, outcome.x)
        islands = find_islands(unit_rep, geo.edges, exempt, neighbours, inputs.home_unit, load)
        if not islands:
            if gap <= mip_gap or outcome.gap <= mip_gap:
                break
            # Contiguous at the search gap: close the gap from this alignment.
            gap, start = mip_gap, outcome.x
            continue
        mat, names = contiguity_rows(model, islands, rep_ids, unit_ids)
        linear = _with_rows(linear, mat, names)
        cuts += len(names)
        left = math.inf if time_limit is None else time_limit - (time.perf_counter() - t0)
        repaired, searched = _repair(
            inputs, model, unit_rep, islands, neighbours, exempt,
            seconds=max(SEARCH_SHARE * min(left, 120.0), 1.0), seed=rounds,
        )  # fmt: skip
        closest = searched if closest is None else _closer(closest, searched)
        if repaired is not None and (best is None or repaired[0] < best[0]):
            best = repaired
        start = None if best is None else best[1]
    runtime = time.perf_counter() - t0
    outcome = SolveOutcome(
        outcome.status, outcome.objective, outcome.bound, outcome.gap, outcome.x,
        outcome.solver, runtime, detail=f"{outcome.detail}; {rounds} solve(s), {cuts} cut(s)",
    )  # fmt: skip
    return outcome, rounds, cuts


def _repair(
    inputs: UnitInputs,
    model: AssignmentModel,
    unit_rep: np.ndarray,
    islands: list[Island],
    neighbours: list[np.ndarray],
    exempt: np.ndarray,
    *,
    seconds: float,
    seed: int = 0,
) -> tuple[tuple[float, np.ndarray] | None, SearchResult]:
    """A contiguous alignment near ``unit_rep`` that meets every row, with its objective.

    The islands join adjacent territories, then :func:`contiguous_search` brings the loads
    back into band under the cap. Returns ``((objective, x) or None, the search's result)``.
    """
    problem = _search_problem(inputs, model, neighbours, exempt)
    fixed = repair_contiguity(unit_rep, islands, neighbours, problem.cost, exempt)
    found = contiguous_search(problem, fixed, time_limit=seconds, seed=seed)
    if not found.feasible:
        return None, found
    arcs = zip(model.arc_item.tolist(), model.arc_agent.tolist(), strict=True)
    arc_of = {k: j for j, k in enumerate(arcs)}
    choice = [arc_of.get((u, int(r)), -1) for u, r in enumerate(found.unit_rep)]
    if min(choice) < 0:
        return None, found
    x = model.assignment_vector(np.array(choice, dtype=np.int64))
    # The search balances the first metric; the rows check every other one and the locks.
    if model.linear.max_violation(x) > 1e-6:
        return None, found
    m = inputs.base.spec.balance[0]
    geo = inputs.geography
    load = inputs.unit_metrics[m]
    if find_islands(found.unit_rep, geo.edges, exempt, neighbours, inputs.home_unit, load):
        return None, found
    return (model.linear.evaluate(x), x), found


def _search_problem(
    inputs: UnitInputs,
    model: AssignmentModel,
    neighbours: list[np.ndarray],
    exempt: np.ndarray,
) -> SearchProblem:
    """The band, cap, allowed arcs and locks of a unit model, for the contiguous search."""
    unit = model.arc_item
    rep = model.arc_agent
    banned = np.zeros(len(unit), dtype=bool)
    for arcs in inputs.banned.values():
        banned[arcs] = True
    # A locked unit keeps only its forced arc, so the search can bring it back there.
    forced = np.zeros(len(unit), dtype=bool)
    for arcs in inputs.fixed.values():
        forced[arcs] = True
    banned |= np.isin(unit, unit[forced]) & ~forced
    keep = np.flatnonzero(~banned)
    pairs = list(zip(unit[keep].tolist(), rep[keep].tolist(), strict=True))
    cost = dict(zip(pairs, model.arc_cost[keep].tolist(), strict=True))
    moved = inputs.arc_moved[keep]
    disruption = {k: v for k, v in zip(pairs, moved.tolist(), strict=True) if v}
    spec = inputs.base.spec
    m = spec.balance[0]
    tol = spec.tolerance_for(m)
    target = inputs.base.targets[m]
    home = inputs.home_unit
    return SearchProblem(
        neighbours=[[int(v) for v in nb] for nb in neighbours],
        load=inputs.unit_metrics[m],
        lower=target * (1 - tol),
        upper=target * (1 + tol),
        exempt=exempt,
        cost=cost,
        disruption=disruption,
        cap=math.inf if inputs.base.disruption_cap is None else inputs.base.disruption_cap,
        home_exempt=tuple(r for r, h in enumerate(home) if h >= 0 and exempt[h]),
    )


def _best_found(
    last: SolveOutcome | None,
    best: tuple[float, np.ndarray] | None,
    bound: float,
    t0: float,
    rounds: int,
    cuts: int,
    inputs: UnitInputs,
    closest: SearchResult | None,
) -> SolveOutcome:
    """Out of time: the best contiguous alignment found, against the best bound."""
    solver = "" if last is None else last.solver
    runtime = time.perf_counter() - t0
    note = f"time limit; {rounds} solve(s), {cuts} cut(s)"
    if best is None:
        return _out_of_time(last, t0, _shortfall(inputs, closest))
    return SolveOutcome.proven(
        best[0], bound, best[1], integral=False, solver=solver, runtime_s=runtime,
        detail=f"{note}; best contiguous alignment from the search after the last islands",
    )  # fmt: skip


def _closer(a: SearchResult, b: SearchResult) -> SearchResult:
    """The search result nearer to a feasible alignment (fewer territories out of band)."""
    return b if (b.out_of_band, b.disruption) < (a.out_of_band, a.disruption) else a


def _shortfall(inputs: UnitInputs, closest: SearchResult | None) -> str:
    """What the search learnt about band and cap, as the end of a sentence (may be empty)."""
    base = inputs.base
    cap = base.disruption_cap
    if closest is None or closest.feasible:
        return ""
    basis = base.spec.disruption_basis
    total = (
        float(base.accounts["potential"].sum())
        if basis == "potential"
        else float(len(base.accounts))
    )
    what = "potential" if basis == "potential" else "accounts"
    balanced = closest.least_balanced_disruption
    if cap is not None and balanced is not None and balanced > cap and total > 0:
        return (
            f"; the contiguous territories in band that the search found moved "
            f"{balanced / total:.0%} of the {what}, above the cap of {cap / total:.0%}"
        )
    if closest.out_of_band:
        if cap is None or total <= 0:
            within = ""
        elif closest.disruption <= cap + 1e-9:
            within = f" within the cap of {cap / total:.0%}"
        else:
            within = f" (moving {closest.disruption / total:.0%} of the {what})"
        return (
            f"; the closest contiguous alignment the search found{within} left "
            f"{closest.out_of_band} of {len(base.reps)} territories outside their band"
        )
    return ""


def _out_of_time(last: SolveOutcome | None, t0: float, why: str = "") -> SolveOutcome:
    """No contiguous alignment within the time: keep the bound, report no solution."""
    return SolveOutcome(
        SolveStatus.NO_SOLUTION, math.nan, -math.inf if last is None else last.bound,
        math.inf, None, "" if last is None else last.solver,
        time.perf_counter() - t0,
        detail="time ran out before a contiguous alignment was found" + why,
    )  # fmt: skip


def unit_table(inputs: UnitInputs, unit_rep: np.ndarray) -> pd.DataFrame:
    """One row per unit: its new and current rep and its load."""
    geo = inputs.geography
    base = inputs.base
    rep_ids = base.reps["rep_id"].to_numpy(dtype=object)
    n = len(geo.units)
    au = geo.account_unit
    acc = base.accounts
    owner = inputs.owner
    out = pd.DataFrame(
        {
            "unit_id": geo.units["unit_id"].to_numpy(),
            "name": geo.units["name"].to_numpy() if "name" in geo.units else "",
            "state": geo.units["state"].to_numpy() if "state" in geo.units else "",
            "county": geo.units["county"].to_numpy() if "county" in geo.units else "",
            "rep_id": rep_ids[unit_rep],
            "old_rep_id": np.where(owner >= 0, rep_ids[np.maximum(owner, 0)], None),
            "moved": (owner >= 0) & (owner != unit_rep),
            "accounts": np.bincount(au, minlength=n),
            "workload": np.bincount(au, weights=acc["workload"].to_numpy(), minlength=n),
            "potential": np.bincount(au, weights=acc["potential"].to_numpy(), minlength=n),
        }
    )
    return out


def _off_home(inputs: UnitInputs, unit_rep: np.ndarray) -> tuple[str, ...]:
    """Reps whose territory holds no unit at or next to their home unit."""
    neighbours = inputs.geography.neighbours()
    rep_ids = inputs.base.reps["rep_id"].to_numpy()
    out = []
    for r, home in enumerate(inputs.home_unit):
        if not (unit_rep == r).any():
            continue
        near = [] if home < 0 else [int(home), *neighbours[int(home)].tolist()]
        if not any(unit_rep[u] == r for u in near):
            out.append(str(rep_ids[r]))
    return tuple(out)


def align_units(
    accounts: pd.DataFrame,
    reps: pd.DataFrame,
    *,
    units: str = "county",
    contiguous: bool = False,
    geography: UnitGeography | None = None,
    locked_units: tuple[str, ...] = (),
    disruption: str = "unit",
    spec: AlignmentSpec | None = None,
    solver: str = "highs",
    time_limit: float | None = 60.0,
    mip_gap: float = 1e-4,
    threads: int | None = None,
    **options,
) -> UnitAlignmentResult:
    """Align territories made of whole units (counties), optionally contiguous.

    Parameters
    ----------
    accounts, reps : pandas.DataFrame
        Tables in the schema of :mod:`spm_models.data.schema`; accounts need a ZIP code,
        a lat/lon or a ``unit_id``/``county_fips`` in the US.
    units : {"county"}
        The unit kind: counties of the states that hold accounts (a county with more
        load than half a territory is split into ZIP cells).
    contiguous : bool
        Require every territory to be one connected piece (Alaska and Hawaii exempt).
    geography : UnitGeography, optional
        Units of your own (then accounts carry ``unit_id``); default: counties.
    locked_units : tuple of str
        Units (unit ids, county FIPS codes or names) that stay with their current rep.
    disruption : {"unit", "account"}
        What ``max_disruption`` caps (see
        :func:`~spm_models.territory.unit_inputs.prepare_units`); the result reports
        accounts and potential moved off their own rep either way.
    spec, options
        As for :func:`~spm_models.territory.alignment.align_territories` (``balance``,
        ``tolerance``, ``max_disruption``, ``locked``, ...); locks and disruption caps
        apply to units, and the disruption is reported in accounts and potential.
    solver, time_limit, mip_gap, threads
        Solver choices; ``time_limit`` covers every contiguity round.

    Returns
    -------
    UnitAlignmentResult

    Raises
    ------
    InputDataError
        When an account has no US geography, its ZIP matches no county, a locked county
        name is ambiguous, or two locks tie one unit to two reps.
    InfeasibleModelError
        When no unit alignment meets the constraints.
    """
    if units != "county" and geography is None:
        raise param_error("units", "align_units", "'county' (or pass a geography)", units)
    t0 = time.perf_counter()
    base = prepare_alignment(accounts, reps, spec, **options)
    if geography is None:
        geography = _county_geography(base)
    elif len(geography.account_unit) != len(base.accounts):
        raise ValueError("geography.account_unit must give a unit for every account")
    inputs = prepare_units(base, geography, locked_units=locked_units, disruption=disruption)
    model = build_unit_model(inputs)
    left = None if time_limit is None else max(time_limit - (time.perf_counter() - t0), 1.0)
    outcome, rounds, cuts = solve_contiguous(
        inputs, model, contiguous=contiguous, solver=solver, time_limit=left,
        mip_gap=mip_gap, threads=threads,
    )  # fmt: skip
    if outcome.status == SolveStatus.INFEASIBLE:
        raise InfeasibleModelError(
            "territory alignment over units",
            "contiguity" if rounds > 1 else "balance",
            "no alignment of whole units meets the balance band, locks and disruption cap"
            + (" with contiguous territories" if rounds > 1 else ""),
            relaxation="widen the tolerance, raise the disruption cap or unlock units",
        )
    return extract_units(inputs, model, outcome, contiguous, rounds, cuts, t0)


def _county_geography(base) -> UnitGeography:
    from spm_models.geography.units import unit_geography

    m = base.spec.balance[0]
    return unit_geography(
        base.accounts,
        load=base.metrics[m],
        max_unit_load=SPLIT_SHARE * float(np.mean(base.targets[m])),
    )


def extract_units(
    inputs: UnitInputs,
    model: AssignmentModel,
    outcome: SolveOutcome,
    contiguous: bool,
    rounds: int,
    cuts: int,
    t0: float,
) -> UnitAlignmentResult:
    """Account, territory and unit tables of a unit solve."""
    base = inputs.base
    geo = inputs.geography
    if outcome.x is not None and outcome.status.is_ok:
        unit_rep = _unit_rep(model, outcome.x)
    else:
        unit_rep = np.where(inputs.owner >= 0, inputs.owner, 0)
    new_rep = unit_rep[geo.account_unit]
    assignment = assignment_table(base, new_rep)
    assignment.insert(1, "unit_id", geo.units["unit_id"].to_numpy()[geo.account_unit])
    territories = territory_table(base, assignment)
    n_reps = len(base.reps)
    exempt = geo.units["exempt"].to_numpy(dtype=bool)
    territories["units"] = np.bincount(unit_rep, minlength=n_reps)
    territories["parts"] = territory_components(unit_rep, geo.edges, exempt, n_reps)
    off = _off_home(inputs, unit_rep)
    territories["home_adjacent"] = ~territories["rep_id"].isin(off)
    units = unit_table(inputs, unit_rep)
    if not outcome.status.is_ok:
        units = units.iloc[0:0]
    return UnitAlignmentResult(
        **result_fields(base, outcome, assignment, territories, time.perf_counter() - t0),
        units=units,
        geography=geo,
        contiguous=contiguous,
        cut_rounds=rounds,
        cuts=cuts,
        off_home=off,
    )
