"""ipywidgets panels for notebooks opened in JupyterLab (never used under papermill).

Notebooks hold no ``def``: they pass a lambda that turns the controls' values into figures
(or Markdown/DataFrames), and :func:`panel` redraws them whenever a control changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def panel(render: Callable[..., Any], **controls: Any):
    """Controls above an output area that ``render(**values)`` refills on every change.

    Parameters
    ----------
    render : callable
        Called with the controls' current values as keyword arguments. It returns a
        Matplotlib Figure, any displayable object, or a list of them.
    **controls : ipywidgets.ValueWidget
        The controls, by the keyword ``render`` expects.

    Returns
    -------
    ipywidgets.VBox
        Display it; it redraws once at once.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    out = widgets.Output()

    def redraw(_change: Any = None) -> None:
        with out:
            out.clear_output(wait=True)
            try:
                shown = render(**{name: w.value for name, w in controls.items()})
            except Exception as exc:  # show bad choices in the panel, keep the panel alive
                display(f"Cannot draw this choice: {exc}")
                return
            for item in shown if isinstance(shown, list | tuple) else [shown]:
                display(item)
                if isinstance(item, plt.Figure):
                    plt.close(item)

    for widget in controls.values():
        widget.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox(list(controls.values())), out])
