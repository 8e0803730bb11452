"""US counties and states as map units: polygons, ZIP-to-county lookup, adjacency.

The polygons are the Census cartographic boundary files (1:500,000, 2016) that the
``plotly-geo`` package ships, read offline with ``pyshp`` and ``shapely``.
"""

from __future__ import annotations

from spm_models.geography.adjacency import EXEMPT_STATES, WATER_LINK_KM, county_adjacency
from spm_models.geography.lookup import account_counties, resolve_county, zip_to_county
from spm_models.geography.shapes import county_shapes, state_shapes

__all__ = [
    "EXEMPT_STATES",
    "WATER_LINK_KM",
    "account_counties",
    "county_adjacency",
    "county_shapes",
    "resolve_county",
    "state_shapes",
    "zip_to_county",
]
