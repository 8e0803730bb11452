"""Readers for OR-Library benchmark files, mapped onto the assignment model.

* Generalized assignment problems (``gap1.txt`` ... ``gapd.txt``): the number of problems,
  then per problem ``m n``, the ``m x n`` cost (or profit) matrix, the ``m x n`` resource
  matrix and the ``m`` agent capacities. Each job goes to exactly one agent; each agent's
  resource use stays within its capacity. It is the territory model with one capacity
  resource whose use depends on the agent, so it runs through the same model code.
* Capacitated p-median problems in the ``pmedcap1`` layout: per problem a line ``k best``, a
  line ``n p Q``, then ``n`` lines ``id x y demand`` (floored Euclidean distances);
* capacitated p-median problems in the layout of the Lorena-Senne and Stefanello sets: a
  line ``n p``, then ``n`` lines ``x y capacity demand`` (real Euclidean distances, one
  capacity per point as a candidate centre). :func:`read_cpmp_file` tells the two apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from spm_models.errors import InputDataError, Problem
from spm_models.territory.model import AssignmentModel, Resource, build_assignment


@dataclass(frozen=True)
class GapInstance:
    """One generalized assignment problem.

    Attributes
    ----------
    name : str
        ``"<file stem>-<problem number>"``, e.g. ``"gap1-1"``.
    cost : numpy.ndarray
        ``m x n`` cost or profit of giving job ``j`` to agent ``i``.
    usage : numpy.ndarray
        ``m x n`` resource the job uses on that agent.
    capacity : numpy.ndarray
        ``m`` agent capacities.
    """

    name: str
    cost: np.ndarray
    usage: np.ndarray
    capacity: np.ndarray

    @property
    def m(self) -> int:
        """Number of agents."""
        return self.cost.shape[0]

    @property
    def n(self) -> int:
        """Number of jobs."""
        return self.cost.shape[1]


@dataclass(frozen=True)
class PmedcapInstance:
    """One capacitated p-median problem.

    Attributes
    ----------
    name : str
        Instance name.
    x, y, demand : numpy.ndarray
        Customer coordinates and demands.
    p : int
        Number of centres to open.
    capacity : float or numpy.ndarray
        Capacity of every centre, or of each point as a centre.
    best_known : float or None
        The best value the file states.
    floor_distances : bool
        Whether distances are floored to integers (OR-Library) or kept real.
    """

    name: str
    x: np.ndarray
    y: np.ndarray
    demand: np.ndarray
    p: int
    capacity: float | np.ndarray
    best_known: float | None = None
    floor_distances: bool = True

    @property
    def n(self) -> int:
        """Number of customers."""
        return len(self.x)

    def distances(self) -> np.ndarray:
        """Euclidean distance matrix (customers x candidate centres), floored if so stated."""
        dx = self.x[:, None] - self.x[None, :]
        dy = self.y[:, None] - self.y[None, :]
        dist = np.sqrt(dx * dx + dy * dy)
        return np.floor(dist) if self.floor_distances else dist


def _numbers(path: Path) -> list[float]:
    try:
        text = Path(path).read_text()
    except OSError as exc:
        raise InputDataError(f"cannot read the file: {exc}", source=str(path)) from exc
    try:
        return [float(tok) for tok in text.split()]
    except ValueError as exc:
        raise InputDataError(f"expected only numbers: {exc}", source=str(path)) from exc


def read_gap_file(path: str | Path) -> list[GapInstance]:
    """Read every problem of an OR-Library generalized assignment file.

    Parameters
    ----------
    path : str or Path
        E.g. ``gap1.txt``.

    Returns
    -------
    list of GapInstance

    Raises
    ------
    InputDataError
        When the file is truncated or malformed (names the file and problem).
    """
    path = Path(path)
    nums = _numbers(path)
    if not nums:
        raise InputDataError("the file is empty", source=path.name)
    pos = 1
    count = int(nums[0])
    out = []
    for k in range(1, count + 1):
        if pos + 2 > len(nums):
            raise InputDataError(
                [Problem(path.name, f"problem {k}: missing the 'm n' header (file truncated)")]
            )
        m, n = int(nums[pos]), int(nums[pos + 1])
        pos += 2
        need = 2 * m * n + m
        if m <= 0 or n <= 0 or pos + need > len(nums):
            raise InputDataError(
                [
                    Problem(
                        path.name,
                        f"problem {k}: expected {need} numbers for m={m}, n={n}; "
                        f"found {len(nums) - pos}",
                    )
                ]
            )
        cost = np.array(nums[pos : pos + m * n]).reshape(m, n)
        pos += m * n
        usage = np.array(nums[pos : pos + m * n]).reshape(m, n)
        pos += m * n
        cap = np.array(nums[pos : pos + m])
        pos += m
        out.append(GapInstance(f"{path.stem}-{k}", cost, usage, cap))
    return out


def gap_model(instance: GapInstance, sense: str) -> AssignmentModel:
    """Build the assignment model of a generalized assignment problem.

    Parameters
    ----------
    instance : GapInstance
        The problem.
    sense : {"max", "min"}
        ``"max"`` for gap1-gap12 (profits), ``"min"`` for gapa-gapd (costs).
    """
    m, n = instance.m, instance.n
    agent, job = np.meshgrid(np.arange(m), np.arange(n), indexing="ij")
    arc_agent = agent.ravel()
    arc_item = job.ravel()
    integral = bool(np.all(np.equal(np.mod(instance.cost, 1), 0)))
    return build_assignment(
        item_ids=[f"J{j + 1}" for j in range(n)],
        agent_ids=[f"G{i + 1}" for i in range(m)],
        arc_item=arc_item,
        arc_agent=arc_agent,
        arc_cost=instance.cost.ravel(),
        resources=[
            Resource(
                "capacity",
                instance.usage.ravel(),
                lower=np.full(m, -np.inf),
                upper=instance.capacity.astype(float),
            )
        ],
        sense=sense,
        name=instance.name,
        integral_objective=integral,
    )


def read_pmedcap_file(path: str | Path) -> list[PmedcapInstance]:
    """Read capacitated p-median problems in the OR-Library ``pmedcap1`` layout.

    The file holds one or more problems, each: ``k best``, ``n p Q``, then ``n`` lines
    ``id x y demand``. (OR-Library's ``pmedcap1.txt`` starts with the number of problems;
    a leading count line is accepted when the numbers add up.)
    """
    path = Path(path)
    nums = _numbers(path)
    out: list[PmedcapInstance] = []
    pos = 0
    # Optional leading problem count: try the layout without it first.
    if _pmedcap_fits(nums, 0):
        pos = 0
    elif len(nums) > 1 and _pmedcap_fits(nums, 1):
        pos = 1
    else:
        raise InputDataError(
            [
                Problem(
                    path.name,
                    "does not follow the pmedcap layout: 'k best', 'n p Q', then n "
                    "lines 'id x y demand'",
                )
            ]
        )
    while pos < len(nums):
        k, best = nums[pos], nums[pos + 1]
        n, p, cap = int(nums[pos + 2]), int(nums[pos + 3]), nums[pos + 4]
        pos += 5
        block = np.array(nums[pos : pos + 4 * n]).reshape(n, 4)
        pos += 4 * n
        if p < 1 or p > n:
            raise InputDataError([Problem(path.name, f"problem {int(k)}: p={p} must be in 1..{n}")])
        out.append(
            PmedcapInstance(
                name=f"{path.stem}-{int(k)}",
                x=block[:, 1],
                y=block[:, 2],
                demand=block[:, 3],
                p=p,
                capacity=float(cap),
                best_known=float(best),
            )
        )
    return out


def _pmedcap_fits(nums: list[float], pos: int) -> bool:
    while pos < len(nums):
        if pos + 5 > len(nums):
            return False
        n = int(nums[pos + 2])
        if n <= 0:
            return False
        pos += 5 + 4 * n
    return pos == len(nums)


def read_cpmp_file(path: str | Path) -> list[PmedcapInstance]:
    """Read a capacitated p-median file in either common layout (told apart by its shape).

    A file whose first line holds two numbers and whose second holds four (``n p``, then
    ``x y capacity demand``) is read by :func:`read_lorena_senne_file`; anything else by
    :func:`read_pmedcap_file` (whose first lines are ``k best`` and ``n p Q``).
    """
    path = Path(path)
    lines = _data_lines(path)
    shape = [len(line.split()) for _, line in lines[:2]]
    if shape == [2, 4]:
        return [read_lorena_senne_file(path)]
    return read_pmedcap_file(path)


def _data_lines(path: Path) -> list[tuple[int, str]]:
    """Non-blank lines of a file with their 1-based line numbers."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise InputDataError(f"cannot read the file: {exc}", source=str(path)) from exc
    return [(k, line) for k, line in enumerate(text.splitlines(), start=1) if line.strip()]


