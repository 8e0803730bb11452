"""Render executed notebooks as self-contained HTML pages for readers who do not code.

The renderer keeps markdown, tables and charts, drops code and logs, escapes raw HTML in
markdown (names in data cannot inject script), embeds images with alt text and loads nothing
from the network, so a page opens offline and on a phone.
"""

from __future__ import annotations

import html
from pathlib import Path

import mistune
import nbformat

_markdown = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])

CSS = """
:root { --ink:#1f2933; --muted:#52606d; --line:#d9e2ec; --accent:#2f5d8a; --bad:#b44; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 1040px; padding: 0 16px 48px; }
header.stamp { border-bottom: 2px solid var(--accent); padding: 12px 0; margin-bottom: 16px;
       font-size: 13px; color: var(--muted); }
header.stamp strong { color: var(--ink); font-size: 15px; }
h1 { font-size: 1.7em; line-height: 1.25; } h2 { font-size: 1.3em; margin-top: 1.6em; }
img { max-width: 100%; height: auto; display: block; margin: 8px 0; }
.table-wrap { overflow-x: auto; margin: 8px 0; }
table { border-collapse: collapse; font-size: 14px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #f0f4f8; }
pre { white-space: pre-wrap; background: #f5f7fa; padding: 8px; font-size: 13px; }
.status-ok { color: #2b7a3d; font-weight: 600; }
.status-failed { color: var(--bad); font-weight: 600; }
.status-skipped { color: var(--muted); font-weight: 600; }
.error { border-left: 4px solid var(--bad); background: #fff5f5; padding: 8px 12px; }
td.better { background: #e6f4ea; } td.worse { background: #fdecea; }
nav a { margin-right: 12px; }
@media (max-width: 600px) { body { font-size: 15px; padding: 0 10px 32px; }
  th, td { padding: 3px 6px; } }
"""


def page(title: str, body: str, *, stamp: str = "") -> str:
    """A complete, self-contained HTML page with the shared style sheet."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head>"
        f"<body>{stamp}<main>{body}</main></body></html>\n"
    )


def stamp_header(scenario_title: str, fields: dict[str, str]) -> str:
    """The header that says what produced a report (scenario, data, code versions)."""
    items = " · ".join(f"{html.escape(k)}: {html.escape(str(v))}" for k, v in fields.items())
    return (
        f'<header class="stamp"><strong>{html.escape(scenario_title)}</strong><br>{items}</header>'
    )


def _is_hidden(cell) -> bool:
    tags = set(cell.get("metadata", {}).get("tags", []))
    return bool(tags & {"parameters", "injected-parameters", "remove-output", "hide-output"})


def _render_output(output, *, show_errors: bool) -> str:
    kind = output.get("output_type")
    if kind == "error":
        if not show_errors:
            return ""
        text = f"{output.get('ename')}: {output.get('evalue')}"
        return f'<div class="error"><pre>{html.escape(text)}</pre></div>'
    if kind == "stream":
        return ""  # logs and warnings are for analysts, not for the report
    data = output.get("data", {})
    meta = output.get("metadata", {})
    if "image/png" in data:
        alt = meta.get("image/png", {}).get("alt") or "Chart"
        png = data["image/png"].replace("\n", "")
        return f'<img src="data:image/png;base64,{png}" alt="{html.escape(alt, quote=True)}">'
    if "image/svg+xml" in data:
        return f'<div class="svg">{data["image/svg+xml"]}</div>'
    if "text/html" in data:
        # Produced by our own code (pandas Styler/to_html escape cell values).
        return f'<div class="table-wrap">{data["text/html"]}</div>'
    if "text/markdown" in data:
        return _markdown(data["text/markdown"])
    return ""  # plain-text reprs (paths, objects) are for analysts, not for the report


def render_notebook_html(
    notebook_path: str | Path,
    out_path: str | Path,
    *,
    title: str,
    stamp: dict[str, str],
    show_errors: bool = False,
) -> Path:
    """Render an executed notebook to a code-free HTML page.

    Parameters
    ----------
    notebook_path : path
        The executed notebook.
    out_path : path
        The HTML file to write.
    title : str
        Scenario title for the header.
    stamp : dict
        Header fields: scenario, data, code version, hashes.
    show_errors : bool
        Include error outputs (for a failed run's page).
    """
    nb = nbformat.read(str(notebook_path), as_version=4)
    parts: list[str] = []
    doc_title = title
    for cell in nb.cells:
        if _is_hidden(cell):
            continue
        if cell.cell_type == "markdown":
            source = cell.source
            if source.startswith("<span") and "papermill-error-cell" in source:
                continue  # papermill's banner points at code the reader cannot see
            if source.lstrip().startswith("# ") and doc_title == title:
                doc_title = source.lstrip()[2:].splitlines()[0].strip()
            parts.append(_markdown(source))
        elif cell.cell_type == "code":
            parts.extend(
                _render_output(o, show_errors=show_errors) for o in cell.get("outputs", [])
            )
    body = "\n".join(p for p in parts if p)
    text = page(f"{doc_title} · {title}", body, stamp=stamp_header(title, stamp))
    out_path = Path(out_path)
    out_path.write_text(text, encoding="utf-8")
    return out_path
