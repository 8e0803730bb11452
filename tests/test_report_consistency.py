"""One plan, one set of numbers: the tiny scenario rendered through the real runner, read as HTML.

(a) each figure of the executive summary appears with the same text on its source page;
(b) no raw pandas table, scientific notation, nan/inf/None, temp path or raw metric key in any
page; (c) the index, the executive summary and the territory page in headless Chromium at
desktop and phone width, with screenshots kept under ``$SPM_TEST_ARTIFACTS`` (default: a
temporary folder); and the shared report-hygiene tool finds nothing.

The scenario is rendered once per session (about a minute on a quiet machine).
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from spm_models import config
from spm_models.registry import figure, format_figure, read_metrics_file, registry
from spm_models.reporting.decisions import decisions
from spm_models.reporting.summary import key_figures
from tests.conftest import TINY_RENDER_GROUP

pytestmark = [pytest.mark.notebook, pytest.mark.xdist_group(TINY_RENDER_GROUP)]

TINY = config.PROJECT_ROOT / "tests" / "scenarios" / "tiny.yaml"
HYGIENE = next(
    (
        root / "shared" / "tools" / "report_hygiene.py"
        for root in config.PROJECT_ROOT.parents
        if (root / "shared" / "tools" / "report_hygiene.py").exists()
    ),
    config.PROJECT_ROOT.parent / "shared" / "tools" / "report_hygiene.py",
)
SUMMARY = "90_executive_summary"
WIDTHS = (1400, 390)


class _Page(HTMLParser):
    """The visible text of a page and the cell texts of each table row."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.rows: list[list[str]] = []
        self._skip = 0
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        elif tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.parts.append(data)
        if self._cell is not None:
            self._cell.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def _read(path: Path) -> _Page:
    parser = _Page()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="session")
def tiny_reports(tiny_render: Path) -> Path:
    """The tiny scenario rendered once by the real runner (shared with the runner tests)."""
    return tiny_render


def test_the_shared_rendering_stays_on_one_worker(request: pytest.FixtureRequest) -> None:
    # Under --dist loadgroup every test of the group must reach the worker that renders, or
    # the other worker sits idle for the whole rendering.
    if not request.config.getoption("loadgroup", False):
        pytest.skip("not run with --dist loadgroup")
    assert request.node.nodeid.endswith(f"@{TINY_RENDER_GROUP}"), request.node.nodeid


def _pages(reports: Path) -> list[Path]:
    return sorted(p for p in reports.rglob("*.html") if "_failed" not in p.parts)


def _shown_figures(metrics: dict) -> list[str]:
    names = [n for d in decisions(metrics) for n in d.figures]
    names += list(key_figures(metrics)["name"])
    return list(dict.fromkeys(names))


def test_summary_figures_read_as_on_their_source_page(tiny_reports: Path) -> None:
    folder = tiny_reports / "tiny"
    metrics = read_metrics_file(folder / "metrics.json")
    summary = _read(folder / f"{SUMMARY}.html").text
    shown = _shown_figures(metrics)
    assert len(shown) >= 5, shown
    pages: dict[str, _Page] = {}
    problems = []
    for name in shown:
        fig, value = figure(name), format_figure(name, metrics[name])
        if value not in summary:
            problems.append(f"{SUMMARY}: {fig.label} {value} is not in the summary")
        page = pages.setdefault(fig.page, _read(folder / f"{fig.page}.html"))
        if not any(row[:1] == [fig.label] and value in row[1:] for row in page.rows):
            problems.append(f"{fig.page}: no row '{fig.label} | {value}'")
    assert problems == [], "\n".join(problems)


def test_summary_links_each_decision_to_a_page_of_the_report(tiny_reports: Path) -> None:
    folder = tiny_reports / "tiny"
    metrics = read_metrics_file(folder / "metrics.json")
    page = (folder / f"{SUMMARY}.html").read_text(encoding="utf-8")
    plan = decisions(metrics)
    assert 5 <= len(plan) <= 8, [d.title for d in plan]
    for d in plan:
        assert f'<a href="{d.link}">' in page and (folder / d.link).exists(), d.title
        assert d.statement in html.unescape(page), d.title


