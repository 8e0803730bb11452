"""What a reader sees in an executed notebook, and the words that must never appear there."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from spm_models.data import Company, load_company
from spm_models.errors import InputDataError
from tests.messy import write_messy

#: Words and markup no report may show.
FORBIDDEN = re.compile(
    r"\bnan\b|\binf\b|\bNone\b|class=\"dataframe\"|\d\.?\d*e[+-]\d|\.tmp-|PosixPath|/tmp/"
)


def reader_text(path: Path) -> str:
    """Markdown, HTML and plain-text outputs of an executed notebook (not images or stderr)."""
    nb = nbformat.read(path, as_version=4)
    parts = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts.append(cell.source)
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                if out.get("name") == "stdout":
                    parts.append(out.get("text", ""))
                continue
            data = out.get("data", {})
            for key in ("text/markdown", "text/html"):
                if key in data:
                    parts.append(data[key])
            if "text/plain" in data and not (
                {"image/png", "text/html", "text/markdown"} & set(data)
            ):
                parts.append(data["text/plain"])
    return "\n".join(parts)


def assert_clean(text: str) -> None:
    """No nan/inf/None, raw DataFrame, scientific notation or temp path in a report."""
    found = FORBIDDEN.findall(text)
    assert not found, f"report shows {sorted(set(found))}"


def messy_dir(company: Company, folder: Path) -> Path:
    """Write a messy company; skip the test when the loader does not accept it yet."""
    write_messy(company, folder)
    try:
        load_company(folder)
    except InputDataError as exc:
        pytest.skip(f"the data loader rejects this company for now: {str(exc).splitlines()[1]}")
    return folder
