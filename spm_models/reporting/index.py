"""The report index pages: one per scenario and ``reports/index.html`` across scenarios."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from spm_models.registry import format_value, headline_figures, read_metrics_file, registry
from spm_models.reporting.compare import comparison_html, comparison_table
from spm_models.reporting.html import page, stamp_header, write_page


def _load_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return None


def write_scenario_page(folder: Path, scenario, stamp: dict, fields: dict[str, str]) -> Path:
    """``<scenario>/index.html``: description, every metric, links to notebooks and tables."""
    metrics = read_metrics_file(folder / "metrics.json")
    rows = "".join(
        f"<tr><td>{html.escape(fig.label)}</td><td>{html.escape(fig.format(metrics[name]))}</td></tr>"
        for name, fig in registry().items()
        if name in metrics
    )
    links = "".join(
        f'<li><a href="{html.escape(stem)}.html">{html.escape(stem.replace("_", " "))}</a></li>'
        for stem, _ in scenario.notebooks
    )
    tables = sorted((folder / "tables").glob("*.csv")) if (folder / "tables").is_dir() else []
    table_links = "".join(
        f'<li><a href="tables/{html.escape(t.name)}">{html.escape(t.name)}</a></li>' for t in tables
    )
    body = (
        f'<nav><a href="../index.html">All scenarios</a></nav>'
        f"<h1>{html.escape(scenario.title)}</h1><p>{html.escape(scenario.description)}</p>"
        f"<h2>Reports</h2><ul>{links}</ul>"
        f'<h2>Headline figures</h2><div class="table-wrap"><table><thead><tr><th>Figure</th>'
        f"<th>Value</th></tr></thead><tbody>{rows}</tbody></table></div>"
        f"<h2>Result tables</h2><ul>{table_links}</ul>"
    )
    out = folder / "index.html"
    out.write_text(
        page(scenario.title, body, stamp=stamp_header(scenario.title, fields)), encoding="utf-8"
    )
    return out


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


def write_index(reports_dir: Path) -> Path:
    """Write ``reports/index.html``: status, time, duration and headline figures per scenario."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    runs = collect_runs(reports_dir)
    shown = [h for h in headline_figures() if any(h.name in r["metrics"] for r in runs)]
    head = "".join(f"<th>{html.escape(h.label)}</th>" for h in shown)
    rows = []
    for run in runs:
        name = html.escape(run["name"])
        stamp, failure = run["stamp"], run["failure"]
        if failure:
            status = (
                f'<span class="status-failed">failed</span><br><small>'
                f'{html.escape(failure.get("error", ""))}<br><a href="{name}/_failed/'
                f'{html.escape(str(failure.get("notebook")))}.html">failed notebook</a></small>'
            )
            when = failure.get("failed", "")
        else:
            status = '<span class="status-ok">ok</span>'
            when = stamp.get("finished", "")
        link = (
            f'<a href="{name}/index.html">{html.escape(run["title"])}</a>'
            if stamp
            else html.escape(run["name"])
        )
        seconds = f"{stamp['seconds']:,.0f} s" if stamp and "seconds" in stamp else "–"
        figures = "".join(
            f"<td>{html.escape(format_value(run['metrics'].get(h.name), h.unit))}</td>"
            for h in shown
        )
        rows.append(
            f"<tr><td>{link}</td><td>{status}</td><td>{html.escape(_readable_time(when))}</td>"
            f"<td>{seconds}</td>{figures}</tr>"
        )
    body = (
        "<h1>Planning scenarios</h1>"
        f"<p>{len(runs)} scenario(s). A failed run keeps the last good report; its failed "
        "notebook is linked.</p>"
        '<div class="table-wrap"><table><thead><tr><th>scenario</th><th>status</th>'
        f"<th>ran at (UTC)</th><th>duration</th>{head}</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></div>"
    )
    good = {r["name"]: r["metrics"] for r in runs if r["stamp"] and r["metrics"]}
    if len(good) >= 2:
        table = comparison_table(good)
        if not table.empty:
            body += "<h2>Scenario comparison</h2>" + comparison_html(table)
    out = reports_dir / "index.html"
    return write_page(out, page("Planning scenarios", body))
