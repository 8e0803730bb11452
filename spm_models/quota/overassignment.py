"""Over-assignment: a cushion at each layer of the sales organisation.

The company target is handed to the first layer (e.g. regions) grown by that layer's cushion,
each unit's quota is split over its children by their share and grown by the next cushion,
and so on down to reps. With cushions ``c_1 .. c_k`` the reps carry
``target * prod(1 + c_j)`` in total, so the company still makes its number when some units
fall short.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from spm_models.errors import param_error
from spm_models.quota.allocation import QuotaAllocation
from spm_models.quota.inputs import require_columns

DEFAULT_LAYERS: tuple[tuple[str, float], ...] = (
    ("region", 0.0),
    ("manager_id", 0.10),
    ("rep_id", 0.05),
)


@dataclass(frozen=True)
class LayeredQuotas:
    """Quotas at every layer after over-assignment.

    Attributes
    ----------
    target : float
        Company target (USD).
    layers : tuple of (column, cushion)
    units : DataFrame
        ``layer, unit_id, parent_id, share, quota`` for every unit of every layer.
    totals : DataFrame
        ``layer, cushion, total, over_assignment`` (total over the company target, minus one).
    rep_quotas : DataFrame
        The last layer's table (``rep_id, region, manager_id, share, quota``).
    """

    target: float
    layers: tuple[tuple[str, float], ...]
    units: pd.DataFrame
    totals: pd.DataFrame
    rep_quotas: pd.DataFrame


def over_assign(
    allocation: QuotaAllocation,
    layers: Sequence[tuple[str, float]] = DEFAULT_LAYERS,
) -> LayeredQuotas:
    """Apply a cushion per layer to an allocation.

    Parameters
    ----------
    allocation : QuotaAllocation
        Shares per rep (the ``share`` column) and the company ``target``.
    layers : sequence of (column, cushion)
        From the top layer down; each column must be in ``allocation.quotas`` and the last
        must be ``rep_id``. Cushions are fractions in [0, 1), typically 0.10–0.20 in total.

    Examples
    --------
    Two regions with equal shares, a $100 target and 10% at the region and rep layers give
    regions $55 each ($110 in total) and reps $121 in total.
    """
    if not layers or layers[-1][0] != "rep_id":
        raise param_error("layers", "over_assign", "a sequence ending with ('rep_id', c)", layers)
    for col, cushion in layers:
        if not 0 <= cushion < 1:
            raise param_error("layers", "over_assign", f"cushions in [0, 1) ({col!r})", cushion)
    q = allocation.quotas.copy()
    require_columns(q, [c for c, _ in layers] + ["share"], "quotas")
    rows: list[pd.DataFrame] = []
    totals: list[dict] = []
    parent_col: str | None = None
    parent_quota = pd.Series(allocation.target, index=q.index)
    parent_share = pd.Series(1.0, index=q.index)
    for col, cushion in layers:
        unit_share = q.groupby(col)["share"].transform("sum")
        frac = (unit_share / parent_share).where(parent_share > 0, 0.0)
        unit_quota = parent_quota * frac * (1 + cushion)
        unit = pd.DataFrame(
            {
                "layer": col,
                "unit_id": q[col].astype(str),
                "parent_id": q[parent_col].astype(str) if parent_col else "company",
                "share": unit_share,
                "quota": unit_quota,
            }
        ).drop_duplicates("unit_id")
        rows.append(unit)
        total = float(unit["quota"].sum())
        totals.append(
            {
                "layer": col,
                "cushion": cushion,
                "total": total,
                "over_assignment": total / allocation.target - 1,
            }
        )
        parent_col, parent_quota, parent_share = col, unit_quota, unit_share
    reps = q.copy()
    reps["quota"] = parent_quota.to_numpy()
    return LayeredQuotas(
        allocation.target,
        tuple((c, float(x)) for c, x in layers),
        pd.concat(rows, ignore_index=True),
        pd.DataFrame(totals),
        reps.reset_index(drop=True),
    )