CHECKS = {
    "scientific-notation": re.compile(r"\de[+-]\d"),
    "nan-inf-None": re.compile(r"(?<![\w-])(?:nan|NaN|inf|None|NaT)(?![\w-])"),
    "temp-path": re.compile(r"\.tmp-|/tmp/"),
}


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_no_unformatted_values_in_any_page(tiny_reports: Path, check: str) -> None:
    problems = []
    for path in _pages(tiny_reports):
        text = _read(path).text
        for match in CHECKS[check].finditer(text):
            start = max(0, match.start() - 40)
            problems.append(
                f"{path.relative_to(tiny_reports)}: ...{text[start : match.end() + 20]}"
            )
    assert problems == [], f"{len(problems)} problem(s):\n" + "\n".join(problems[:40])


def test_no_raw_pandas_table_in_any_page(tiny_reports: Path) -> None:
    raw = [
        str(p.relative_to(tiny_reports))
        for p in _pages(tiny_reports)
        if 'class="dataframe"' in p.read_text(encoding="utf-8")
    ]
    assert raw == [], f"raw pandas tables in {raw}"


def test_no_raw_metric_key_in_any_page(tiny_reports: Path) -> None:
    metrics = read_metrics_file(tiny_reports / "tiny" / "metrics.json")
    names = sorted(set(registry()) | set(metrics), key=len, reverse=True)
    key = re.compile(r"\w+\.\w+_\w+")
    problems = []
    for path in _pages(tiny_reports):
        text = _read(path).text
        found = sorted({n for n in names if n in text} | set(key.findall(text)) & set(names))
        if found:
            problems.append(f"{path.relative_to(tiny_reports)}: {', '.join(found[:8])}")
    assert problems == [], "\n".join(problems)


def test_landing_page_shows_registered_figures_by_page(tiny_reports: Path) -> None:
    folder = tiny_reports / "tiny"
    metrics = read_metrics_file(folder / "metrics.json")
    page = _read(folder / "index.html")
    for name, value in metrics.items():
        fig = registry().get(name)
        if fig is not None and value is not None:
            assert [fig.label, fig.format(value), fig.section] in page.rows, name
    assert "Territory alignment" in page.text and "Executive summary" in page.text


def test_report_hygiene_tool_finds_no_problems(tiny_reports: Path) -> None:
    if not HYGIENE.exists():
        pytest.skip(f"{HYGIENE.name} is not available here")
    done = subprocess.run(
        [sys.executable, str(HYGIENE), str(tiny_reports)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and " 0 problems" in done.stdout, done.stdout


def _artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("SPM_TEST_ARTIFACTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_screenshots_at_desktop_and_phone_width(
    tiny_reports: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        if os.environ.get("CI"):
            raise RuntimeError("Chromium is required for the screenshot test in CI")
        pytest.skip("Chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    shots = _artifacts(tmp_path_factory)
    targets = {
        "index": tiny_reports / "index.html",
        "summary": tiny_reports / "tiny" / f"{SUMMARY}.html",
        "territory": tiny_reports / "tiny" / "10_territory_alignment.html",
    }
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            for label, path in targets.items():
                for width in WIDTHS:
                    page = browser.new_page(viewport={"width": width, "height": 900})
                    errors: list[str] = []
                    page.on("pageerror", lambda e, errs=errors: errs.append(str(e)))
                    page.goto(path.as_uri(), wait_until="load")
                    out = shots / f"{label}-{width}px.png"
                    page.screenshot(path=str(out), full_page=True)
                    overflow = page.evaluate("document.documentElement.scrollWidth") - width
                    page.close()
                    assert errors == [], f"{label} at {width} px: {errors}"
                    assert out.stat().st_size > 5_000, out
                    assert overflow <= 1, f"{label} is {overflow} px wider than {width} px"
        finally:
            browser.close()
    print(f"screenshots in {shots}")
