"""The report index pages: one per scenario and ``reports/index.html`` across scenarios.

Both show figures only through the registry (:mod:`spm_models.registry`): labels, units and
formatted text come from the figure's definition, never from raw ``metrics.json`` keys, and a
figure nobody registered is not shown.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from spm_models.registry import FigureDef, headline_figures, read_metrics_file, registry
from spm_models.reporting.compare import comparison_html, comparison_table
from spm_models.reporting.html import page, stamp_header, write_page
from spm_models.reporting.summary import across_scenarios, has, page_title, scenario_outcome


def _load_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return None


def figures_by_page(metrics: dict[str, Any], pages: list[str]) -> dict[str, list[FigureDef]]:
    """The registered figures a scenario has, grouped by the page that explains them.

    Pages come in the order of ``pages`` (the scenario's notebooks), then any others in
    registry order; within a page, figures keep their registration order.
    """
    groups: dict[str, list[FigureDef]] = {stem: [] for stem in pages}
    for name, fig in registry().items():
        if has(metrics, name):
            groups.setdefault(fig.page, []).append(fig)
    return {stem: figs for stem, figs in groups.items() if figs}


def _figure_rows(metrics: dict[str, Any], figs: list[FigureDef]) -> str:
    return "".join(
        f"<tr><td>{'<strong>' if fig.headline else ''}{html.escape(fig.label)}"
        f"{'</strong>' if fig.headline else ''}</td>"
        f'<td class="num">{html.escape(fig.format(metrics[fig.name]))}</td>'
        f'<td class="text"><a href="{html.escape(fig.page)}.html">{html.escape(fig.section)}'
        "</a></td></tr>"
        for fig in figs
    )


def scenario_figures_html(metrics: dict[str, Any], pages: list[str]) -> str:
    """The landing page's figures: one table per page, labelled, formatted, linked."""
    parts = []
    for stem, figs in figures_by_page(metrics, pages).items():
        parts.append(
            f'<h3><a href="{html.escape(stem)}.html">{html.escape(page_title(stem))}</a></h3>'
            '<div class="table-wrap"><table class="report"><thead><tr><th>Figure</th>'
            "<th>Value</th><th>Where it is explained</th></tr></thead>"
            f"<tbody>{_figure_rows(metrics, figs)}</tbody></table></div>"
        )
    if not parts:
        return "<p>This scenario's pages wrote no figures.</p>"
    return "<p>Headline figures are in bold.</p>" + "".join(parts)


def write_scenario_page(folder: Path, scenario, stamp: dict, fields: dict[str, str]) -> Path:
    """``<scenario>/index.html``: description, the plan's outcome, figures by page, links."""
    metrics = read_metrics_file(folder / "metrics.json")
    stems = [stem for stem, _ in scenario.notebooks]
    links = "".join(
        f'<li><a href="{html.escape(stem)}.html">{html.escape(page_title(stem))}</a></li>'
        for stem in stems
    )
    tables = sorted((folder / "tables").glob("*.csv")) if (folder / "tables").is_dir() else []
    table_links = "".join(
        f'<li><a href="tables/{html.escape(t.name)}">{html.escape(t.name)}</a></li>' for t in tables
    )
    outcome = scenario_outcome(metrics)
    body = (
        f'<nav><a href="../index.html">All scenarios</a></nav>'
        f"<h1>{html.escape(scenario.title)}</h1><p>{html.escape(scenario.description)}</p>"
        + (f"<p><strong>{html.escape(outcome)}</strong></p>" if outcome else "")
        + f"<h2>Reports</h2><ul>{links}</ul>"
        + f"<h2>Figures</h2>{scenario_figures_html(metrics, stems)}"
        + (f"<h2>Result tables</h2><ul>{table_links}</ul>" if tables else "")
    )
    return write_page(
        folder / "index.html",
        page(scenario.title, body, stamp=stamp_header(scenario.title, fields)),
    )


def collect_runs(reports_dir: Path) -> list[dict[str, Any]]:
    """One record per scenario folder: last good run (stamp) and any newer failure."""
    runs = []
    for folder in sorted(p for p in reports_dir.iterdir() if p.is_dir()):
        if folder.name.startswith((".", "_")):
            continue
        stamp = _load_json(folder / "stamp.json")
        failure = _load_json(folder / "_failed" / "failure.json")
        if stamp is None and failure is None:
            continue
        failed_later = failure is not None and (
            stamp is None or failure.get("failed", "") >= stamp.get("finished", "")
        )
        runs.append(
            {
                "name": folder.name,
                "stamp": stamp,
                "failure": failure if failed_later else None,
                "metrics": read_metrics_file(folder / "metrics.json"),
                "title": _scenario_title(folder) or folder.name,
            }
        )
    return runs


def _scenario_title(folder: Path) -> str | None:
    index = folder / "index.html"
    if not index.exists():
        return None
    text = index.read_text(encoding="utf-8")
    start = text.find("<title>")
    return html.unescape(text[start + 7 : text.find("</title>")]) if start >= 0 else None


def _readable_time(iso: str) -> str:
    return iso.replace("T", " ").replace("+00:00", "")[:16]


def _status_cell(run: dict[str, Any]) -> tuple[str, str]:
    name, failure = html.escape(run["name"]), run["failure"]
    if failure:
        status = (
            f'<span class="status-failed">failed</span><br><small>'
            f'{html.escape(failure.get("error", ""))}<br><a href="{name}/_failed/'
            f'{html.escape(str(failure.get("notebook")))}.html">failed notebook</a></small>'
        )
        return status, failure.get("failed", "")
    return '<span class="status-ok">ok</span>', run["stamp"].get("finished", "")


def _run_row(run: dict[str, Any], *, with_outcome: bool) -> str:
    name, stamp = html.escape(run["name"]), run["stamp"]
    status, when = _status_cell(run)
    link = f'<a href="{name}/index.html">{html.escape(run["title"])}</a>' if stamp else name
    seconds = f"{stamp['seconds']:,.0f} s" if stamp and "seconds" in stamp else "–"
    outcome = scenario_outcome(run["metrics"]) or "–"
    cell = f'<td class="text">{html.escape(outcome)}</td>' if with_outcome else ""
    return (
        f"<tr><td>{link}</td><td>{status}</td><td>{html.escape(_readable_time(when))}</td>"
        f"<td>{seconds}</td>{cell}</tr>"
    )


def _headlines_html(metrics: dict[str, Any]) -> str:
    """One scenario's headline figures as Figure | Value rows, each linked to its page."""
    rows = "".join(
        f"<tr><td>{html.escape(h.label)}</td>"
        f'<td class="num">{html.escape(h.format(metrics[h.name]))}</td></tr>'
        for h in headline_figures()
        if has(metrics, h.name)
    )
    if not rows:
        return ""
    return (
        '<h2>Headline figures</h2><div class="table-wrap"><table class="report"><thead><tr>'
        f"<th>Figure</th><th>Value</th></tr></thead><tbody>{rows}</tbody></table></div>"
    )


def write_index(reports_dir: Path) -> Path:
    """Write ``reports/index.html``: per scenario its status, run time and whether it meets
    the target at what cost; which scenarios meet their target; the headline figures side by
    side (differences highlighted) when there are two or more good runs."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    runs = collect_runs(reports_dir)
    good = {r["name"]: r["metrics"] for r in runs if r["stamp"] and r["metrics"]}
    verdict = across_scenarios(
        {r["title"]: r["metrics"] for r in runs if r["stamp"] and r["metrics"]}
    )
    with_outcome = any(scenario_outcome(r["metrics"]) for r in runs)
    body = (
        "<h1>Planning scenarios</h1>"
        f"<p>{len(runs)} scenario(s). A failed run keeps the last good report; its failed "
        "notebook is linked.</p>"
        + (f"<p><strong>{html.escape(verdict)}</strong></p>" if verdict else "")
        + '<div class="table-wrap"><table class="report"><thead><tr><th>Scenario</th>'
        "<th>Status</th><th>Ran at (UTC)</th><th>Duration</th>"
        + ("<th>Outcome</th>" if with_outcome else "")
        + "</tr></thead><tbody>"
        + "".join(_run_row(run, with_outcome=with_outcome) for run in runs)
        + "</tbody></table></div>"
    )
    if len(good) >= 2:
        table = comparison_table(good)
        if not table.empty:
            body += "<h2>Headline figures by scenario</h2>" + comparison_html(table)
    elif good:
        body += _headlines_html(next(iter(good.values())))
    out = reports_dir / "index.html"
    return write_page(out, page("Planning scenarios", body))
