"""County adjacency: shared borders, plus links across narrow water; built once and cached.

Two counties are adjacent when their boundaries share a line (a shared corner point does
not count). Counties of the lower 48 that are parted only by water, such as the Upper
Peninsula and lower Michigan across the Straits of Mackinac or an island and the shore, are
linked when the gap is at most :data:`WATER_LINK_KM` and the straight line across it
crosses no other county. Any part of the lower 48 still cut off after that is joined to the
nearest county outside it, so that every contiguous territory can be built. Alaska and
Hawaii are exempt from contiguity and get no water links.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from spm_models.geography.projection import project_geometry
from spm_models.geography.shapes import BOUNDARY_VINTAGE, county_shapes

#: Widest stretch of water (km) across which two counties still count as neighbours.
WATER_LINK_KM = 30.0
#: States whose units are exempt from contiguity (no land link to the lower 48).
EXEMPT_STATES = ("AK", "HI")
#: Gaps narrower than this (km) are corners or slivers of the outlines, not water.
MIN_WATER_KM = 0.1
EDGE_FILE = "county_edges.csv"
_VERSION = f"{BOUNDARY_VINTAGE}-w{WATER_LINK_KM:g}-v2"


def _border_pairs(geoms: np.ndarray) -> np.ndarray:
    import shapely

    tree = shapely.STRtree(geoms)
    a, b = tree.query(geoms, predicate="intersects")
    keep = a < b
    a, b = a[keep], b[keep]
    shared = shapely.intersection(shapely.boundary(geoms[a]), shapely.boundary(geoms[b]))
    # Polygons of the same boundary file share their vertices, so a common border has length.
    line = shapely.length(shared) > 1e-9
    return np.column_stack([a[line], b[line]])


def _water_pairs(proj: np.ndarray, mainland: np.ndarray, border: set) -> np.ndarray:
    import shapely

    idx = np.flatnonzero(mainland)
    tree = shapely.STRtree(proj[idx])
    qa, qb = tree.query(proj[idx], predicate="dwithin", distance=WATER_LINK_KM)
    a, b = idx[qa], idx[qb]
    keep = (a < b) & np.array([(x, y) not in border for x, y in zip(a, b, strict=True)])
    a, b = a[keep], b[keep]
    if a.size == 0:
        return np.zeros((0, 3))
    lines = shapely.shortest_line(proj[a], proj[b])
    gap = shapely.length(lines)
    # A link crosses only water when no third county holds a stretch of its line.
    li, ci = tree.query(lines, predicate="intersects")
    ci = idx[ci]
    third = (ci != a[li]) & (ci != b[li])
    li, ci = li[third], ci[third]
    inside = shapely.length(shapely.intersection(lines[li], proj[ci])) > 0.05
    blocked = np.zeros(len(lines), dtype=bool)
    blocked[li[inside]] = True
    # Polygons that meet at a single corner (the Four Corners) are not neighbours.
    ok = ~blocked & (gap > MIN_WATER_KM)
    return np.column_stack([a[ok], b[ok], gap[ok]])


def _components(n: int, pairs: np.ndarray) -> np.ndarray:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    if len(pairs) == 0:
        return np.arange(n)
    a = pairs[:, 0].astype(np.int64)
    b = pairs[:, 1].astype(np.int64)
    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _bridge_islands(proj: np.ndarray, mainland: np.ndarray, pairs: np.ndarray) -> list:
    """Links joining each cut-off part of the lower 48 to the nearest county outside it."""
    import shapely

    extra = []
    n = len(proj)
    while True:
        edges = np.array([p[:2] for p in [*pairs, *extra]], dtype=np.int64).reshape(-1, 2)
        labels = _components(n, edges)
        main_labels = labels[mainland]
        values, counts = np.unique(main_labels, return_counts=True)
        if len(values) <= 1:
            return extra
        biggest = values[np.argmax(counts)]
        small = values[values != biggest][0]
        part = np.flatnonzero(mainland & (labels == small))
        rest = np.flatnonzero(mainland & (labels != small))
        tree = shapely.STRtree(proj[rest])
        pi, ri = tree.query_nearest(proj[part], return_distance=True, all_matches=False)[0]
        dist = shapely.distance(proj[part[pi]], proj[rest[ri]])
        k = int(np.argmin(dist))
        extra.append((int(part[pi[k]]), int(rest[ri[k]]), float(dist[k])))


def _build_edges() -> pd.DataFrame:
    counties = county_shapes()
    geoms = counties["geometry"].to_numpy()
    mainland = ~counties["state"].isin(EXEMPT_STATES).to_numpy()
    border = _border_pairs(geoms)
    proj = np.array([project_geometry(g) for g in geoms], dtype=object)
    water = _water_pairs(proj, mainland, {(int(a), int(b)) for a, b in border})
    rows = [(int(a), int(b), "border", 0.0) for a, b in border]
    rows += [(int(a), int(b), "water", float(g)) for a, b, g in water]
    all_pairs = np.array([r[:2] for r in rows], dtype=np.int64).reshape(-1, 2)
    rows += [(a, b, "bridge", g) for a, b, g in _bridge_islands(proj, mainland, all_pairs)]
    ids = counties["unit_id"].to_numpy()
    frame = pd.DataFrame(rows, columns=["a", "b", "kind", "gap_km"])
    frame["unit_a"] = ids[frame["a"].to_numpy()]
    frame["unit_b"] = ids[frame["b"].to_numpy()]
    frame["gap_km"] = frame["gap_km"].round(2)
    return frame[["unit_a", "unit_b", "kind", "gap_km"]].sort_values(["unit_a", "unit_b"])


def adjacency_dir() -> Path:
    """The cache folder of the county adjacency (under the user's cache directory)."""
    from spm_models import config

    return config.CACHE_DIR / "geography" / f"adjacency-{_VERSION}"


@lru_cache(maxsize=1)
def county_adjacency() -> pd.DataFrame:
    """Adjacent county pairs, computed on first use and cached.

    Returns
    -------
    pandas.DataFrame
        One row per adjacent pair (``unit_a < unit_b``, 5-digit FIPS codes) with ``kind``
        (``"border"``: a shared boundary line; ``"water"``: parted only by at most
        :data:`WATER_LINK_KM` of water; ``"bridge"``: the nearest link of a part that would
        otherwise be cut off) and ``gap_km`` (0 for a shared border).
    """
    from spm_models.data.cache import build_once

    def write(folder: Path) -> None:
        folder.mkdir(parents=True)
        _build_edges().to_csv(folder / EDGE_FILE, index=False)

    folder = build_once(adjacency_dir(), EDGE_FILE, write)
    return pd.read_csv(folder / EDGE_FILE, dtype={"unit_a": str, "unit_b": str, "kind": str})
