"""Benchmark: generating the sample company (goal: 100,000 accounts in seconds, not minutes).

Run: .venv/bin/python benchmarks/sample_company.py
Prints the time for each size and the ratio to the default 5,000-account company, so the
figure is comparable across noisy machines.
"""

from __future__ import annotations

import time

from spm_models.data import generate_company
from spm_models.data.geography import zip_centroids


def main() -> None:
    zip_centroids()  # the ZIP table is read once per process; time the generator itself
    base = None
    for accounts, reps in ((5_000, 60), (20_000, 150), (100_000, 500)):
        clock = time.perf_counter()
        company = generate_company(seed=42, n_accounts=accounts, n_reps=reps)
        seconds = time.perf_counter() - clock
        base = base or seconds
        print(
            f"{accounts:>7,} accounts x {reps:>3} reps: {seconds:6.2f} s "
            f"({seconds / base:5.1f}x the 5,000-account company), "
            f"{len(company.bookings):,} booking rows, {len(company.opportunities):,} opportunities"
        )


if __name__ == "__main__":
    main()
