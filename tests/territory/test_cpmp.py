"""Capacitated p-median: the exact solve path and the 'n p' + 'x y capacity demand' reader."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import numpy as np
import pytest

from spm_models.cli import main
from spm_models.errors import InputDataError
from spm_models.territory import SolveStatus, pmedcap_model
from spm_models.territory.gap_instances import read_cpmp_file, read_lorena_senne_file
from spm_models.territory.pmedian import build_pmedian, open_sites
from spm_models.territory.pmedian_solve import _columns, lp_guided_search, solve_pmedian_exact
from spm_models.territory.solve import solve_linear

pytestmark = pytest.mark.solver

# Five points, p = 2. Left: P1 (0,0), P2 (3,4), P5 (0,1), capacity 2 each; right: P3 (20,0),
# P4 (20,2), capacity 3 each; every demand 1. Two left centres hold only 4 of 5, so one
# centre is on the right and one left point must cross. Best: centre P1 (or P5) takes P1 and
# P5 (distance 1), centre P4 takes P3 (2) and P2 (sqrt(17^2 + 2^2) = sqrt(293)). Any other
# split costs more (P2 kept left and P1 crossing: 4.24 + 20 + 2). Optimum 3 + sqrt(293).
LORENA = """5 2
0 0 2 1
3 4 2 1
20 0 3 1
20 2 3 1
0 1 2 1
"""
OPTIMUM = 3 + math.sqrt(293)


def _write(tmp_path: Path, text: str, name: str = "ls_hand.txt") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_lorena_senne_hand_instance(tmp_path: Path) -> None:
    (inst,) = read_cpmp_file(_write(tmp_path, LORENA))
    assert (inst.n, inst.p, inst.floor_distances) == (5, 2, False)
    assert inst.capacity.tolist() == [2, 2, 3, 3, 2]
    model = pmedcap_model(inst)
    out = solve_pmedian_exact(model, time_limit=20)
    assert out.status == SolveStatus.OPTIMAL
    assert out.objective == pytest.approx(OPTIMUM, abs=1e-6)
    assert out.bound == pytest.approx(OPTIMUM, abs=1e-5)
    sites = set(open_sites(model, out.x).tolist())
    assert sites in ({0, 3}, {3, 4})  # centre P4, and P1 or P5
    # The capacity binds: with room for three on the left, P2 stays left (4.24 + 1 + 2).
    roomy = inst.capacity.copy()
    roomy[[0, 1, 4]] = 3
    loose = build_pmedian(inst.distances(), inst.demand, 2, roomy)
    assert solve_pmedian_exact(loose, time_limit=20).objective == pytest.approx(
        3 + math.sqrt(18), abs=1e-6
    )


def test_bench_cpmp_reads_the_second_layout(tmp_path: Path, capsys) -> None:
    path = _write(tmp_path, LORENA)
    assert main(["bench", "cpmp", str(path), "--time-limit", "10"]) == 0
    (line,) = [json.loads(x) for x in capsys.readouterr().out.strip().splitlines()]
    assert line["instance"] == "ls_hand" and line["status"] == "optimal"
    assert line["objective"] == pytest.approx(OPTIMUM, abs=1e-5)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (
            "5 2\n0 0 2 1\n3 x 2 1\n20 0 3 1\n20 2 3 1\n0 1 2 1\n",
            r"line 3: y must be a number; got 'x'",
        ),
        (
            "5 2\n0 0 2 1\n3 4 2 1\n20 0 3 1\n20 2 3 1\n",
            "expected 5 point lines after line 1; found 4",
        ),
        ("5 7\n0 0 2 1\n3 4 2 1\n20 0 3 1\n20 2 3 1\n0 1 2 1\n", "line 1: p must be in 1..n"),
        (
            "5 2\n0 0 2 1\n3 4 2 1\n20 0 -3 1\n20 2 3 1\n0 1 2 1\n",
            "line 4: capacity must be >= 0; got '-3'",
        ),
        ("5 2.5\n0 0 2 1\n", "line 1: p must be a whole number; got '2.5'"),
        ("5 2\n0 0 2 1\n3 4 2\n20 0 3 1\n20 2 3 1\n0 1 2 1\n", "line 3: expected 4 numbers"),
    ],
)
def test_lorena_senne_format_errors(tmp_path: Path, text: str, match: str) -> None:
    path = _write(tmp_path, text, "broken.txt")
    with pytest.raises(InputDataError, match=r"broken\.txt") as info:
        read_lorena_senne_file(path)
    assert info.match(match)


def test_lp_guided_search_moves_the_centre_the_lp_points_at() -> None:
    # Points at 0, 1, 2 and 10, 11, 12 on a line, p = 2, room for everything at any centre.
    # The incumbent's centres 0 and 11 cost 3 + 2 = 5; the LP opens 1 and 11, cost 2 + 2 = 4.
    where = np.array([0.0, 1.0, 2.0, 10.0, 11.0, 12.0])
    cost = np.abs(where[:, None] - where[None, :])
    model = build_pmedian(cost, np.ones(6), 2, np.full(6, 6.0), integral_objective=True)
    lp = solve_linear(model.linear, relax=True, threads=1)
    assert set(open_sites(model, lp.x)) == {1, 4}
    incumbent = _columns(model, np.array([0, 4]), np.array([0, 0, 0, 4, 4, 4]))
    assert model.linear.evaluate(incumbent) == pytest.approx(5.0)
    better = lp_guided_search(model, lp.x, incumbent, until=time.perf_counter() + 10)
    assert better is not None and model.linear.max_violation(better) <= 1e-6
    assert model.linear.evaluate(better) == pytest.approx(4.0)
    assert set(open_sites(model, better)) == {1, 4}
    # Nothing is in dispute when the incumbent is the LP's own answer.
    assert lp_guided_search(model, lp.x, lp.x, until=time.perf_counter() + 10) is None
