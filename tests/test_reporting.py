"""Code-free HTML reports: no code, escaped names, embedded charts with alt text."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd
import pytest

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
    assert format_value(1_234_567, "usd") == "$1.23M"
    assert format_value(999_999, "usd") == "$1.00M"
    assert format_value(-4_500, "usd") == "-$4.5k"
    assert format_value(0.1234, "pct") == "12.3%"
    assert format_value(12345, "int") == "12,345"
    assert format_value(9.468786e5, "num") == "946,879"
    assert format_value(None, "usd") == "n/a"
    assert format_value(float("nan"), "pct") == "n/a"
    assert format_value(float("inf"), "ratio") == "n/a"


def test_registry_defines_each_figure_once_and_formats_it_one_way() -> None:
    from spm_models.registry import figure, format_figure, metric_record, register_figure

    assert format_figure("quota.total", 72_400_000) == "$72.40M"
    record = metric_record("quota.total", 72_400_000)
    assert record["text"] == "$72.40M" and record["label"] == "Total quota"
    assert metric_record("not.a.figure", 1.0) == {"value": 1.0, "registered": False}
    with pytest.raises(ValueError, match="defined twice"):
        register_figure("quota.total", "Other", "usd", "x", page="p", section="s")
    with pytest.raises(KeyError, match="not registered"):
        figure("no.such")


def test_table_html_formats_labels_units_and_escapes() -> None:
    from spm_models.reporting.tables import Column, table_html

    frame = pd.DataFrame(
        {
            "rep_name": ["<script>x</script>", "Ana"],
            "quota": [946878.6, 1.5e6],
            "share": [0.5, None],
        }
    )
    out = table_html(
        frame,
        [("rep_name", "Rep"), Column("quota", "Quota", "usd"), ("share", "Share", "pct")],
        max_rows=1,
        csv="quotas.csv",
    )
    assert '<th class="text">Rep</th>' in out and "$946.9k" in out and "50.0%" in out
    assert "&lt;script&gt;" in out and "<script>" not in out and "dataframe" not in out
    assert "Showing 1 of 2 rows." in out and 'href="tables/quotas.csv"' in out


def test_skipped_reads_as_one_sentence() -> None:
    from spm_models.skipped import Skipped

    text = Skipped("Churn risk", "the history covers 10 months.", "at least 24 months").sentence()
    assert (
        text
        == "Churn risk is not shown: the history covers 10 months; it needs at least 24 months."
    )


def test_empty_index(tmp_path: Path) -> None:
    page = write_index(tmp_path).read_text()
    assert "0 scenario(s)" in page and "Outcome" not in page  # no outcome to state


def _fake_report(reports: Path, name: str, metrics: dict) -> None:
    import json

    folder = reports / name
    folder.mkdir(parents=True)
    (folder / "metrics.json").write_text(json.dumps(metrics))
    (folder / "stamp.json").write_text(
        json.dumps({"status": "ok", "finished": "2026-01-01T10:00:00+00:00", "seconds": 12.0})
    )


def test_compare_highlights_better_and_worse(tmp_path: Path) -> None:
    from spm_models.cli import main

    reports = tmp_path / "reports"
    _fake_report(
        reports,
        "base",
        {
            "capacity.target_gap": -5e5,
            "incentives.total_cost": 1_000_000.0,
            "quota.total": 5e7,
            "territory.balance_cv_after": 0.05,
        },
    )
    _fake_report(
        reports,
        "alt",
        {
            "incentives.total_cost": 1_200_000.0,
            "quota.total": 6e7,
            "territory.balance_cv_after": 0.03,
        },
    )
    out = tmp_path / "cmp.html"
    assert main(["compare", "base", "alt", "--reports-dir", str(reports), "--out", str(out)]) == 0
    page = out.read_text()
    assert '<td class="worse">$1.20M</td>' in page  # higher cost is worse
    assert '<td class="better">3.0%</td>' in page  # lower workload CV is better
    assert "<td>$60.00M</td>" in page  # total quota: neither better nor worse
    assert 'alt="Money figures by scenario"' in page
    assert "Scenarios that meet their bookings target (1 of 1): base." in page
    assert main(["compare", "base", "missing", "--reports-dir", str(reports)]) == 2
    index = write_index(reports).read_text()
    assert "Headline figures by scenario" in index and "2026-01-01 10:00" in index


def test_scenario_page_shows_registered_figures_by_page_never_raw_keys(tmp_path: Path) -> None:
    import json
    from types import SimpleNamespace

    from spm_models.registry import figure, metric_record
    from spm_models.reporting.index import write_scenario_page

    values = {
        "quota.total": 72_400_000.0,
        "overview.accounts": 5000,
        "territory.accounts_moved_share": 0.123,
        "capacity.hires_needed": None,  # could not be computed: not shown
        "incentives.plan_b_vs_a.prob_costs_more": 0.818,  # unregistered: never shown
        "territory.relaxed": False,
    }
    (tmp_path / "metrics.json").write_text(
        json.dumps({k: metric_record(k, v) for k, v in values.items()})
    )
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "quotas.csv").write_text("rep_id,quota\nR1,1\n")
    scenario = SimpleNamespace(
        title="FY plan",
        description="A test.",
        notebooks=[
            ("01_data_overview", {}),
            ("10_territory_alignment", {}),
            ("20_quota_capacity", {}),
        ],
    )
    page = write_scenario_page(tmp_path, scenario, {}, {"scenario": "x"}).read_text()
    order = [page.index(f"{t}</a></h3>") for t in ("Data overview", "Territory alignment")]
    assert order == sorted(order) and "Quotas and capacity</a></h3>" in page
    assert '<td class="num">$72.40M</td>' in page and '<td class="num">12.3%</td>' in page
    section = figure("quota.total").section
    assert f'<a href="20_quota_capacity.html">{section}</a>' in page  # the figure's section
    assert "<strong>Total quota</strong>" in page  # a headline figure
    for raw in ("prob_costs_more", "quota.total", "territory.relaxed", "Hires needed", "n/a"):
        assert raw not in page, raw
    assert '<a href="10_territory_alignment.html">Territory alignment</a></li>' in page
    assert 'href="tables/quotas.csv"' in page


def test_index_says_which_scenario_meets_the_target_at_what_cost(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    _fake_report(
        reports,
        "lean",
        {"capacity.target_gap": -2e5, "capacity.hires_needed": 2, "incentives.total_cost": 9e5},
    )
    _fake_report(
        reports,
        "growth",
        {"capacity.target_gap": 3e6, "capacity.hires_needed": 9, "incentives.total_cost": 1.4e6},
    )
    page = write_index(reports).read_text()
    assert "Scenarios that meet their bookings target (1 of 2): lean." in page
    assert "Meets the target, with 2 hires and expected incentive cost $900.0k." in page
    assert "Falls $3.00M short of the target, with 9 hires" in page
    assert "<th>Outcome</th>" in page and "capacity.target_gap" not in page


def test_compare_leaves_missing_figures_unjudged(tmp_path: Path) -> None:
    from spm_models.reporting.compare import comparison_html, comparison_table

    table = comparison_table(
        {
            "base": {"incentives.total_cost": 1e6, "quota.total": float("nan")},
            "alt": {"incentives.total_cost": float("nan"), "quota.total": 5e7},
        }
    )
    assert list(table.index) == ["incentives.total_cost", "quota.total"]
    out = comparison_html(table)
    assert "<td>n/a</td>" in out and 'class="better"' not in out and 'class="worse"' not in out
    assert "nan" not in out.replace("n/a", "")
