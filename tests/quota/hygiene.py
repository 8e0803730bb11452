"""What a leadership page must not show, checked on an executed notebook's outputs."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

#: Patterns no report text may contain (raw tables, Python values, code words, widget hints).
FORBIDDEN = {
    "raw DataFrame": re.compile(r'class="dataframe"'),
    "nan": re.compile(r"\bnan\b", re.IGNORECASE),
    "inf": re.compile(r"\binf\b|inf×", re.IGNORECASE),
    "None": re.compile(r"\bNone\b"),
    "scientific notation": re.compile(r"\d\.?\d*e[+-]\d"),
    "Python list": re.compile(r"\['[^']*'"),
    "parameter name": re.compile(
        r"\b(max_hires|n_sims|growth_min|growth_max|quota_growth|target_growth|time_limit)\b"
    ),
    "widget hint": re.compile(r"move the sliders|slider", re.IGNORECASE),
    "temp path": re.compile(r"/tmp/|\.tmp-"),
}


def page_text(path: Path) -> str:
    """The text a reader sees: markdown, HTML and plain outputs of the executed notebook."""
    nb = nbformat.read(path, as_version=4)
    parts = [c.source for c in nb.cells if c.cell_type == "markdown"]
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            for kind in ("text/markdown", "text/html", "text/plain"):
                if kind in data and not (kind == "text/plain" and len(data) > 1):
                    parts.append(str(data[kind]))
            if out.get("output_type") == "stream":
                parts.append(out.get("text", ""))
            if out.get("output_type") == "error":
                parts.append(f"ERROR {out.get('ename')}: {out.get('evalue')}")
    return "\n".join(parts)


def problems(text: str) -> list[str]:
    """Every forbidden pattern found, with a little context."""
    found = []
    for name, pattern in FORBIDDEN.items():
        for m in pattern.finditer(text):
            found.append(f"{name}: ...{text[max(0, m.start() - 60) : m.end() + 60]!r}...")
    return found
