"""The workbench's one family of exceptions, each carrying structured fields."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


class SpmError(Exception):
    """Base class of every error the workbench raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file or table.

    Attributes
    ----------
    source : str
        The file (or table) name, e.g. ``"accounts.csv"``.
    message : str
        What is wrong, e.g. ``"must be >= 0; got -5"``.
    column : str or None
        The column concerned, when there is one.
    row : int or None
        1-based data row (the header is not counted), when there is one.
    key : str or None
        The row's key, e.g. ``"account_id='A042'"``.
    """

    source: str
    message: str
    column: str | None = None
    row: int | None = None
    key: str | None = None

    def __str__(self) -> str:
        where = self.source
        if self.column is not None:
            where += f": column {self.column!r}"
        text = f"{where}: {self.message}" if self.column is None else f"{where} {self.message}"
        if self.row is not None:
            text += f" at row {self.row}"
        if self.key:
            text += f" ({self.key})"
        return text


class InputDataError(SpmError, ValueError):
    """Input data is invalid; carries every problem found, not only the first."""

    def __init__(self, problems: Sequence[Problem] | str, *, source: str = "input") -> None:
        if isinstance(problems, str):
            problems = [Problem(source=source, message=problems)]
        self.problems: list[Problem] = list(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} found in the input data:"
        super().__init__("\n".join([head, *(f"- {p}" for p in self.problems)]))


class ScenarioError(SpmError, ValueError):
    """A scenario file is invalid or a scenario run failed.

    Attributes
    ----------
    scenario : str
        The scenario's name (or file name when it could not be read).
    problems : list of str
        Every problem found, each naming the file and key.
    cell : int or None
        For a failed run, the index of the notebook cell that failed.
    """

    def __init__(
        self,
        scenario: str,
        problems: Sequence[str] | str,
        *,
        cell: int | None = None,
        notebook: str | None = None,
    ) -> None:
        self.scenario = scenario
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.cell = cell
        self.notebook = notebook
        lines = [f"scenario {scenario!r}: {p}" for p in self.problems]
        super().__init__("\n".join(lines))


@dataclass
class InfeasibleModelError(SpmError):
    """An optimisation model has no feasible solution.

    Attributes
    ----------
    model : str
        Which model, e.g. ``"territory alignment"``.
    family : str
        The constraint family that blocks, e.g. ``"balance_workload"``.
    reason : str
        Why, in plain words and figures.
    relaxation : str or None
        A relaxation that would make the model feasible, when one was found.
    details : dict
        Machine-readable figures (e.g. the smallest feasible tolerance).
    """

    model: str
    family: str
    reason: str
    relaxation: str | None = None
    details: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        text = f"{self.model} is infeasible: {self.family}: {self.reason}"
        if self.relaxation:
            text += f". Suggested relaxation: {self.relaxation}"
        super().__init__(text)

    def __str__(self) -> str:
        return self.args[0]


class NotFittedError(SpmError, AttributeError):
    """A model's ``predict`` (or similar) was called before ``fit``."""

    def __init__(self, estimator: str) -> None:
        self.estimator = estimator
        super().__init__(
            f"This {estimator} instance is not fitted yet. Call 'fit' with appropriate "
            "arguments before using this estimator."
        )


def param_error(param: str, caller: str, constraint: str, value: object) -> ValueError:
    """Build a scikit-learn-style message for a bad parameter value.

    Returns an exception (to be raised by the caller) reading
    ``The 'param' parameter of caller must be constraint. Got value instead.``
    """
    return ValueError(
        f"The {param!r} parameter of {caller} must be {constraint}. Got {value!r} instead."
    )
