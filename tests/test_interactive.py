"""The widget panel redraws from its controls, without a front end."""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown

from spm_models.interactive import panel


def test_panel_redraws_on_change_and_survives_bad_choices() -> None:
    calls: list[int] = []
    size = widgets.IntSlider(value=2, min=1, max=5)
    shown = panel(
        lambda n: (
            calls.append(n)
            or (ValueError("too big") if n > 4 else None)
            or [plt.figure(), Markdown(f"**{n}** <b>x</b>"), pd.DataFrame({"n": [n]})]
        ),
        n=size,
    )
    area = shown.children[1]
    assert calls == [2] and len(area.children) == 3
    assert isinstance(area.children[0], widgets.Image) and area.children[0].value[:4] == b"\x89PNG"
    assert "<strong>2</strong> &lt;b&gt;x&lt;/b&gt;" in area.children[1].value
    size.value = 3
    assert calls == [2, 3] and "<td>3</td>" in area.children[2].value


def test_panel_reports_errors_in_place() -> None:
    choice = widgets.Dropdown(options=["ok", "bad"], value="ok")
    shown = panel(lambda c: "fine" if c == "ok" else {}["missing"], c=choice)
    choice.value = "bad"
    assert "Cannot draw this choice" in shown.children[1].children[0].value


def test_panel_shows_busy_and_disables_controls_while_it_redraws() -> None:
    seen: list[tuple[str, bool]] = []
    size = widgets.IntSlider(value=1, min=1, max=5)
    holder: dict = {}

    def render(n: int) -> str:
        if "panel" in holder:
            status = holder["panel"].children[0].children[-1]
            seen.append((status.value, size.disabled))
        return f"n={n}"

    holder["panel"] = panel(render, busy="Re-solving…", n=size)
    size.value = 2
    assert seen == [("<i>Re-solving…</i>", True)]
    status = holder["panel"].children[0].children[-1]
    assert status.value == "" and size.disabled is False
