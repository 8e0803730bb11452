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
