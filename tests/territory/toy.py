"""Hand-made accounts and reps on the equator, where one degree of longitude is 111.195 km."""

from __future__ import annotations

import math

import pandas as pd

KM_PER_DEGREE = 6371.0088 * math.pi / 180


def line_company(
    account_lons: list[float],
    rep_lons: list[float],
    *,
    workload: list[float] | None = None,
    potential: list[float] | None = None,
    current: list[str | None] | None = None,
    fte: list[float] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Accounts ``A1..An`` and reps ``R1..Rm`` on the equator at the given longitudes."""
    n, m = len(account_lons), len(rep_lons)
    accounts = pd.DataFrame(
        {
            "account_id": [f"A{i + 1}" for i in range(n)],
            "lat": [0.0] * n,
            "lon": account_lons,
            "region": ["West" if x < 0.5 else "East" for x in account_lons],
            "segment": ["smb"] * n,
            "potential": potential or [1000.0] * n,
            "workload": workload or [1.0] * n,
            "current_rep_id": current or [None] * n,
        }
    )
    reps = pd.DataFrame(
        {
            "rep_id": [f"R{j + 1}" for j in range(m)],
            "home_lat": [0.0] * m,
            "home_lon": rep_lons,
            "region": ["West" if x < 0.5 else "East" for x in rep_lons],
            "status": ["active"] * m,
            "fte": fte or [1.0] * m,
        }
    )
    return accounts, reps


def km(degrees: float) -> float:
    """Kilometres along the equator."""
    return degrees * KM_PER_DEGREE
