"""Readers for OR-Library benchmark files, mapped onto the assignment model.

* Generalized assignment problems (``gap1.txt`` ... ``gapd.txt``): the number of problems,
  then per problem ``m n``, the ``m x n`` cost (or profit) matrix, the ``m x n`` resource
  matrix and the ``m`` agent capacities. Each job goes to exactly one agent; each agent's
  resource use stays within its capacity. It is the territory model with one capacity
  resource whose use depends on the agent, so it runs through the same model code.
* Capacitated p-median problems in the ``pmedcap1`` layout: per problem a line ``k best``, a
  line ``n p Q``, then ``n`` lines ``id x y demand``.
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
    capacity : float
        Capacity of every centre.
    best_known : float or None
        The best value the file states.
    """

    name: str
    x: np.ndarray
    y: np.ndarray
    demand: np.ndarray
    p: int
    capacity: float
    best_known: float | None = None

    @property
    def n(self) -> int:
        """Number of customers."""
        return len(self.x)

    def distances(self) -> np.ndarray:
        """Floored Euclidean distance matrix (customers x candidate centres)."""
        dx = self.x[:, None] - self.x[None, :]
        dy = self.y[:, None] - self.y[None, :]
        return np.floor(np.sqrt(dx * dx + dy * dy))


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
