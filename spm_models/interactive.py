"""ipywidgets panels for notebooks opened in JupyterLab (never used under papermill).

Notebooks hold no ``def``: they pass a lambda that turns the controls' values into figures
(or Markdown, text, DataFrames), and :func:`panel` redraws them whenever a control changes.

The panel draws into Image and HTML widgets rather than capturing output in an ``Output``
widget: output capture depends on a front end answering, which a headless kernel (papermill)
does not always do, and a stuck exchange hangs the run.
"""

from __future__ import annotations

import html
import io
from collections.abc import Callable
from typing import Any


def _to_widget(item: Any):
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    import pandas as pd

    if isinstance(item, plt.Figure):
        buffer = io.BytesIO()
        item.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
        plt.close(item)
        return widgets.Image(value=buffer.getvalue(), format="png")
    if isinstance(item, pd.DataFrame):
        return widgets.HTML(item.to_html(index=False, escape=True))
    markdown = getattr(item, "data", None) if type(item).__name__ == "Markdown" else None
    if markdown is not None:
        import mistune

        return widgets.HTML(mistune.create_markdown(escape=True)(markdown))
    return widgets.HTML(f"<pre>{html.escape(str(item))}</pre>")


def panel(render: Callable[..., Any], *, busy: str = "Working…", **controls: Any):
    """Controls above an area that ``render(**values)`` refills on every change.

    Parameters
    ----------
    render : callable
        Called with the controls' current values as keyword arguments. It returns a
        Matplotlib Figure, a DataFrame, Markdown or text, or a list of them.
    busy : str
        Shown next to the controls while ``render`` runs (the controls are disabled then,
        so a second move cannot queue behind a slow one unseen).
    **controls : ipywidgets.ValueWidget
        The controls, by the keyword ``render`` expects.

    Returns
    -------
    ipywidgets.VBox
        Display it; it draws once at once.
    """
    import ipywidgets as widgets

    area = widgets.VBox()
    status = widgets.HTML("")

    def redraw(_change: Any = None) -> None:
        # Widget state is sent to the front end as it is set, so the indicator shows while
        # the kernel is still busy with render.
        status.value = f"<i>{html.escape(busy)}</i>"
        for widget in controls.values():
            widget.disabled = True
        try:
            shown = render(**{name: w.value for name, w in controls.items()})
        except Exception as exc:  # show a bad choice in the panel and keep the panel alive
            shown = widgets.HTML(f"<p>Cannot draw this choice: {html.escape(str(exc))}</p>")
        finally:
            for widget in controls.values():
                widget.disabled = False
            status.value = ""
        items = shown if isinstance(shown, list | tuple) else [shown]
        area.children = [
            item if isinstance(item, widgets.Widget) else _to_widget(item)
            for item in items
            if item is not None
        ]

    for widget in controls.values():
        widget.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([*controls.values(), status]), area])
