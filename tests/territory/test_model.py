"""Model building: named constraints for every family, counts, no solving."""

from __future__ import annotations

import numpy as np
import pytest

from spm_models.territory import AlignmentSpec, build_alignment, prepare_alignment
from spm_models.territory.geo import haversine_km
from spm_models.territory.model import row_family, to_pulp
from tests.territory.toy import KM_PER_DEGREE, line_company


def test_haversine_known_values() -> None:
    assert float(haversine_km(0, 0, 0, 1)) == pytest.approx(KM_PER_DEGREE, rel=1e-9)
    # Paris to London, about 344 km.
    assert float(haversine_km(48.8566, 2.3522, 51.5074, -0.1278)) == pytest.approx(343.5, abs=1)
    assert float(haversine_km(10, 20, 10, 20)) == 0.0


def test_every_family_is_a_named_row() -> None:
    accounts, reps = line_company(
        [0.0, 0.1, 0.2, 0.9, 1.0], [0.0, 1.0], current=["R1", "R1", "R1", "R2", "R2"]
    )
    spec = AlignmentSpec(
        balance=("workload", "accounts"),
        tolerance=0.5,
        max_disruption=0.4,
        locked=("A1",),
        forbidden=(("A2", "R2"),),
        mandatory=(("A4", "R2"),),
        max_distance_km=100.0,
        k_nearest=None,
    )
    model = build_alignment(prepare_alignment(accounts, reps, spec))
    names = model.linear.row_names
    counts = model.linear.family_counts()
    assert counts["assign_once"] == 5
    assert counts["balance"] == 2 * 2 * 2  # two metrics, min and max, two reps
    assert {"workload_max_R1", "workload_min_R2", "accounts_max_R2", "lock_A1"} <= set(names)
    assert "forbidden_A2_R2" in names and "mandatory_A4_R2" in names
    assert "disruption_cap" in names
    # Accounts farther than 100 km from a rep get a named max-distance row for that pair.
    assert "max_distance_A1_R2" in names and "max_distance_A5_R1" in names
    assert "max_distance_A3_R2" not in names  # 89 km
    assert model.linear.n_cols == 10  # every account-rep pair, no pruning
    assert {row_family(n) for n in names} == {
        "assign_once",
        "balance",
        "lock",
        "mandatory",
        "forbidden",
        "max_distance",
        "disruption_cap",
    }


def test_pulp_translation_keeps_names_and_size() -> None:
    accounts, reps = line_company([0.0, 0.4, 1.0], [0.0, 1.0])
    model = build_alignment(prepare_alignment(accounts, reps, tolerance=0.5, k_nearest=None))
    prob, xs = to_pulp(model.linear)
    assert len(xs) == model.linear.n_cols
    for name in ("assign_once_A1", "workload_max_R1", "workload_min_R2"):
        assert prob.get_constraint_by_name(name) is not None


def test_pruning_keeps_k_nearest_and_current_rep() -> None:
    accounts, reps = line_company([0.0, 0.5, 1.0], [0.0, 0.45, 1.0], current=["R3", None, None])
    inputs = prepare_alignment(accounts, reps, tolerance=5.0, k_nearest=1, rep_reach=None)
    arcs = inputs.arcs
    # A1: nearest R1 plus its current rep R3; A2: nearest R2; A3: nearest R3.
    got = sorted(zip(arcs["account_id"], arcs["rep_id"], strict=True))
    assert got == [("A1", "R1"), ("A1", "R3"), ("A2", "R2"), ("A3", "R3")]
    assert inputs.pruned_reps.tolist() == [1, 2, 2]
    assert np.isclose(arcs["distance_km"].iloc[1], KM_PER_DEGREE)
