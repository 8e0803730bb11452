"""The sample company's rep names are unique (pace tables list reps by name)."""

from __future__ import annotations

import numpy as np
import pytest

from spm_models.data import sample


def test_repeated_draws_move_to_the_next_free_surname() -> None:
    names = sample._unique_names(np.array([0, 0, 0, 1]), np.array([0, 0, 0, 0]))
    first, last = sample._FIRST, sample._LAST
    assert names == [
        f"{first[0]} {last[0]}",
        f"{first[0]} {last[1]}",
        f"{first[0]} {last[2]}",
        f"{first[1]} {last[0]}",
    ]


def test_more_reps_than_name_pairs_is_an_error() -> None:
    n = len(sample._FIRST) * len(sample._LAST) + 1
    with pytest.raises(ValueError, match="unique rep names"):
        sample._unique_names(np.zeros(n, dtype=int), np.zeros(n, dtype=int))


def test_staffed_reps_of_the_sample_have_unique_names(tiny_company) -> None:
    staffed = tiny_company.reps.loc[tiny_company.reps["status"] != "vacant", "rep_name"]
    assert staffed.is_unique
    big = sample.generate_company(seed=42, n_accounts=300, n_reps=60)
    staffed = big.reps.loc[big.reps["status"] != "vacant", "rep_name"]
    assert staffed.is_unique and len(staffed) > 50
