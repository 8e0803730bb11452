"""Quota relief when accounts move between territories.

A moved account takes its expected bookings with it: the losing rep's quota drops by that
amount (times the share of the year left after the move) and the gaining rep's quota rises
by the same, so the company total is unchanged.
"""

from __future__ import annotations

import pandas as pd

from spm_models.errors import InputDataError, Problem, param_error
from spm_models.quota.inputs import require_columns


def quota_relief(
    quotas: pd.DataFrame,
    assignment: pd.DataFrame,
    expected_bookings: pd.Series,
    *,
    year_fraction: float = 1.0,
) -> pd.DataFrame:
    """Move quota with the accounts that change territory.

    Parameters
    ----------
    quotas : DataFrame
        ``rep_id, quota`` before the move.
    assignment : DataFrame
        ``account_id, old_rep_id, new_rep_id``; rows where the two differ are moves
        (a ``moved`` column, when present, must agree).
    expected_bookings : Series
        Expected bookings in the plan year (USD) by ``account_id``; accounts absent count 0.
    year_fraction : float, default 1.0
        Share of the plan year left after the move takes effect.

    Returns
    -------
    DataFrame
        ``rep_id, quota_before, relief, added, quota`` (``relief`` is what moved out,
        ``added`` what moved in).
    """
    if not 0 <= year_fraction <= 1:
        raise param_error("year_fraction", "quota_relief", "in [0, 1]", year_fraction)
    require_columns(quotas, ["rep_id", "quota"], "quotas")
    require_columns(assignment, ["account_id", "old_rep_id", "new_rep_id"], "assignment.csv")
    moves = assignment.loc[
        assignment["old_rep_id"].fillna("") != assignment["new_rep_id"].fillna("")
    ].copy()
    if "moved" in assignment.columns:
        flagged = assignment["moved"].astype(bool)
        disagree = assignment.index[flagged != assignment.index.isin(moves.index)]
        if len(disagree):
            i = disagree[0]
            raise InputDataError(
                [
                    Problem(
                        source="assignment.csv",
                        column="moved",
                        message="must be true exactly when old_rep_id differs from new_rep_id",
                        row=int(i) + 1,
                        key=f"account_id={assignment.loc[i, 'account_id']!r}",
                    )
                ]
            )
    known = set(quotas["rep_id"])
    for col in ("old_rep_id", "new_rep_id"):
        unknown = moves.loc[moves[col].notna() & ~moves[col].isin(known)]
        if not unknown.empty:
            i = unknown.index[0]
            raise InputDataError(
                [
                    Problem(
                        source="assignment.csv",
                        column=col,
                        message=f"must name a rep with a quota; got {unknown.loc[i, col]!r}",
                        row=int(i) + 1,
                        key=f"account_id={unknown.loc[i, 'account_id']!r}",
                    )
                ]
            )
    moves["amount"] = (
        moves["account_id"].map(expected_bookings).fillna(0.0).astype(float) * year_fraction
    )
    out_ = moves.dropna(subset=["old_rep_id"]).groupby("old_rep_id")["amount"].sum()
    in_ = moves.dropna(subset=["new_rep_id"]).groupby("new_rep_id")["amount"].sum()
    res = quotas[["rep_id", "quota"]].rename(columns={"quota": "quota_before"}).copy()
    res["relief"] = res["rep_id"].map(out_).fillna(0.0)
    res["added"] = res["rep_id"].map(in_).fillna(0.0)
    res["quota"] = res["quota_before"] - res["relief"] + res["added"]
    negative = res.loc[res["quota"] < -1e-9]
    if not negative.empty:
        r = negative.iloc[0]
        raise InputDataError(
            [
                Problem(
                    source="quota relief",
                    column="quota",
                    message=(
                        f"would become negative ({r['quota']:.2f}): the moved accounts' expected "
                        f"bookings ({r['relief']:.2f}) exceed the quota ({r['quota_before']:.2f})"
                    ),
                    key=f"rep_id={r['rep_id']!r}",
                )
            ]
        )
    return res
