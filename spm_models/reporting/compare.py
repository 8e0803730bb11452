"""Side-by-side comparison of scenarios' headline figures, with differences highlighted.

Figures are labelled and formatted only through the registry, so a figure reads here exactly as
on its page, the landing page and the executive summary.
"""

from __future__ import annotations

import base64
import html
import io
import math
from pathlib import Path

import pandas as pd

from spm_models.registry import FigureDef, headline_figures, read_metrics_file
from spm_models.reporting.html import page
from spm_models.reporting.summary import across_scenarios, has


def load_metrics(names: list[str], reports_dir: Path) -> dict[str, dict]:
    """Each scenario's ``metrics.json`` from its last good report.

    Raises
    ------
    FileNotFoundError
        Naming the scenarios that have no good report yet.
    """
    missing = [n for n in names if not (reports_dir / n / "metrics.json").exists()]
    if missing:
        raise FileNotFoundError(
            f"no good report for scenario(s) {', '.join(missing)} in {reports_dir}; "
            "run them first with 'spm run'"
        )
    return {n: read_metrics_file(reports_dir / n / "metrics.json") for n in names}


def comparison_table(metrics: dict[str, dict]) -> pd.DataFrame:
    """Headline figures (rows) by scenario (columns); only figures some scenario has."""
    rows = {
        h.name: [
            metrics[name].get(h.name) if has(metrics[name], h.name) else None for name in metrics
        ]
        for h in headline_figures()
        if any(has(m, h.name) for m in metrics.values())
    }
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(metrics))


def _judge(headline: FigureDef, base: object, value: object) -> str:
    """``better``/``worse``/``""`` for a value against the first scenario's."""
    numbers = [v for v in (base, value) if isinstance(v, int | float) and not isinstance(v, bool)]
    if headline.better is None or len(numbers) < 2 or not all(map(math.isfinite, numbers)):
        return ""
    if abs(value - base) <= 1e-9 * max(1.0, abs(base)):
        return ""
    higher = value > base
    return "better" if higher == (headline.better == "higher") else "worse"


def _charts(table: pd.DataFrame) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    parts = []
    lookup = {h.name: h for h in headline_figures()}
    numeric = table.apply(pd.to_numeric, errors="coerce")
    for fmt, unit, scale in (("usd", "USD millions", 1e6), ("pct", "%", 0.01)):
        keys = [k for k in numeric.index if lookup[k].unit == fmt and numeric.loc[k].notna().any()]
        if not keys:
            continue
        fig, ax = plt.subplots(figsize=(8, 0.6 + 0.55 * len(keys) * len(table.columns) / 2))
        height = 0.8 / len(table.columns)
        for i, scenario in enumerate(table.columns):
            ys = [j + i * height for j in range(len(keys))]
            ax.barh(ys, numeric.loc[keys, scenario] / scale, height=height, label=scenario)
        ax.set_yticks([j + 0.4 - height / 2 for j in range(len(keys))])
        ax.set_yticklabels([lookup[k].label for k in keys], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel(unit)
        title = "Money figures by scenario" if fmt == "usd" else "Rates and shares by scenario"
        ax.set_title(title)
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
        plt.close(fig)
        png = base64.b64encode(buffer.getvalue()).decode()
        parts.append(f'<img src="data:image/png;base64,{png}" alt="{html.escape(title)}">')
    return "\n".join(parts)


def comparison_html(table: pd.DataFrame, *, link_prefix: str = "") -> str:
    """The comparison as an HTML fragment: table (first scenario is the reference) and charts."""
    lookup = {h.name: h for h in headline_figures()}
    names = list(table.columns)
    head = "".join(
        f'<th><a href="{link_prefix}{html.escape(n)}/index.html">{html.escape(n)}</a></th>'
        for n in names
    )
    rows = []
    for key, values in table.iterrows():
        h = lookup[key]
        cells = []
        for i, name in enumerate(names):
            judged = _judge(h, values.iloc[0], values[name]) if i else ""
            css = f' class="{judged}"' if judged else ""
            cells.append(f"<td{css}>{html.escape(h.format(values[name]))}</td>")
        rows.append(f"<tr><td>{html.escape(h.label)}</td>{''.join(cells)}</tr>")
    return (
        f"<p>Differences are against <strong>{html.escape(names[0])}</strong>: "
        "green where the figure is better, red where it is worse.</p>"
        f'<div class="table-wrap"><table><thead><tr><th>Figure</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>" + _charts(table)
    )


def write_comparison(names: list[str], reports_dir: Path, out: Path) -> Path:
    """Write a comparison page of the named scenarios' last good reports."""
    metrics = load_metrics(names, reports_dir)
    table = comparison_table(metrics)
    verdict = across_scenarios(metrics)
    prefix = ""
    try:
        prefix = str(reports_dir.resolve().relative_to(out.parent.resolve()))
        prefix = "" if prefix == "." else prefix + "/"
    except ValueError:
        prefix = reports_dir.resolve().as_uri() + "/"
    body = (
        f"<h1>Scenario comparison</h1><p>{', '.join(html.escape(n) for n in names)}</p>"
        + (f"<p><strong>{html.escape(verdict)}</strong></p>" if verdict else "")
        + comparison_html(table, link_prefix=prefix)
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page("Scenario comparison", body), encoding="utf-8")
    return out
