"""What the runner tells the terminal: one line per notebook, with the time left estimated.

With ``--jobs 2`` lines of two scenarios interleave, so every line starts with its scenario.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path


def log(message: str) -> None:
    """Print one progress line to stderr at once (lines of parallel workers never mix).

    The line and its newline go in a single write: ``print`` writes them separately, and
    with unbuffered output (``PYTHONUNBUFFERED``) two workers' writes then interleave into
    one joined line and one empty line.
    """
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def estimate_left(
    done: Mapping[str, float],
    remaining: Sequence[str],
    previous: Mapping[str, float] | None = None,
) -> float | None:
    """Seconds the ``remaining`` notebooks should still take.

    A notebook timed in the scenario's last good run counts with that time, scaled by how
    this run compares with that one so far; any other counts with the mean of the notebooks
    done in this run.

    Parameters
    ----------
    done : mapping
        ``{notebook: seconds}`` of the notebooks finished in this run.
    remaining : sequence of str
        The notebooks still to run.
    previous : mapping, optional
        ``{notebook: seconds}`` from the last good run of the scenario.

    Returns
    -------
    float or None
        ``0.0`` when nothing remains; ``None`` when there is nothing to estimate from.
    """
    if not remaining:
        return 0.0
    previous = dict(previous or {})
    both = [n for n in done if previous.get(n, 0) > 0]
    pace = sum(done[n] for n in both) / sum(previous[n] for n in both) if both else 1.0
    mean = sum(done.values()) / len(done) if done else None
    total = 0.0
    for name in remaining:
        if previous.get(name, 0) > 0:
            total += previous[name] * pace
        elif mean is not None:
            total += mean
        else:
            return None
    return total


def duration(seconds: float | None) -> str:
    """``"8 s"``, ``"2 min 05 s"``, ``"1 h 02 min"``; ``"unknown"`` for None."""
    if seconds is None:
        return "unknown"
    whole = round(seconds)
    if whole < 60:
        return f"{seconds:.1f} s" if seconds < 10 else f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def notebook_line(
    scenario: str,
    notebook: str,
    position: int,
    count: int,
    seconds: float,
    elapsed: float,
    left: float | None,
) -> str:
    """The line printed when one notebook of a scenario has run.

    Examples
    --------
    >>> notebook_line("tiny", "10_territory_alignment", 2, 7, 12.4, 20.0, 65.0)
    'tiny: 10_territory_alignment done in 12 s (2/7; 20 s elapsed, about 1 min 05 s left)'
    """
    rest = "done" if position == count else f"about {duration(left)} left"
    if left is None and position < count:
        rest = "time left unknown"
    return (
        f"{scenario}: {notebook} done in {duration(seconds)} "
        f"({position}/{count}; {duration(elapsed)} elapsed, {rest})"
    )


def previous_timings(report_dir: Path, stamp_file: str = "stamp.json") -> dict[str, float]:
    """``{notebook: seconds}`` recorded by the scenario's last good run (empty when none)."""
    try:
        stamp = json.loads((report_dir / stamp_file).read_text())
    except (OSError, json.JSONDecodeError):
        return {}
    timings = stamp.get("notebook_seconds") if isinstance(stamp, dict) else None
    if not isinstance(timings, dict):
        return {}
    return {str(k): float(v) for k, v in timings.items() if isinstance(v, int | float)}


def read_warnings(folder: Path) -> tuple[str, ...]:
    """The plausibility warnings a run recorded in ``warnings.json``, one sentence each."""
    try:
        records = json.loads((folder / "warnings.json").read_text())
    except (OSError, json.JSONDecodeError):
        return ()
    if not isinstance(records, list):
        return ()
    out = []
    for record in records:
        if isinstance(record, dict) and record.get("text"):
            where = f"{record['notebook']}: " if record.get("notebook") else ""
            out.append(f"{where}{record['text']}")
    return tuple(out)
