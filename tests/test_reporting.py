"""Code-free HTML reports: no code, escaped names, embedded charts with alt text."""

from __future__ import annotations

from pathlib import Path

import nbformat

from spm_models.reporting import format_value, render_notebook_html, write_index


def _notebook(tmp_path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("secret_parameter = 1")
    params.metadata["tags"] = ["parameters"]
    body = nbformat.v4.new_code_cell("print('log line')\nfigure()")
    body.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="log line\n"),
        nbformat.v4.new_output(
            "display_data",
            data={"image/png": "iVBORw0KGgo="},
            metadata={"image/png": {"alt": 'Quota by "territory"'}},
        ),
        nbformat.v4.new_output(
            "display_data", data={"text/markdown": "Top rep: <script>alert(1)</script>"}
        ),
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("# Title <b>x</b>"), params, body]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    return path


def test_report_has_no_code_and_escapes_names(tmp_path: Path) -> None:
    out = render_notebook_html(
        _notebook(tmp_path),
        tmp_path / "nb.html",
        title="Scenario <x>",
        stamp={"scenario": "demo", "code": "1.0"},
    )
    page = out.read_text()
    assert "secret_parameter" not in page and "print(" not in page and "log line" not in page
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'alt="Quota by &quot;territory&quot;"' in page
    assert "Scenario &lt;x&gt;" in page and "scenario: demo" in page
    assert 'name="viewport"' in page and "http" not in page.split("<main>")[1]


def test_format_value() -> None:
    assert format_value(1_234_567, "usd") == "$1.2M"
    assert format_value(0.1234, "pct") == "12.3%"
    assert format_value(12345, "int") == "12,345"
    assert format_value(None, "usd") == "–"
    assert format_value(float("nan"), "pct") == "–"


def test_empty_index(tmp_path: Path) -> None:
    page = write_index(tmp_path).read_text()
    assert "0 scenario(s)" in page
