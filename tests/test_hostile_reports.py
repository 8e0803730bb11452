"""Script in reports (#18.2): names from the data never run as script on any page.

A scenario runs every notebook on a company whose every free-text column (rep and account
names, regions, industries, cities, products, managers) holds HTML attacks. Headless Chromium
then opens every page of its report and of the index: no dialog fires, no script element
exists, and every page carries the Content Security Policy. The sanitiser's rules are checked
on small fragments too.
"""

from __future__ import annotations

import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from spm_models import config
from spm_models.cli import main
from spm_models.data import Company, load_company, write_company
from spm_models.reporting.html import CONTENT_SECURITY_POLICY, page, sanitize_html
from spm_models.scenarios import load_scenario

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TESTS_SCENARIOS = config.PROJECT_ROOT / "tests" / "scenarios"


# --- the sanitiser on hand-checkable fragments -------------------------------------------


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        (f"<td>{SCRIPT}</td>", "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>"),
        (f"<td>{IMG}</td>", "<td>&lt;img src=x onerror=alert(1)&gt;</td>"),
        ('<td onclick="alert(1)" class="num">5</td>', '<td class="num">5</td>'),
        ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
        ('<a href=" JaVa&#x09;script:alert(1)">x</a>', "<a>x</a>"),
        ('<a href="data:text/html,<script>alert(1)</script>">x</a>', "<a>x</a>"),
        ('<a href="tables/quotas.csv">CSV</a>', '<a href="tables/quotas.csv">CSV</a>'),
        ('<a href="https://example.org/x?a=1">x</a>', '<a href="https://example.org/x?a=1">x</a>'),
        ('<img src="https://evil.test/x.png" alt="x">', '&lt;img src="https://evil.test/x.png"'),
        ('<img src="data:image/png;base64,AAAA" alt="a"', '&lt;img src="data:'),
        (
            '<img src="data:image/png;base64,AAAA" alt="a&quot;b" onload="x()">',
            '<img src="data:image/png;base64,AAAA" alt="a&quot;b">',
        ),
        ("<style>td { color: red }</style><p>x</p>", "<p>x</p>"),
        ("<p>a<!-- <script>alert(1)</script> -->b</p>", "<p>ab</p>"),
        ("<div><svg onload=alert(1)><circle/></svg></div>", "<div>&lt;svg onload=alert(1)&gt;"),
        ('<span style="background:url(x)" title="t">s</span>', '<span title="t">s</span>'),
        ("<p><b>bold</p>", "<p><b>bold</b></p>"),
        ("</table><p>x", "<p>x</p>"),
        ('<iframe srcdoc="<script>alert(1)</script>"></iframe>', "&lt;iframe srcdoc="),
        ('<td colspan="2" rowspan="x">', '<td colspan="2"></td>'),
    ],
)
def test_sanitiser_keeps_markup_shows_the_rest_as_text(fragment: str, expected: str) -> None:
    out = sanitize_html(fragment)
    assert out.startswith(expected) if expected else out == ""
    assert not re.search(r"<(script|svg|iframe)|<\w[^>]*\son\w+\s*=", out, re.IGNORECASE)


def test_every_page_carries_the_content_security_policy() -> None:
    text = page("T", f"<p>{SCRIPT}</p>", stamp=f"<header class='stamp'>{IMG}</header>")
    assert (
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">' in text
    )
    assert CONTENT_SECURITY_POLICY == "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    assert "<script" not in text and "<img" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


# --- a whole scenario of hostile names, in a real browser --------------------------------


TEXT_COLUMNS = ("account_name", "industry", "city", "region", "rep_name", "manager_id", "product")


def _attacks(values: pd.Series) -> dict[str, str]:
    """Each distinct value with one of the two attacks appended (alternating, stable)."""
    distinct = sorted(v for v in values.dropna().unique() if v not in ("", "Vacant"))
    return {v: f"{v} {(SCRIPT, IMG)[i % 2]}" for i, v in enumerate(distinct)}


def hostile_company(company: Company) -> dict[str, pd.DataFrame]:
    """The company's tables with an attack in every free-text column (ids and codes kept).

    A value is changed the same way in every table, so regions and industries still match.
    """
    tables = {
        "accounts": company.accounts.copy(),
        "reps": company.reps.copy(),
        "bookings": company.bookings.copy(),
        "opportunities": company.opportunities.copy(),
        "closed_opportunities": company.closed_opportunities.copy(),
    }
    for column in TEXT_COLUMNS:
        having = [t for t in tables.values() if column in t.columns]
        mapping = _attacks(pd.concat([t[column] for t in having]))
        for frame in having:
            frame[column] = frame[column].map(lambda v, m=mapping: m.get(v, v))
    return tables


