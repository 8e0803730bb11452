"""Interactive re-solves start from the previous answer and say what they proved."""

from __future__ import annotations

from spm_models.data.sample import generate_company
from spm_models.territory.resolve import InteractiveAligner


def test_a_loosening_move_starts_from_the_last_answer_and_is_never_worse() -> None:
    company = generate_company(seed=7, n_accounts=300, n_reps=8)
    aligner = InteractiveAligner(
        company.accounts, company.reps, options={"k_nearest": None}, time_limit=20
    )
    tight = aligner.solve(balance=["workload"], tolerance=0.05, max_disruption=0.2)
    assert aligner._previous is not None
    assert aligner._previous.equals(tight.result.assignment.set_index("account_id")["new_rep_id"])
    loose = aligner.solve(balance=["workload"], tolerance=0.10, max_disruption=0.3)
    # The tight answer is feasible at the looser settings and was the first incumbent.
    assert loose.result.objective <= tight.result.objective + 1e-6
    assert len(aligner.seconds) == 2
    caption = aligner.caption(loose)
    assert "accounts moved" in caption and caption.endswith(" s")
    assert ("proven optimal" in caption) or ("of the best possible" in caption)
