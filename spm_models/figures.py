"""The one helper every ``plots.py`` shares: draw on the caller's axes or on a new figure."""

from __future__ import annotations

from typing import Any


def figure_axes(
    ax: Any = None, figsize: tuple[float, float] | None = None, *, default=(8.0, 5.0)
) -> tuple[Any, Any]:
    """Return ``(figure, axes)``: those of ``ax`` when given, else a new figure's.

    Parameters
    ----------
    ax : matplotlib Axes, optional
        Axes to draw on (e.g. one panel of a larger figure).
    figsize : (float, float), optional
        Size of a new figure in inches; ``default`` when not given.
    default : (float, float)
        The calling module's usual figure size.
    """
    if ax is not None:
        return ax.figure, ax
    import matplotlib.pyplot as plt  # lazily: model layers must not need matplotlib

    return plt.subplots(figsize=figsize or default)


def mark_rep_homes(ax: Any, reps: Any, *, colours: Any = None) -> None:
    """Mark rep homes on a longitude/latitude map: stars for staffed seats, crosses for vacant.

    Parameters
    ----------
    ax : matplotlib Axes
        The map.
    reps : DataFrame
        ``rep_id``, ``home_lat``, ``home_lon`` and, when known, ``status``.
    colours : mapping of rep id to colour, optional
        Fill each star with its territory's colour; black when not given.
    """
    status = reps["status"].astype(str) if "status" in reps else None
    vacant = (status == "vacant").to_numpy() if status is not None else False
    staffed = reps[~vacant] if status is not None else reps
    fill = [colours[str(r)] for r in staffed["rep_id"]] if colours else "black"
    ax.scatter(
        staffed["home_lon"],
        staffed["home_lat"],
        marker="*",
        s=110,
        c=fill,
        edgecolors="black" if colours else "white",
        linewidths=0.6,
        label="rep home",
    )
    if status is not None and vacant.any():
        empty = reps[vacant]
        ax.scatter(
            empty["home_lon"],
            empty["home_lat"],
            marker="X",
            s=80,
            c="white",
            edgecolors="crimson",
            linewidths=1.0,
            label="vacant seat",
        )
