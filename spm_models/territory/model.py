"""Build the assignment models: a solver-neutral linear model with named constraints.

The territory alignment, the OR-Library generalized assignment problem and the capacitated
p-median all share one structure: items (accounts, jobs, customers) each go to exactly one
agent (rep, agent, centre) along candidate arcs, and each agent's use of one or more resources
(workload, potential, capacity) stays inside a band. :func:`build_assignment` turns that
structure into a :class:`LinearModel` (sparse matrix, bounds, one name per row) which
:mod:`spm_models.territory.solve` hands to HiGHS directly or to CBC through PuLP.

Row (constraint) names, one family per prefix:

* ``assign_once_{item}``: each item goes to exactly one agent;
* ``{resource}_max_{agent}`` / ``{resource}_min_{agent}``: balance band or capacity;
* ``disruption_cap``: moved accounts (or moved potential) at most the cap;
* ``lock_{item}``: a locked account stays with its current rep;
* ``mandatory_{item}_{agent}``: a required account-rep pair;
* ``forbidden_{item}_{agent}`` and ``max_distance_{item}_{agent}``: a candidate pair that may
  not be used;
* ``{resource}_dev_{agent}``: soft balance (deviation from target, penalised);
* ``open_centre_{agent}``, ``centre_count`` and ``link_{item}_{agent}``: the p-median only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

#: Constraint families of the alignment model, in the order a diagnosis examines them.
FAMILIES = (
    "assign_once",
    "lock",
    "mandatory",
    "forbidden",
    "max_distance",
    "balance",
    "disruption_cap",
)

#: Families realised by fixing one arc to 1 (``fixed``) or to 0 (``banned``).
FIXING_FAMILIES = ("lock", "mandatory")
BANNING_FAMILIES = ("forbidden", "max_distance")


@dataclass(frozen=True)
class LinearModel:
    """A linear (mixed-integer) model in solver-neutral form: minimise ``cost @ x``.

    Attributes
    ----------
    name : str
        Model name.
    col_cost, col_lower, col_upper : numpy.ndarray
        Objective coefficients and bounds of every column.
    integer : numpy.ndarray of bool
        Whether each column is integer (binary when its bounds are 0 and 1).
    matrix : scipy.sparse.csr_matrix
        The constraint matrix, one row per constraint.
    row_lower, row_upper : numpy.ndarray
        Row bounds (``-inf``/``inf`` when open).
    row_names : tuple of str
        One name per row, e.g. ``"workload_max_R007"``.
    col_names : tuple of str
        One name per column, e.g. ``"x_A00042_R007"``.
    objective_offset : float
        Constant added to the objective.
    integral_objective : bool
        True when every feasible objective value is an integer (lets the solver wrapper
        round the bound up and prove optimality exactly).
    """

    name: str
    col_cost: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    integer: np.ndarray
    matrix: sparse.csr_matrix
    row_lower: np.ndarray
    row_upper: np.ndarray
    row_names: tuple[str, ...]
    col_names: tuple[str, ...]
    objective_offset: float = 0.0
    integral_objective: bool = False

    @property
    def n_cols(self) -> int:
        """Number of columns (variables)."""
        return len(self.col_cost)

    @property
    def n_rows(self) -> int:
        """Number of rows (constraints)."""
        return len(self.row_lower)

    def row_family(self, name: str) -> str:
        """Return the constraint family of a row name (its prefix before the index)."""
        return row_family(name)

    def family_counts(self) -> dict[str, int]:
        """Count the rows of each constraint family."""
        return pd.Series([row_family(n) for n in self.row_names]).value_counts().to_dict()

    def with_bounds(self, col_lower: np.ndarray, col_upper: np.ndarray) -> LinearModel:
        """Return a copy with new column bounds (used to fix or free arcs)."""
        return LinearModel(
            self.name,
            self.col_cost,
            np.asarray(col_lower, dtype=float),
            np.asarray(col_upper, dtype=float),
            self.integer,
            self.matrix,
            self.row_lower,
            self.row_upper,
            self.row_names,
            self.col_names,
            self.objective_offset,
            self.integral_objective,
        )

    def subset_columns(self, cols: np.ndarray, rows: np.ndarray | None = None) -> LinearModel:
        """The model restricted to some columns (the others fixed at 0 and dropped).

        ``rows``, when given, keeps only those rows too: rows that only held dropped columns
        (a p-median link row of a dropped pair) need not reach the solver.
        """
        cols = np.asarray(cols, dtype=np.int64)
        matrix, lower, upper, names = self.matrix, self.row_lower, self.row_upper, self.row_names
        if rows is not None:
            rows = np.asarray(rows, dtype=np.int64)
            matrix, lower, upper = matrix[rows], lower[rows], upper[rows]
            names = tuple(names[r] for r in rows)
        return LinearModel(
            self.name,
            self.col_cost[cols],
            self.col_lower[cols],
            self.col_upper[cols],
            self.integer[cols],
            matrix.tocsc()[:, cols].tocsr(),
            lower,
            upper,
            names,
            tuple(self.col_names[j] for j in cols),
            self.objective_offset,
            self.integral_objective,
        )

    def evaluate(self, x: np.ndarray) -> float:
        """Objective value of a column vector ``x``."""
        return float(self.col_cost @ x + self.objective_offset)

    def max_violation(self, x: np.ndarray) -> float:
        """Largest violation of any row or column bound by ``x`` (0 when feasible)."""
        activity = self.matrix @ x
        viol = np.concatenate(
            [
                self.row_lower - activity,
                activity - self.row_upper,
                self.col_lower - x,
                x - self.col_upper,
                [0.0],
            ]
        )
        viol = viol[np.isfinite(viol)]
        return float(viol.max()) if viol.size else 0.0

    def violated_rows(self, x: np.ndarray, tol: float = 1e-6) -> list[str]:
        """Names of the rows ``x`` violates by more than ``tol``."""
        activity = self.matrix @ x
        bad = (activity < self.row_lower - tol) | (activity > self.row_upper + tol)
        return [self.row_names[i] for i in np.flatnonzero(bad)]


def row_family(name: str) -> str:
    """Map a row name to its constraint family.

    Balance rows (``workload_max_R1``, ``potential_min_R2``) map to ``"balance"``; every
    other row maps to its prefix, e.g. ``"lock_A1"`` to ``"lock"``.
    """
    for fam in (
        "assign_once",
        "disruption_cap",
        "max_distance",
        "mandatory",
        "forbidden",
        "lock",
        "open_centre",
        "centre_count",
        "link",
    ):
        if name == fam or name.startswith(fam + "_"):
            return fam
    if "_max_" in name or "_min_" in name:
        return "balance"
    if "_dev_" in name:
        return "balance_deviation"
    return name.split("_")[0]


@dataclass(frozen=True)
class Resource:
    """A resource each agent uses along its arcs, bounded per agent.

    Attributes
    ----------
    name : str
        Resource name, e.g. ``"workload"``; it prefixes the balance rows.
    arc_usage : numpy.ndarray
        Amount used by each arc (same order as the model's arcs).
    lower, upper : numpy.ndarray
        Per-agent bounds on the total use (``-inf``/``inf`` to leave a side open).
    target : numpy.ndarray or None
        Per-agent target, for reports and the soft balance penalty.
    deviation_penalty : float
        Objective cost per unit of relative deviation from target (0: no soft balance).
    """

    name: str
    arc_usage: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    target: np.ndarray | None = None
    deviation_penalty: float = 0.0


@dataclass(frozen=True)
class AssignmentModel:
    """Items assigned to agents along candidate arcs, with its linear model.

    Attributes
    ----------
    item_ids, agent_ids : numpy.ndarray of str
        Item (account, job) and agent (rep) identifiers.
    arc_item, arc_agent : numpy.ndarray of int
        Item and agent index of each arc; arc ``j`` is column ``j`` of :attr:`linear`.
    arc_cost : numpy.ndarray
        Cost of each arc in the minimised objective (already includes move penalties).
    resources : tuple of Resource
        Balance or capacity resources.
    moved_weight : numpy.ndarray or None
        Disruption counted when each arc is used (0 on an account's current rep).
    disruption_cap : float or None
        Upper bound on the total moved weight.
    fixed : dict
        ``{family: arc indices}`` for families that force an arc to 1.
    banned : dict
        ``{family: arc indices}`` for families that force an arc to 0.
    sense : str
        ``"min"`` or ``"max"``: the sense in which the caller reads the objective
        (costs are negated for ``"max"``; the linear model always minimises).
    linear : LinearModel
        The linear model (columns: arcs, then any slack columns).
    """

    item_ids: np.ndarray
    agent_ids: np.ndarray
    arc_item: np.ndarray
    arc_agent: np.ndarray
    arc_cost: np.ndarray
    resources: tuple[Resource, ...]
    moved_weight: np.ndarray | None
    disruption_cap: float | None
    fixed: dict[str, np.ndarray]
    banned: dict[str, np.ndarray]
    sense: str
    linear: LinearModel
    extra: dict = field(default_factory=dict)

    @property
    def n_items(self) -> int:
        """Number of items."""
        return len(self.item_ids)

    @property
    def n_agents(self) -> int:
        """Number of agents."""
        return len(self.agent_ids)

    @property
    def n_arcs(self) -> int:
        """Number of candidate arcs."""
        return len(self.arc_item)

    def arcs_allowed(self) -> np.ndarray:
        """Boolean mask of arcs that no banning family forbids."""
        ok = np.ones(self.n_arcs, dtype=bool)
        for idx in self.banned.values():
            ok[idx] = False
        return ok

    def arcs_forced(self) -> np.ndarray:
        """Boolean mask of arcs a fixing family forces to 1."""
        forced = np.zeros(self.n_arcs, dtype=bool)
        for idx in self.fixed.values():
            forced[idx] = True
        return forced

    def assignment_vector(self, choice: np.ndarray) -> np.ndarray:
        """Column vector for a choice of one arc per item (slack columns at 0)."""
        x = np.zeros(self.linear.n_cols)
        x[choice] = 1.0
        return self._complete(x)

    def _complete(self, x: np.ndarray) -> np.ndarray:
        """Set the soft-balance deviation columns to their best values for ``x``'s arcs."""
        col = self.n_arcs
        for res in self.resources:
            if res.deviation_penalty > 0 and res.target is not None:
                load = np.bincount(
                    self.arc_agent,
                    weights=res.arc_usage * x[: self.n_arcs],
                    minlength=self.n_agents,
                )
                diff = load - res.target
                x[col : col + self.n_agents] = np.maximum(diff, 0)
                x[col + self.n_agents : col + 2 * self.n_agents] = np.maximum(-diff, 0)
                col += 2 * self.n_agents
        return x

    def objective(self, choice: np.ndarray) -> float:
        """Minimised objective of a choice of one arc per item (including soft balance)."""
        return self.linear.evaluate(self.assignment_vector(choice))

    def reported(self, value: float) -> float:
        """Convert a minimised objective or bound to the caller's sense."""
        return -value if self.sense == "max" else value

    def choice_from_x(self, x: np.ndarray) -> np.ndarray:
        """Arc chosen for each item in an integral column vector (``-1`` if none)."""
        xa = x[: self.n_arcs]
        best = np.full(self.n_items, -1, dtype=np.int64)
        val = np.full(self.n_items, 0.5)
        order = np.argsort(xa, kind="stable")
        for j in order[xa[order] > 0.5]:
            i = self.arc_item[j]
            if xa[j] > val[i]:
                best[i] = j
                val[i] = xa[j]
        return best


def _names(prefix: str, *parts: Sequence[str]) -> list[str]:
    if len(parts) == 1:
        return [f"{prefix}_{a}" for a in parts[0]]
    return [f"{prefix}_{a}_{b}" for a, b in zip(*parts, strict=True)]


def build_assignment(
    item_ids: Sequence[str] | np.ndarray,
    agent_ids: Sequence[str] | np.ndarray,
    arc_item: np.ndarray,
    arc_agent: np.ndarray,
    arc_cost: np.ndarray,
    resources: Sequence[Resource] = (),
    *,
    moved_weight: np.ndarray | None = None,
    disruption_cap: float | None = None,
    fixed: dict[str, np.ndarray] | None = None,
    banned: dict[str, np.ndarray] | None = None,
    sense: str = "min",
    name: str = "assignment",
    integral_objective: bool = False,
) -> AssignmentModel:
    """Build an assignment model and its named linear constraints (no solving).

    Parameters
    ----------
    item_ids, agent_ids : sequence of str
        Identifiers; they appear in row and column names.
    arc_item, arc_agent : numpy.ndarray of int
        Item and agent index of each candidate arc.
    arc_cost : numpy.ndarray
        Objective coefficient of each arc in the caller's ``sense``.
    resources : sequence of Resource
        Per-agent bands on resource use (balance or capacity).
    moved_weight, disruption_cap : numpy.ndarray, float, optional
        Disruption counted per arc and its cap; the row ``disruption_cap`` is added when
        both are given.
    fixed, banned : dict, optional
        ``{family: arc indices}`` forced to 1 (``lock``, ``mandatory``) or to 0
        (``forbidden``, ``max_distance``); each becomes one named row per arc.
    sense : {"min", "max"}
        Whether ``arc_cost`` is minimised or maximised.
    name : str
        Model name.
    integral_objective : bool
        Whether every feasible objective value is an integer.

    Returns
    -------
    AssignmentModel
    """
    if sense not in ("min", "max"):
        raise ValueError(
            f"The 'sense' parameter of build_assignment must be 'min' or 'max'. Got {sense!r} "
            "instead."
        )
    item_ids = np.asarray(item_ids, dtype=object)
    agent_ids = np.asarray(agent_ids, dtype=object)
    arc_item = np.asarray(arc_item, dtype=np.int64)
    arc_agent = np.asarray(arc_agent, dtype=np.int64)
    arc_cost = np.asarray(arc_cost, dtype=float)
    n_items, n_agents, n_arcs = len(item_ids), len(agent_ids), len(arc_item)
    fixed = {k: np.asarray(v, dtype=np.int64) for k, v in (fixed or {}).items()}
    banned = {k: np.asarray(v, dtype=np.int64) for k, v in (banned or {}).items()}
    sign = -1.0 if sense == "max" else 1.0

    costs = [sign * arc_cost]
    integer = [np.ones(n_arcs, dtype=bool)]
    col_names: list[str] = _names("x", item_ids[arc_item], agent_ids[arc_agent])
    blocks: list[sparse.csr_matrix] = []
    lowers: list[np.ndarray] = []
    uppers: list[np.ndarray] = []
    names: list[str] = []
    n_slack_total = sum(2 * n_agents for r in resources if r.deviation_penalty > 0)
    n_cols = n_arcs + n_slack_total

    def add_rows(rows: sparse.spmatrix, lo: np.ndarray, up: np.ndarray, nm: list[str]) -> None:
        rows = sparse.csr_matrix(rows)
        if rows.shape[1] < n_cols:
            rows = sparse.hstack(
                [rows, sparse.csr_matrix((rows.shape[0], n_cols - rows.shape[1]))], format="csr"
            )
        blocks.append(rows)
        lowers.append(np.asarray(lo, dtype=float))
        uppers.append(np.asarray(up, dtype=float))
        names.extend(nm)

    ones = np.ones(n_arcs)
    assign = sparse.csr_matrix((ones, (arc_item, np.arange(n_arcs))), shape=(n_items, n_arcs))
    add_rows(assign, np.ones(n_items), np.ones(n_items), _names("assign_once", item_ids))

    for fam in FIXING_FAMILIES + BANNING_FAMILIES:
        for kind, table in (("fixed", fixed), ("banned", banned)):
            idx = table.get(fam)
            if idx is None or len(idx) == 0:
                continue
            k = len(idx)
            rows = sparse.csr_matrix((np.ones(k), (np.arange(k), idx)), shape=(k, n_arcs))
            val = np.ones(k) if kind == "fixed" else np.zeros(k)
            if fam == "lock":
                nm = _names("lock", item_ids[arc_item[idx]])
            else:
                nm = _names(fam, item_ids[arc_item[idx]], agent_ids[arc_agent[idx]])
            add_rows(rows, val, val, nm)

    slack_col = n_arcs
    for res in resources:
        usage = np.asarray(res.arc_usage, dtype=float)
        mat = sparse.csr_matrix((usage, (arc_agent, np.arange(n_arcs))), shape=(n_agents, n_arcs))
        upper = np.asarray(res.upper, dtype=float)
        lower = np.asarray(res.lower, dtype=float)
        has_up = np.isfinite(upper)
        if has_up.any():
            add_rows(
                mat[has_up],
                np.full(has_up.sum(), -np.inf),
                upper[has_up],
                _names(f"{res.name}_max", agent_ids[has_up]),
            )
        has_lo = np.isfinite(lower) & (lower > 0)
        if has_lo.any():
            add_rows(
                mat[has_lo],
                lower[has_lo],
                np.full(has_lo.sum(), np.inf),
                _names(f"{res.name}_min", agent_ids[has_lo]),
            )
        if res.deviation_penalty > 0:
            if res.target is None:
                raise ValueError(f"resource {res.name!r} has a deviation penalty but no target")
            target = np.asarray(res.target, dtype=float)
            eye = sparse.identity(n_agents, format="csr")
            dev = sparse.hstack(
                [
                    mat,
                    sparse.csr_matrix((n_agents, slack_col - n_arcs)),
                    -eye,
                    eye,
                    sparse.csr_matrix((n_agents, n_cols - slack_col - 2 * n_agents)),
                ],
                format="csr",
            )
            add_rows(dev, target, target, _names(f"{res.name}_dev", agent_ids))
            scale = np.where(target > 0, target, 1.0)
            costs.append(np.concatenate([res.deviation_penalty / scale] * 2))
            integer.append(np.zeros(2 * n_agents, dtype=bool))
            col_names += _names(f"dev_over_{res.name}", agent_ids)
            col_names += _names(f"dev_under_{res.name}", agent_ids)
            slack_col += 2 * n_agents

    if moved_weight is not None and disruption_cap is not None:
        mw = np.asarray(moved_weight, dtype=float)
        add_rows(
            sparse.csr_matrix(mw.reshape(1, -1)), [-np.inf], [disruption_cap], ["disruption_cap"]
        )

    matrix = sparse.vstack(blocks, format="csr") if blocks else sparse.csr_matrix((0, n_cols))
    col_cost = np.concatenate(costs)
    col_upper = np.concatenate([np.ones(n_arcs), np.full(n_cols - n_arcs, np.inf)])
    linear = LinearModel(
        name=name,
        col_cost=col_cost,
        col_lower=np.zeros(n_cols),
        col_upper=col_upper,
        integer=np.concatenate(integer),
        matrix=matrix,
        row_lower=np.concatenate(lowers) if lowers else np.zeros(0),
        row_upper=np.concatenate(uppers) if uppers else np.zeros(0),
        row_names=tuple(names),
        col_names=tuple(col_names),
        integral_objective=integral_objective,
    )
    return AssignmentModel(
        item_ids=item_ids,
        agent_ids=agent_ids,
        arc_item=arc_item,
        arc_agent=arc_agent,
        arc_cost=sign * arc_cost,
        resources=tuple(resources),
        moved_weight=None if moved_weight is None else np.asarray(moved_weight, dtype=float),
        disruption_cap=disruption_cap,
        fixed=fixed,
        banned=banned,
        sense=sense,
        linear=linear,
    )


def to_pulp(linear: LinearModel, *, relax: bool = False):
    """Translate a linear model into a ``pulp.LpProblem`` with the same names.

    Parameters
    ----------
    linear : LinearModel
        The model.
    relax : bool
        Build the LP relaxation (all columns continuous).

    Returns
    -------
    tuple of (pulp.LpProblem, list of pulp.LpVariable)
    """
    import pulp

    prob = pulp.LpProblem(_pulp_safe(linear.name), pulp.LpMinimize)
    xs = []
    for j in range(linear.n_cols):
        lo = linear.col_lower[j]
        up = linear.col_upper[j]
        xs.append(
            prob.add_variable(
                _pulp_safe(linear.col_names[j]) + f"__{j}",
                lowBound=None if not np.isfinite(lo) else float(lo),
                upBound=None if not np.isfinite(up) else float(up),
                cat=pulp.LpInteger if (linear.integer[j] and not relax) else pulp.LpContinuous,
            )
        )
    prob += pulp.LpAffineExpression(
        [(xs[j], float(c)) for j, c in enumerate(linear.col_cost) if c != 0],
        constant=linear.objective_offset,
    )
    m = linear.matrix.tocsr()
    for i in range(linear.n_rows):
        s, e = m.indptr[i], m.indptr[i + 1]
        expr = pulp.LpAffineExpression(
            [(xs[j], float(v)) for j, v in zip(m.indices[s:e], m.data[s:e], strict=True)]
        )
        lo, up = linear.row_lower[i], linear.row_upper[i]
        nm = _pulp_safe(linear.row_names[i])
        if lo == up:
            prob += (expr == float(up), nm)
        else:
            if np.isfinite(up):
                prob += (expr <= float(up), nm if not np.isfinite(lo) else nm + "_up")
            if np.isfinite(lo):
                prob += (expr >= float(lo), nm if not np.isfinite(up) else nm + "_lo")
    return prob, xs


def _pulp_safe(name: str) -> str:
    return "".join(c if c.isalnum() or c == "_" else "_" for c in str(name))


def balance_resources(
    spec, targets: dict[str, np.ndarray], arc_usage: dict[str, np.ndarray]
) -> list[Resource]:
    """One balance resource per balanced metric: each rep's band around its target.

    ``arc_usage[m]`` is what each arc (an account or a unit offered to a rep) adds to
    metric ``m``; the band is the spec's tolerance for ``m``, and a miss is priced at the
    spec's ``balance_penalty``.
    """
    resources = []
    for metric in spec.balance:
        tol = spec.tolerance_for(metric)
        target = targets[metric]
        resources.append(
            Resource(
                name=metric,
                arc_usage=arc_usage[metric],
                lower=target * (1 - tol),
                upper=target * (1 + tol),
                target=target,
                deviation_penalty=spec.balance_penalty,
            )
        )
    return resources


def build_alignment(inputs) -> AssignmentModel:
    """Build the territory alignment model from prepared inputs (no solving, no I/O).

    Columns are the candidate account-rep arcs; rows are ``assign_once_{account}``, one
    ``{metric}_max_{rep}`` / ``{metric}_min_{rep}`` pair per balanced metric, ``lock_{account}``,
    ``mandatory_{account}_{rep}``, ``forbidden_{account}_{rep}``,
    ``max_distance_{account}_{rep}`` and ``disruption_cap`` (when a cap is set).

    Parameters
    ----------
    inputs : AlignmentInputs
        From :func:`spm_models.territory.inputs.prepare_alignment`.

    Returns
    -------
    AssignmentModel
    """
    spec = inputs.spec
    arcs = inputs.arcs
    item = arcs["item"].to_numpy()
    resources = balance_resources(
        spec, inputs.targets, {m: inputs.metrics[m][item] for m in spec.balance}
    )
    model = build_assignment(
        item_ids=inputs.accounts["account_id"].to_numpy(),
        agent_ids=inputs.reps["rep_id"].to_numpy(),
        arc_item=item,
        arc_agent=arcs["agent"].to_numpy(),
        arc_cost=arcs["cost"].to_numpy(),
        resources=resources,
        moved_weight=arcs["moved_weight"].to_numpy() if inputs.disruption_cap is not None else None,
        disruption_cap=inputs.disruption_cap,
        fixed=inputs.fixed,
        banned=inputs.banned,
        sense="min",
        name="territory_alignment",
    )
    return model
