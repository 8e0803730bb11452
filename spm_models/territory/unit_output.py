"""The ``units`` table every writer of a unit alignment publishes (``spm align``, the notebook).

One builder, so that ``units.csv`` has the same columns wherever it is written: ``unit_id``
and ``rep_id`` first (the territory of every unit of the covered area, with or without
accounts), then the unit's name, state, county, current rep, whether it moves and its load.
"""

from __future__ import annotations

import pandas as pd

#: Leading columns of ``units.csv``; the rest follow in the result's order.
KEY_COLUMNS = ("unit_id", "rep_id")


def units_output(result) -> pd.DataFrame | None:
    """The ``units`` table of a unit alignment, or None for an alignment of accounts.

    Parameters
    ----------
    result : AlignmentResult
        Any alignment; only a :class:`~spm_models.territory.units.UnitAlignmentResult` with
        a solution has units.

    Returns
    -------
    pandas.DataFrame or None
        One row per unit: ``unit_id``, ``rep_id``, then the other unit columns.
    """
    units = getattr(result, "units", None)
    if units is None or not len(units):
        return None
    rest = [c for c in units.columns if c not in KEY_COLUMNS]
    return units[[*KEY_COLUMNS, *rest]].reset_index(drop=True)
