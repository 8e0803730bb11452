"""Validate alignment inputs and build the candidate account-rep arcs.

Accounts and reps follow :mod:`spm_models.data.schema` (accounts: ``account_id``, ``lat``,
``lon``, ``region``, ``potential``, ``workload``, ``current_rep_id``; reps: ``rep_id``,
``home_lat``, ``home_lon``, ``region``, ``status``, ``fte``). Only the columns the model uses
are checked here, so a user's own files work as long as those are present and valid.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from spm_models.errors import InputDataError, Problem, param_error
from spm_models.territory.geo import haversine_km, nearest_k

#: Metrics a territory can be balanced on; ``accounts`` counts accounts.
BALANCE_METRICS = ("workload", "potential", "accounts", "bookings")
WEIGHTS = ("workload", "potential", "none")
DISRUPTION_BASES = ("accounts", "potential")

ACCOUNT_COLUMNS = ("account_id", "lat", "lon", "potential", "workload", "current_rep_id")
REP_COLUMNS = ("rep_id", "home_lat", "home_lon", "fte")


@dataclass(frozen=True)
class AlignmentSpec:
    """The analyst's choices for one alignment run.

    Attributes
    ----------
    balance : tuple of str
        Metrics balanced within ``tolerance`` of each territory's target (from
        ``BALANCE_METRICS``; ``bookings`` needs a ``bookings`` column on the accounts).
    tolerance : float or mapping
        Allowed relative deviation from target, one value or ``{metric: value}``.
    weight : {"workload", "potential", "none"}
        Weight of each account in the travel objective (weight x km).
    max_disruption : float or None
        Cap on the share of accounts (or potential) moved off their current rep.
    disruption_basis : {"accounts", "potential"}
        What the cap counts.
    move_penalty : float
        Objective cost added per moved account (0: none).
    balance_penalty : float
        Objective cost per unit of relative deviation from target, per metric and territory
        (0: none); a soft pull toward the target inside the hard band.
    locked : tuple of str
        Accounts that must stay with their current rep.
    lock_regions : tuple of str
        Every account of these regions is locked.
    forbidden, mandatory : tuple of (account_id, rep_id)
        Pairs that may not / must be used.
    extra_pairs : tuple of (account_id, rep_id)
        Pairs added to the candidates whatever the pruning (used when repricing).
    max_distance_km : float or None
        No account goes to a rep farther than this.
    k_nearest : int or None
        Candidate pruning: each account may go only to its ``k`` nearest reps plus its
        current rep and any mandatory rep (``None``: every rep).
    rep_reach : float or None
        With pruning, each rep also keeps as candidates its nearest accounts until their
        first balance metric reaches ``rep_reach`` times the rep's target, so that no
        territory is starved of candidates (``None``: off).
    rep_share : mapping or None
        Relative capacity of each rep (default: the reps' ``fte``); targets are the metric
        total split in these proportions.
    targets : mapping or None
        Explicit ``{metric: {rep_id: target}}`` overriding the shares.
    """

    balance: tuple[str, ...] = ("workload",)
    tolerance: float | Mapping[str, float] = 0.10
    weight: str = "workload"
    max_disruption: float | None = None
    disruption_basis: str = "accounts"
    move_penalty: float = 0.0
    balance_penalty: float = 0.0
    locked: tuple[str, ...] = ()
    lock_regions: tuple[str, ...] = ()
    forbidden: tuple[tuple[str, str], ...] = ()
    mandatory: tuple[tuple[str, str], ...] = ()
    extra_pairs: tuple[tuple[str, str], ...] = ()
    max_distance_km: float | None = None
    k_nearest: int | None = 20
    rep_reach: float | None = 2.0
    rep_share: Mapping[str, float] | None = None
    targets: Mapping[str, Mapping[str, float]] | None = None

    def tolerance_for(self, metric: str) -> float:
        """Tolerance of one metric."""
        if isinstance(self.tolerance, Mapping):
            return float(self.tolerance.get(metric, 0.10))
        return float(self.tolerance)


@dataclass(frozen=True)
class AlignmentInputs:
    """Validated accounts and reps with their candidate arcs, ready to build a model.

    Attributes
    ----------
    accounts, reps : pandas.DataFrame
        Validated copies (positional index).
    spec : AlignmentSpec
        The run's choices.
    arcs : pandas.DataFrame
        One row per candidate pair: ``item`` and ``agent`` (positions), ``account_id``,
        ``rep_id``, ``distance_km``, ``is_current``, ``cost``, ``moved_weight``.
    metrics : dict
        ``{metric: per-account values}`` for every balanced metric.
    targets : dict
        ``{metric: per-rep targets}``.
    current : numpy.ndarray
        Position of each account's current rep (``-1`` when unassigned).
    fixed, banned : dict
        ``{family: arc positions}`` for locks/mandatory pairs and forbidden/too-far pairs.
    disruption_cap : float or None
        The cap in the basis's units.
    pruned_reps : numpy.ndarray
        Per account, how many reps were pruned away.
    """

    accounts: pd.DataFrame
    reps: pd.DataFrame
    spec: AlignmentSpec
    arcs: pd.DataFrame
    metrics: dict[str, np.ndarray]
    targets: dict[str, np.ndarray]
    current: np.ndarray
    fixed: dict[str, np.ndarray]
    banned: dict[str, np.ndarray]
    disruption_cap: float | None
    pruned_reps: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def total_moved_basis(self) -> float:
        """Total of the disruption basis over accounts that have a current rep."""
        has = self.current >= 0
        if self.spec.disruption_basis == "potential":
            return float(self.accounts["potential"].to_numpy()[has].sum())
        return float(has.sum())


def _check_columns(df: pd.DataFrame, needed: Sequence[str], source: str) -> list[Problem]:
    return [
        Problem(source, "is missing (required by territory alignment)", column=c)
        for c in needed
        if c not in df.columns
    ]


def _plain(value: object) -> object:
    """A numpy scalar as the plain Python value (for readable messages)."""
    return value.item() if isinstance(value, np.generic) else value


def _check_numeric(
    df: pd.DataFrame, col: str, source: str, key: str, lo: float | None, hi: float | None
) -> list[Problem]:
    problems: list[Problem] = []
    values = pd.to_numeric(df[col], errors="coerce")
    bad = values.isna() | ~np.isfinite(values.fillna(0).to_numpy(dtype=float))
    if lo is not None:
        bad |= values < lo
    if hi is not None:
        bad |= values > hi
    rule = "must be a number"
    if lo is not None:
        rule += f" >= {lo:g}"
    if hi is not None:
        rule += f" and <= {hi:g}" if lo is not None else f" <= {hi:g}"
    for pos in np.flatnonzero(bad.to_numpy())[:20]:
        problems.append(
            Problem(
                source,
                f"{rule}; got {_plain(df[col].iloc[pos])!r}",
                column=col,
                row=int(pos) + 1,
                key=f"{key}={df[key].iloc[pos]!r}",
            )
        )
    return problems


def validate_alignment_tables(
    accounts: pd.DataFrame, reps: pd.DataFrame, *, balance: Iterable[str] = ()
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check the columns the alignment uses; raise one error listing every problem.

    Returns clean copies with a positional index, string ids and float metrics.

    Raises
    ------
    InputDataError
        Naming file, column, row and key of each problem, e.g.
        ``accounts.csv: column 'workload' must be a number >= 0; got -5 at row 17
        (account_id='A042')``.
    """
    problems = _check_columns(accounts, ACCOUNT_COLUMNS, "accounts.csv")
    problems += _check_columns(reps, REP_COLUMNS, "reps.csv")
    if "bookings" in balance:
        problems += _check_columns(accounts, ["bookings"], "accounts.csv")
    if problems:
        raise InputDataError(problems)
    accounts = accounts.reset_index(drop=True).copy()
    reps = reps.reset_index(drop=True).copy()
    for col, lo, hi in (
        ("lat", -90, 90),
        ("lon", -180, 180),
        ("potential", 0, None),
        ("workload", 0, None),
    ):
        problems += _check_numeric(accounts, col, "accounts.csv", "account_id", lo, hi)
    if "bookings" in balance:
        problems += _check_numeric(accounts, "bookings", "accounts.csv", "account_id", 0, None)
    for col, lo, hi in (("home_lat", -90, 90), ("home_lon", -180, 180), ("fte", 0, 1)):
        problems += _check_numeric(reps, col, "reps.csv", "rep_id", lo, hi)
    for df, col, source in ((accounts, "account_id", "accounts.csv"), (reps, "rep_id", "reps.csv")):
        ids = df[col]
        empty = ids.isna() | (ids.astype(str).str.strip() == "")
        for pos in np.flatnonzero(empty.to_numpy())[:20]:
            problems.append(Problem(source, "must not be empty", column=col, row=int(pos) + 1))
        dup = ids.duplicated(keep="first") & ~empty
        for pos in np.flatnonzero(dup.to_numpy())[:20]:
            problems.append(
                Problem(
                    source,
                    f"must be unique; {ids.iloc[pos]!r} is repeated",
                    column=col,
                    row=int(pos) + 1,
                )
            )
    if "current_rep_id" in accounts.columns and "rep_id" in reps.columns:
        rep_ids = set(reps["rep_id"].astype(str))
        cur = accounts["current_rep_id"]
        has = cur.notna() & (cur.astype(str).str.strip() != "")
        unknown = has & ~cur.astype(str).isin(rep_ids)
        for pos in np.flatnonzero(unknown.to_numpy())[:20]:
            problems.append(
                Problem(
                    "accounts.csv",
                    f"refers to unknown rep {cur.iloc[pos]!r} (not in reps.csv)",
                    column="current_rep_id",
                    row=int(pos) + 1,
                    key=f"account_id={accounts['account_id'].iloc[pos]!r}",
                )
            )
    if len(reps) == 0:
        problems.append(Problem("reps.csv", "has no rows; at least one rep is needed"))
    if len(accounts) == 0:
        problems.append(Problem("accounts.csv", "has no rows; at least one account is needed"))
    if problems:
        raise InputDataError(problems)
    accounts["account_id"] = accounts["account_id"].astype(str)
    reps["rep_id"] = reps["rep_id"].astype(str)
    cur = accounts["current_rep_id"]
    accounts["current_rep_id"] = pd.Series(
        [None if pd.isna(v) or str(v).strip() == "" else str(v) for v in cur],
        index=accounts.index,
        dtype=object,
    )
    for col in (
        "lat",
        "lon",
        "potential",
        "workload",
        *(["bookings"] if "bookings" in balance else []),
    ):
        accounts[col] = accounts[col].astype(float)
    for col in ("home_lat", "home_lon", "fte"):
        reps[col] = reps[col].astype(float)
    return accounts, reps


def _check_spec(spec: AlignmentSpec) -> None:
    caller = "align_territories"
    if not spec.balance:
        raise param_error(
            "balance", caller, f"a non-empty subset of {BALANCE_METRICS}", spec.balance
        )
    for m in spec.balance:
        if m not in BALANCE_METRICS:
            raise param_error("balance", caller, f"a subset of {BALANCE_METRICS}", spec.balance)
        tol = spec.tolerance_for(m)
        if not 0 <= tol < 10:
            raise param_error("tolerance", caller, "a number in [0, 10)", spec.tolerance)
    if spec.weight not in WEIGHTS:
        raise param_error("weight", caller, f"one of {WEIGHTS}", spec.weight)
    if spec.max_disruption is not None and not 0 <= spec.max_disruption <= 1:
        raise param_error(
            "max_disruption", caller, "a share in [0, 1] or None", spec.max_disruption
        )
    if spec.disruption_basis not in DISRUPTION_BASES:
        raise param_error(
            "disruption_basis", caller, f"one of {DISRUPTION_BASES}", spec.disruption_basis
        )
    if spec.k_nearest is not None and spec.k_nearest < 1:
        raise param_error("k_nearest", caller, "a positive integer or None", spec.k_nearest)
    if spec.max_distance_km is not None and spec.max_distance_km <= 0:
        raise param_error(
            "max_distance_km", caller, "a positive number of km or None", spec.max_distance_km
        )
    if spec.move_penalty < 0 or spec.balance_penalty < 0:
        raise param_error(
            "move_penalty/balance_penalty",
            caller,
            ">= 0",
            (spec.move_penalty, spec.balance_penalty),
        )


def metric_values(accounts: pd.DataFrame, metric: str) -> np.ndarray:
    """Per-account values of a balance metric (``accounts`` counts 1 per account)."""
    if metric == "accounts":
        return np.ones(len(accounts))
    return accounts[metric].to_numpy(dtype=float)


def rep_targets(
    accounts: pd.DataFrame, reps: pd.DataFrame, spec: AlignmentSpec
) -> dict[str, np.ndarray]:
    """Per-rep target of each balanced metric.

    The metric's total is split in proportion to ``spec.rep_share`` (default: each rep's
    ``fte``; a ramping rep at 0.5 gets half a territory), unless ``spec.targets`` sets them.
    """
    rep_ids = reps["rep_id"].tolist()
    if spec.rep_share is not None:
        missing = [r for r in rep_ids if r not in spec.rep_share]
        if missing:
            raise InputDataError(
                f"rep_share has no value for rep(s) {missing[:5]}", source="rep_share"
            )
        share = np.array([float(spec.rep_share[r]) for r in rep_ids])
    else:
        share = reps["fte"].to_numpy(dtype=float)
    if share.sum() <= 0:
        raise InputDataError(
            [
                Problem(
                    "reps.csv",
                    "the reps' total fte (capacity share) is 0; no territory can take accounts",
                    column="fte",
                )
            ]
        )
    share = share / share.sum()
    out = {}
    for m in spec.balance:
        if spec.targets is not None and m in spec.targets:
            given = spec.targets[m]
            missing = [r for r in rep_ids if r not in given]
            if missing:
                raise InputDataError(
                    f"targets[{m!r}] has no value for rep(s) {missing[:5]}", source="targets"
                )
            out[m] = np.array([float(given[r]) for r in rep_ids])
        else:
            total = metric_values(accounts, m).sum()
            if total <= 0:
                raise InputDataError([_nothing_to_balance(m)])
            out[m] = total * share
    return out


def _nothing_to_balance(metric: str) -> Problem:
    """Why a metric that sums to zero cannot be balanced (its spread would be 0/0)."""
    return Problem(
        "accounts.csv",
        "is 0 for every account, so territories cannot be balanced on it; fill it in "
        "or balance on another metric",
        column=metric,
    )


def prepare_alignment(
    accounts: pd.DataFrame, reps: pd.DataFrame, spec: AlignmentSpec | None = None, **options
) -> AlignmentInputs:
    """Validate the tables and build the candidate arcs of an alignment.

    Parameters
    ----------
    accounts, reps : pandas.DataFrame
        Tables in the schema of :mod:`spm_models.data.schema`.
    spec : AlignmentSpec, optional
        The run's choices; keyword ``options`` build one when omitted.

    Returns
    -------
    AlignmentInputs
    """
    if spec is None:
        spec = AlignmentSpec(**_normalise_options(options))
    elif options:
        raise TypeError("pass either spec or keyword options, not both")
    _check_spec(spec)
    accounts, reps = validate_alignment_tables(accounts, reps, balance=spec.balance)
    n, r = len(accounts), len(reps)
    rep_pos = {rid: i for i, rid in enumerate(reps["rep_id"])}
    acc_pos = {aid: i for i, aid in enumerate(accounts["account_id"])}
    current = np.array(
        [rep_pos[c] if c is not None else -1 for c in accounts["current_rep_id"]], dtype=np.int64
    )

    problems: list[Problem] = []

    def pairs(name: str, values: Iterable[tuple[str, str]]) -> list[tuple[int, int]]:
        out = []
        for k, pair in enumerate(values, start=1):
            try:
                a, rr = pair
            except (TypeError, ValueError):
                problems.append(
                    Problem(name, f"entry {k} must be an (account_id, rep_id) pair; got {pair!r}")
                )
                continue
            if str(a) not in acc_pos:
                problems.append(Problem(name, f"entry {k} names unknown account {a!r}"))
            elif str(rr) not in rep_pos:
                problems.append(Problem(name, f"entry {k} names unknown rep {rr!r}"))
            else:
                out.append((acc_pos[str(a)], rep_pos[str(rr)]))
        return out

    forbidden = pairs("forbidden", spec.forbidden)
    extra = pairs("extra_pairs", spec.extra_pairs)
    mandatory = pairs("mandatory", spec.mandatory)
    locked_pos = set()
    for a in spec.locked:
        if str(a) not in acc_pos:
            problems.append(Problem("locked", f"names unknown account {a!r}"))
            continue
        locked_pos.add(acc_pos[str(a)])
    if spec.lock_regions:
        if "region" not in accounts.columns:
            problems.append(Problem("accounts.csv", "is needed to lock regions", column="region"))
        else:
            known = set(accounts["region"].astype(str))
            for reg in spec.lock_regions:
                if reg not in known:
                    problems.append(Problem("lock_regions", f"names unknown region {reg!r}"))
            mask = accounts["region"].astype(str).isin([str(x) for x in spec.lock_regions])
            locked_pos.update(np.flatnonzero(mask.to_numpy()).tolist())
    for a in sorted(locked_pos):
        if current[a] < 0:
            problems.append(
                Problem(
                    "locked",
                    "cannot be locked: it has no current rep",
                    key=f"account_id={accounts['account_id'].iloc[a]!r}",
                )
            )
    if problems:
        raise InputDataError(problems)

    lat = accounts["lat"].to_numpy()
    lon = accounts["lon"].to_numpy()
    hlat = reps["home_lat"].to_numpy()
    hlon = reps["home_lon"].to_numpy()
    k = r if spec.k_nearest is None else min(spec.k_nearest, r)
    near_idx, _ = nearest_k(lat, lon, hlat, hlon, k)
    extra_item = [np.flatnonzero(current >= 0)]
    extra_agent = [current[current >= 0]]
    if spec.k_nearest is not None and k < r and spec.rep_reach:
        ri, ra = _reverse_candidates(
            lat,
            lon,
            hlat,
            hlon,
            metric_values(accounts, spec.balance[0]),
            rep_targets(accounts, reps, spec)[spec.balance[0]] * spec.rep_reach,
        )
        extra_item.append(ri)
        extra_agent.append(ra)
    for given in (mandatory, extra):
        if given:
            gi, ga = np.array(given).T
            extra_item.append(gi)
            extra_agent.append(ga)
    items = np.concatenate([np.repeat(np.arange(n), k), *extra_item])
    agents = np.concatenate([near_idx.ravel(), *extra_agent])
    key = np.unique(items * r + agents)
    arc_item = key // r
    arc_agent = key % r
    dist = haversine_km(lat[arc_item], lon[arc_item], hlat[arc_agent], hlon[arc_agent])
    is_current = arc_agent == current[arc_item]
    arc_index = {int(kk): j for j, kk in enumerate(key)}

    weight = np.ones(n) if spec.weight == "none" else accounts[spec.weight].to_numpy(dtype=float)
    cost = weight[arc_item] * dist
    has_current = current[arc_item] >= 0
    moved = has_current & ~is_current
    cost = cost + spec.move_penalty * moved
    basis = (
        accounts["potential"].to_numpy(dtype=float)
        if spec.disruption_basis == "potential"
        else np.ones(n)
    )
    moved_weight = np.where(moved, basis[arc_item], 0.0)

    fixed: dict[str, np.ndarray] = {}
    banned: dict[str, np.ndarray] = {}
    if locked_pos:
        lk = np.array(sorted(locked_pos))
        fixed["lock"] = np.array([arc_index[int(a * r + current[a])] for a in lk])
    if mandatory:
        fixed["mandatory"] = np.array(sorted({arc_index[a * r + b] for a, b in mandatory}))
    if forbidden:
        present = sorted({arc_index[a * r + b] for a, b in forbidden if a * r + b in arc_index})
        if present:
            banned["forbidden"] = np.array(present)
    if spec.max_distance_km is not None:
        far = np.flatnonzero(dist > spec.max_distance_km)
        if far.size:
            banned["max_distance"] = far

    arcs = pd.DataFrame(
        {
            "item": arc_item,
            "agent": arc_agent,
            "account_id": accounts["account_id"].to_numpy()[arc_item],
            "rep_id": reps["rep_id"].to_numpy()[arc_agent],
            "distance_km": dist,
            "is_current": is_current,
            "cost": cost,
            "moved_weight": moved_weight,
        }
    )
    metrics = {m: metric_values(accounts, m) for m in spec.balance}
    targets = rep_targets(accounts, reps, spec)
    cap = None
    if spec.max_disruption is not None:
        total = float(basis[current >= 0].sum())
        cap = spec.max_disruption * total
    pruned = r - np.bincount(arc_item, minlength=n)
    return AlignmentInputs(
        accounts=accounts,
        reps=reps,
        spec=spec,
        arcs=arcs,
        metrics=metrics,
        targets=targets,
        current=current,
        fixed=fixed,
        banned=banned,
        disruption_cap=cap,
        pruned_reps=pruned,
    )


def _reverse_candidates(
    lat: np.ndarray,
    lon: np.ndarray,
    hlat: np.ndarray,
    hlon: np.ndarray,
    value: np.ndarray,
    reach: np.ndarray,
    chunk: int = 50,
) -> tuple[np.ndarray, np.ndarray]:
    """For each rep, its nearest accounts until their ``value`` adds up to ``reach``."""
    from spm_models.territory.geo import distance_matrix_km

    items, agents = [], []
    for s in range(0, len(hlat), chunk):
        d = distance_matrix_km(hlat[s : s + chunk], hlon[s : s + chunk], lat, lon)
        order = np.argsort(d, axis=1)
        cum = np.cumsum(value[order], axis=1)
        for row in range(d.shape[0]):
            need = reach[s + row]
            if need <= 0:
                continue
            cnt = int(np.searchsorted(cum[row], need)) + 1
            items.append(order[row, :cnt])
            agents.append(np.full(min(cnt, len(lat)), s + row))
    if not items:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(items), np.concatenate(agents)


def _normalise_options(options: dict) -> dict:
    """Accept lists, DataFrames and single strings where the spec holds tuples."""
    out = dict(options)
    if isinstance(out.get("balance"), str):
        out["balance"] = (out["balance"],)
    for key in ("balance", "locked", "lock_regions"):
        if key in out and out[key] is not None:
            out[key] = tuple(str(v) for v in out[key])
    for key in ("forbidden", "mandatory", "extra_pairs"):
        val = out.get(key)
        if isinstance(val, pd.DataFrame):
            out[key] = tuple(
                zip(val["account_id"].astype(str), val["rep_id"].astype(str), strict=True)
            )
        elif val is not None:
            out[key] = tuple((str(a), str(b)) for a, b in val)
    return out