def read_lorena_senne_file(path: str | Path) -> PmedcapInstance:
    """Read one capacitated p-median problem: ``n p``, then ``n`` lines ``x y capacity demand``.

    Distances are real (not floored) Euclidean distances between the points; every point is
    a candidate centre with its own capacity.

    Raises
    ------
    InputDataError
        Naming the file, line, field and value of the first problem found.
    """
    path = Path(path)
    lines = _data_lines(path)
    if not lines:
        raise InputDataError([Problem(path.name, "the file is empty")])
    first_no, first = lines[0]
    head = first.split()
    if len(head) != 2:
        raise InputDataError(
            [Problem(path.name, f"line {first_no}: expected 'n p'; got {first.strip()!r}")]
        )
    n = _integer(path, first_no, "n", head[0])
    p = _integer(path, first_no, "p", head[1])
    if n < 1 or not 1 <= p <= n:
        raise InputDataError(
            [Problem(path.name, f"line {first_no}: p must be in 1..n (n={n}); got p={p}")]
        )
    body = lines[1:]
    if len(body) != n:
        raise InputDataError(
            [
                Problem(
                    path.name, f"expected {n} point lines after line {first_no}; found {len(body)}"
                )
            ]
        )
    rows = np.empty((n, 4))
    fields = ("x", "y", "capacity", "demand")
    for r, (no, line) in enumerate(body):
        parts = line.split()
        if len(parts) != 4:
            raise InputDataError(
                [
                    Problem(
                        path.name,
                        f"line {no}: expected 4 numbers 'x y capacity demand'; got "
                        f"{len(parts)} ({line.strip()!r})",
                    )
                ]
            )
        for c, (name, tok) in enumerate(zip(fields, parts, strict=True)):
            rows[r, c] = _number(path, no, name, tok)
            if name in ("capacity", "demand") and rows[r, c] < 0:
                raise InputDataError(
                    [Problem(path.name, f"line {no}: {name} must be >= 0; got {tok!r}")]
                )
    return PmedcapInstance(
        name=path.stem,
        x=rows[:, 0],
        y=rows[:, 1],
        demand=rows[:, 3],
        p=p,
        capacity=rows[:, 2],
        best_known=None,
        floor_distances=False,
    )


def _number(path: Path, line: int, field: str, token: str) -> float:
    try:
        value = float(token)
    except ValueError:
        raise InputDataError(
            [Problem(path.name, f"line {line}: {field} must be a number; got {token!r}")]
        ) from None
    if not np.isfinite(value):
        raise InputDataError(
            [Problem(path.name, f"line {line}: {field} must be finite; got {token!r}")]
        )
    return value


def _integer(path: Path, line: int, field: str, token: str) -> int:
    value = _number(path, line, field, token)
    if value != int(value):
        raise InputDataError(
            [Problem(path.name, f"line {line}: {field} must be a whole number; got {token!r}")]
        )
    return int(value)