@pytest.fixture(scope="module")
def hostile_reports(tiny_company: Company, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every notebook of the tiny scenario, run on the hostile company, and the index."""
    root = tmp_path_factory.mktemp("hostile")
    folder = write_company(tiny_company, root / "company")
    for name, frame in hostile_company(tiny_company).items():
        out = frame.copy()
        for column in out.columns:
            if pd.api.types.is_datetime64_any_dtype(out[column]):
                out[column] = out[column].dt.strftime("%Y-%m-%d")
        out.to_csv(folder / f"{name}.csv", index=False)
    company = load_company(folder)
    assert company.reps["rep_name"].str.contains("<script>", regex=False).any()
    assert company.accounts["region"].str.contains("onerror", regex=False).any()
    tiny = (TESTS_SCENARIOS / "tiny.yaml").read_text()
    body = tiny[tiny.index("notebooks:") :]
    scenario = root / "hostile.yaml"
    scenario.write_text(
        "name: hostile\ntitle: Hostile names <script>alert(1)</script>\n"
        "description: Every text column holds an HTML attack.\n"
        f"data: {{source: folder, path: {folder}}}\n{body}"
    )
    reports = root / "reports"
    old_root = config.PROJECT_ROOT
    config.PROJECT_ROOT = root  # the data folder lives outside the project in this test
    try:
        assert main(["run", str(scenario), "--reports-dir", str(reports)]) == 0
    finally:
        config.PROJECT_ROOT = old_root
    return reports


def _pages(reports: Path) -> list[Path]:
    return sorted(reports.rglob("*.html"))


@pytest.mark.notebook
class _Markup(HTMLParser):
    """Collects what a browser would treat as script: script-bearing tags, on* attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "svg", "iframe", "object", "embed"):
            self.found.append(f"<{tag}>")
        self.found += [f"{tag}[{k}]" for k, _ in attrs if k.lower().startswith("on")]


def _active_markup(text: str) -> list[str]:
    """Script tags and event-handler attributes of a page (text inside attributes is inert)."""
    parser = _Markup()
    parser.feed(text)
    return parser.found


# Both tests of the hostile rendering share the browser group, so it is rendered once.
@pytest.mark.xdist_group("browser")
def test_hostile_names_reach_the_pages_only_as_text(hostile_reports: Path) -> None:
    pages = _pages(hostile_reports)
    stems = [stem for stem, _ in load_scenario(TESTS_SCENARIOS / "tiny.yaml").notebooks]
    assert {p.name for p in pages} >= {"index.html", *(f"{s}.html" for s in stems)}
    shown = 0
    for path in pages:
        text = path.read_text()
        name = path.relative_to(hostile_reports)
        assert CONTENT_SECURITY_POLICY in text, name
        assert not _active_markup(text), (name, _active_markup(text)[:3])
        shown += text.count("&lt;script&gt;alert(1)&lt;/script&gt;")
    assert shown > 0  # the names are there, as text


@pytest.mark.notebook
@pytest.mark.xdist_group("browser")
def test_no_page_of_a_hostile_scenario_fires_a_dialog(hostile_reports: Path) -> None:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            raise RuntimeError("Chromium is required for the browser tests in CI")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    playwright = pytest.importorskip("playwright.sync_api")
    fired: list[str] = []
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
        )
        try:
            for path in _pages(hostile_reports):
                tab = browser.new_page(viewport={"width": 1400, "height": 900})
                name = str(path.relative_to(hostile_reports))
                tab.on("dialog", lambda d, n=name: (fired.append(f"{n}: {d.message}"), d.dismiss()))
                tab.goto(path.as_uri(), wait_until="load")
                tab.wait_for_timeout(200)
                assert tab.locator("script").count() == 0, name
                assert tab.locator("[onerror], [onload], [onclick]").count() == 0, name
                policy = tab.locator('meta[http-equiv="Content-Security-Policy"]')
                assert policy.get_attribute("content") == CONTENT_SECURITY_POLICY, name
                tab.close()
        finally:
            browser.close()
    assert fired == []
