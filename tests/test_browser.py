"""Reports checked in a real headless Chromium at phone width.

Every page loads with no console errors and no broken images, shows no code, escapes names
from the data, and leaves a phone-width screenshot in ``$SPM_TEST_ARTIFACTS`` (default
``test-artifacts/``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from spm_models import config, overview
from spm_models.cli import main
from spm_models.data import load_company, write_company

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(os.environ.get("SPM_TEST_ARTIFACTS") or config.PROJECT_ROOT / "test-artifacts")
HOSTILE_REP = "<script>alert(1)</script>"
pytestmark = [pytest.mark.notebook, pytest.mark.xdist_group("browser")]

if CHROMIUM is None:  # CI installs it (make test); elsewhere skip, loudly
    if os.environ.get("CI"):
        raise RuntimeError(
            "Chromium is required for the browser tests in CI (make test installs it)"
        )
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)

playwright = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def reports(tiny_company, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two scenarios of a company whose busiest rep has a name that is an HTML attack."""
    root = tmp_path_factory.mktemp("browser")
    balance = overview.territory_balance(tiny_company)
    busiest = balance[balance["status"] != "vacant"].sort_values("workload").iloc[-1]["rep_id"]
    reps = tiny_company.reps.copy()
    reps.loc[reps["rep_id"] == busiest, "rep_name"] = HOSTILE_REP
    company_dir = write_company(tiny_company, root / "company")
    reps.assign(hire_date=reps["hire_date"].dt.strftime("%Y-%m-%d")).to_csv(
        company_dir / "reps.csv", index=False
    )
    assert (load_company(company_dir).reps["rep_name"] == HOSTILE_REP).sum() == 1
    scenario = (
        "name: {name}\ntitle: Browser check {name}\ndescription: Names from the data are text.\n"
        "data: {{source: folder, path: {path}}}\n{extra}"
        "notebooks:\n  01_data_overview: {{}}\n  90_executive_summary: {{}}\n"
    )
    files = []
    for name, extra in (("plain", ""), ("anonymised", "anonymise: true\n")):
        path = root / f"{name}.yaml"
        path.write_text(scenario.format(name=name, path=company_dir, extra=extra))
        files.append(str(path))
    out = root / "reports"
    old_root = config.PROJECT_ROOT
    config.PROJECT_ROOT = root  # the data folder lives outside the project in this test
    try:
        assert main(["run", *files, "--reports-dir", str(out)]) == 0
        assert main(["compare", "plain", "anonymised", "--reports-dir", str(out)]) == 0
    finally:
        config.PROJECT_ROOT = old_root
    return out


def _pages(reports: Path) -> list[Path]:
    return sorted(p for p in reports.rglob("*.html") if "_failed" not in p.parts)


def test_every_page_loads_cleanly_at_phone_width(reports: Path) -> None:
    pages = _pages(reports)
    assert {p.name for p in pages} >= {
        "index.html",
        "compare.html",
        "01_data_overview.html",
        "90_executive_summary.html",
    }
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            for path in pages:
                page = browser.new_page(viewport={"width": 390, "height": 844})
                problems: list[str] = []
                page.on(
                    "console", lambda m, p=problems: p.append(m.text) if m.type == "error" else None
                )
                page.on("pageerror", lambda e, p=problems: p.append(str(e)))
                page.on("dialog", lambda d, p=problems: p.append(f"dialog: {d.message}"))
                page.goto(path.as_uri(), wait_until="load")
                name = str(path.relative_to(reports))
                assert problems == [], f"{name}: {problems}"
                broken = page.evaluate(
                    "Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0)"
                    ".length"
                )
                assert broken == 0, f"{name}: {broken} broken image(s)"
                assert page.evaluate("Array.from(document.images).every(i => i.alt.length > 0)")
                text = page.inner_text("body")
                for code in ("NotebookSession", "import ", "nb.show(", "def "):
                    assert code not in text, f"{name} shows code: {code!r}"
                assert page.locator("script").count() == 0, f"{name} runs script"
                page.screenshot(
                    path=str(ARTIFACTS / f"phone-{name.replace('/', '-')}.png"), full_page=True
                )
                page.close()
        finally:
            browser.close()


def test_names_from_data_are_shown_as_text_and_anonymised_on_request(reports: Path) -> None:
    plain = (reports / "plain" / "01_data_overview.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in plain and HOSTILE_REP not in plain
    anonymised = (reports / "anonymised" / "01_data_overview.html").read_text()
    assert "alert(1)" not in anonymised and "Rep R0" in anonymised
    table = pd.read_csv(reports / "anonymised" / "tables" / "territory_balance_current.csv")
    assert table["rep_name"].str.match(r"^(Rep R\d+|Vacant)$").all()
    assert "Scenario comparison" in (reports / "compare.html").read_text()
