"""Scenario files: valid ones load; every kind of mistake is named with file and key."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from spm_models import config
from spm_models.errors import ScenarioError
from spm_models.scenarios import discover_scenarios, load_scenario

VALID = """\
name: demo
title: Demo
description: A demo.
data: {source: sample, seed: 3, accounts: 100, reps: 4}
notebooks:
  01_data_overview: {region: West}
"""


def _write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_shipped_scenarios_are_valid_and_differ() -> None:
    files = discover_scenarios()
    names = {load_scenario(f).name for f in files}
    assert {"baseline", "growth", "lean"} <= names
    assert load_scenario(config.PROJECT_ROOT / "tests/scenarios/tiny.yaml").data.accounts == 400


def test_valid_scenario(tmp_path: Path) -> None:
    scenario = load_scenario(_write(tmp_path, VALID))
    assert scenario.name == "demo"
    assert scenario.data.kind == "sample" and scenario.data.seed == 3
    assert scenario.notebooks == [("01_data_overview", {"region": "West"})]


@pytest.mark.parametrize(
    "text, message",
    [
        (VALID + "colour: blue\n", r"s.yaml: colour: unknown key"),
        (VALID.replace("title: Demo\n", ""), r"s.yaml: title: required key is missing"),
        (VALID.replace("seed: 3", "seed: three"), r"s.yaml: data.seed: must be int; got str"),
        (
            VALID.replace("source: sample", "source: cloud"),
            r"data.source: must be one of sample, folder, sql, mapping, salesforce; got .cloud.",
        ),
        (
            VALID.replace("{region: West}", "{regoin: West}"),
            r"notebooks.01_data_overview.regoin: unknown parameter \(known: region",
        ),
        (
            VALID.replace("{region: West}", "{balance_band: wide}"),
            r"notebooks.01_data_overview.balance_band: must be int or float; got str 'wide'",
        ),
        (
            VALID.replace("{region: West}", "{output_dir: /tmp}"),
            r"notebooks.01_data_overview.output_dir: is set by the runner",
        ),
        (
            VALID.replace("01_data_overview", "99_missing"),
            r"notebooks.99_missing: no notebook notebooks/99_missing.ipynb",
        ),
        (
            VALID.replace("name: demo", "name: Demo Plan"),
            r"name: must be lower-case letters, digits",
        ),
        ("- just\n- a list\n", r"must be a YAML mapping"),
        ("name: [unclosed\n", r"is not valid YAML"),
    ],
)
def test_scenario_mistakes_are_named(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        load_scenario(_write(tmp_path, text))


def test_all_problems_are_listed_at_once(tmp_path: Path) -> None:
    text = VALID.replace("seed: 3", "seed: x") + "extra: 1\n"
    with pytest.raises(ScenarioError) as info:
        load_scenario(_write(tmp_path, text))
    assert len(info.value.problems) == 2


def test_data_paths_resolve_against_the_file_anywhere_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(config, "PROJECT_ROOT", tmp_path / "project")
    (tmp_path / "project" / "scenarios" / "company").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    inside = VALID.replace(
        "{source: sample, seed: 3, accounts: 100, reps: 4}", "{source: folder, path: company}"
    )
    scenario = load_scenario(_write(tmp_path / "project" / "scenarios", inside))
    assert scenario.data.path == (tmp_path / "project" / "scenarios" / "company").resolve()
    outside = inside.replace("path: company", "path: ../../elsewhere")
    scenario = load_scenario(_write(tmp_path / "project" / "scenarios", outside))
    assert scenario.data.path == (tmp_path / "elsewhere").resolve()
    absolute = inside.replace("path: company", f"path: {tmp_path / 'elsewhere'}")
    assert load_scenario(_write(tmp_path, absolute)).data.path == (tmp_path / "elsewhere")


def test_home_relative_data_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "exports").mkdir()
    text = VALID.replace(
        "{source: sample, seed: 3, accounts: 100, reps: 4}",
        "{source: salesforce, path: ~/exports}",
    )
    scenario = load_scenario(_write(tmp_path, text))
    assert scenario.data.kind == "salesforce" and scenario.data.path == tmp_path / "exports"


def test_missing_data_folder_and_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(config, "PROJECT_ROOT", tmp_path)
    missing = VALID.replace(
        "{source: sample, seed: 3, accounts: 100, reps: 4}",
        "{source: folder, path: no_such_folder}",
    )
    with pytest.raises(ScenarioError, match=r"data.path: folder 'no_such_folder' does not"):
        load_scenario(_write(tmp_path, missing))
    db = VALID.replace(
        "{source: sample, seed: 3, accounts: 100, reps: 4}",
        "{source: sql, url: 'sqlite:///nothing.db'}",
    )
    with pytest.raises(ScenarioError, match=r"data.url: database file 'nothing.db' does not"):
        load_scenario(_write(tmp_path, db))


def test_missing_file_and_non_utf8(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="file not found"):
        load_scenario(tmp_path / "nope.yaml")
    path = tmp_path / "latin.yaml"
    path.write_bytes(VALID.replace("A demo.", "Caf\xe9").encode("latin-1"))
    with pytest.raises(ScenarioError, match="is not valid UTF-8"):
        load_scenario(path)


# --------------------------------------------------------------- hardening: scenario files


@pytest.mark.parametrize("key", ["../../../../elsewhere/evil", "/tmp/evil", "sub/01_data_overview"])
def test_item1_notebook_key_must_name_a_project_notebook(tmp_path: Path, key: str) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "evil.ipynb").write_text("{}")
    text = VALID.replace("01_data_overview: {region: West}", f"'{key}': {{}}")
    with pytest.raises(ScenarioError, match=r"s.yaml: notebooks.'.*': must name a notebook in"):
        load_scenario(_write(tmp_path, text))


@pytest.mark.parametrize(
    "data, message",
    [
        ("{source: sample, seed: -1}", r"data.seed: must be between 0 and 4,294,967,295; got -1"),
        ("{source: sample, accounts: 1.0e+9}", r"data.accounts: must be int; got float"),
        (
            "{source: sample, accounts: 1000000000}",
            r"data.accounts: must be between 20 and 100,000; got 1,000,000,000",
        ),
        ("{source: sample, reps: 3}", r"data.reps: must be between 4 and 2,000; got 3"),
        (
            "{source: salesforce, sample: {seed: 1, accounts: 5}}",
            r"data.sample.accounts: must be between 20 and 100,000; got 5",
        ),
        (
            "{source: salesforce, sample: {colour: red}}",
            r"data.sample.colour: unknown key for a sample export",
        ),
    ],
)
def test_item6_seed_accounts_reps_are_bounded(tmp_path: Path, data: str, message: str) -> None:
    text = VALID.replace("{source: sample, seed: 3, accounts: 100, reps: 4}", data)
    with pytest.raises(ScenarioError, match=message):
        load_scenario(_write(tmp_path, text))


def test_item6_duplicate_yaml_key_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"s.yaml: title: duplicate key \(lines 2 and 7\)"):
        load_scenario(_write(tmp_path, VALID + "title: Again\n"))
    nested = VALID.replace("{region: West}", "{region: West, region: East}")
    with pytest.raises(ScenarioError, match=r"s.yaml: region: duplicate key"):
        load_scenario(_write(tmp_path, nested))


def test_item6_yaml_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    bomb = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        bomb += f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
    with pytest.raises(ScenarioError, match=r"expands to more than 200,000 values") as info:
        load_scenario(_write(tmp_path, bomb))
    assert "lol" not in str(info.value)
    many = "a: &a 1\nb: [" + ", ".join(["*a"] * 300) + "]\n"
    with pytest.raises(ScenarioError, match=r"holds more than 200 aliases"):
        load_scenario(_write(tmp_path, many))
    with pytest.raises(ScenarioError, match=r"characters long; at most 1,000,000"):
        load_scenario(_write(tmp_path, "a: '" + "x" * 1_000_001 + "'\n"))


def test_item5_validate_says_a_sqlite_database_does_not_exist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from spm_models.cli import main

    db = tmp_path / "nope.db"
    assert main(["validate", f"sqlite:///{db}"]) == 2
    err = capsys.readouterr().err
    assert "1 problem(s) found" in err and "nope.db' does not exist" in err
    assert not db.exists()


# ------------------------------------------------ data from a mapping, anywhere on disk


def _mapping_scenario(tmp_path: Path) -> tuple[Path, Path]:
    """A scenario in one folder and a CRM export with its mapping.yaml in another."""
    from tests.sources.test_mapping import _mapping, _write_exports

    export = tmp_path / "home" / "crm_export"
    _write_exports(export)
    (export / "mapping.yaml").write_text(
        yaml.safe_dump(_mapping(export), allow_unicode=True), encoding="utf-8"
    )
    text = VALID.replace(
        "{source: sample, seed: 3, accounts: 100, reps: 4}",
        "{source: mapping, path: ../home/crm_export/mapping.yaml}",
    )
    (tmp_path / "scenarios").mkdir()
    return _write(tmp_path / "scenarios", text), export


def test_mapping_source_imports_once_and_reimports_an_edited_export(
    tmp_path: Path, isolated_dirs: dict[str, Path]
) -> None:
    from spm_models.data import load_company
    from spm_models.runner.fingerprint import data_hash
    from spm_models.scenarios import imported_data_folder

    path, export = _mapping_scenario(tmp_path)
    scenario = load_scenario(path)
    assert scenario.data.kind == "mapping"
    assert scenario.data.path == export / "mapping.yaml"
    folder = imported_data_folder(scenario.data)
    assert folder.is_relative_to(isolated_dirs["data"] / "imports")
    assert len(load_company(folder).accounts) == 3
    assert imported_data_folder(scenario.data) == folder  # cached: no second import
    before = data_hash(scenario)
    team = pd.read_excel(export / "team.xlsx", dtype=object)
    team.loc[0, "Full Name"] = "Ana Diaz-Ruiz"
    team.to_excel(export / "team.xlsx", sheet_name="Reps", index=False)
    assert data_hash(scenario) != before  # an edited export reruns the scenario
    again = imported_data_folder(scenario.data)
    assert again != folder
    assert "Ana Diaz-Ruiz" in load_company(again).reps["rep_name"].tolist()


def test_mapping_source_problems_are_scenario_problems(tmp_path: Path) -> None:
    path, export = _mapping_scenario(tmp_path)
    text = (export / "mapping.yaml").read_text(encoding="utf-8").replace("money:", "monies:", 1)
    (export / "mapping.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"s.yaml: data.path: mapping.yaml: tables.\w+.monies"):
        load_scenario(path)
    missing = path.read_text().replace("crm_export/mapping.yaml", "crm_export/nope.yaml")
    with pytest.raises(ScenarioError, match=r"data.path: file '.*nope.yaml' does not exist"):
        load_scenario(_write(tmp_path / "scenarios", missing))


def test_item5_plans_folder_outside_the_project_is_fingerprinted(tmp_path: Path) -> None:
    from spm_models.runner.fingerprint import fingerprint

    plans = tmp_path / "my_plans"
    plans.mkdir()
    (plans / "ae.yaml").write_text("name: ae\n")
    text = VALID.replace(
        "01_data_overview: {region: West}", f"40_incentive_plan: {{plans_dir: '{plans}'}}"
    )
    scenario = load_scenario(_write(tmp_path, text))
    before = fingerprint(scenario)
    (plans / "ae.yaml").write_text("name: ae\nrate: 0.1\n")
    after = fingerprint(scenario)
    assert after["plans_sha256"] != before["plans_sha256"]
    assert after["inputs_sha256"] != before["inputs_sha256"]


def test_salesforce_folder_anywhere_and_sample_export(
    tmp_path: Path, tiny_company, isolated_dirs: dict[str, Path]
) -> None:
    from spm_models.data import load_company
    from spm_models.data.sample_salesforce import write_salesforce_sample
    from spm_models.runner.fingerprint import data_hash
    from spm_models.scenarios import imported_data_folder

    export = write_salesforce_sample(tiny_company, tmp_path / "exports" / "sfdc")
    text = VALID.replace(
        "{source: sample, seed: 3, accounts: 100, reps: 4}",
        f"{{source: salesforce, path: {export}}}",
    )
    scenario = load_scenario(_write(tmp_path, text))
    folder = imported_data_folder(scenario.data)
    assert len(load_company(folder).accounts) == len(tiny_company.accounts)
    before = data_hash(scenario)
    with (export / "Opportunity.csv").open("a", encoding="utf-8") as handle:
        handle.write("\n")
    assert data_hash(scenario) != before
    sample = load_scenario(config.PROJECT_ROOT / "tests/scenarios/salesforce_tiny.yaml")
    assert sample.data.kind == "salesforce" and sample.data.path is None
    assert data_hash(sample) is not None  # the recipe, without writing the export
    assert not list(isolated_dirs["data"].glob("salesforce-s7-a400-r8-*"))
    assert len(load_company(imported_data_folder(sample.data)).reps) >= 8
    assert len(list(isolated_dirs["data"].glob("salesforce-s7-a400-r8-*"))) == 1


@pytest.mark.notebook
def test_salesforce_scenario_runs_through_the_mapping_path(
    isolated_dirs: dict[str, Path],
) -> None:
    from spm_models.runner.execute import run_scenario

    scenario = load_scenario(config.PROJECT_ROOT / "tests/scenarios/salesforce_tiny.yaml")
    outcome = run_scenario(scenario, isolated_dirs["reports"])
    assert outcome.status == "ok", outcome.reason
    html = (isolated_dirs["reports"] / "salesforce_tiny" / "01_data_overview.html").read_text()
    assert "Salesforce-shaped export of the sample company" in html


def test_item6_csv_and_parquet_side_by_side_is_an_error(
    tmp_path: Path, tiny_company_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    from spm_models.cli import main

    folder = tmp_path / "company"
    shutil.copytree(tiny_company_dir, folder)
    pd.read_csv(folder / "accounts.csv", dtype=str).to_parquet(folder / "accounts.parquet")
    assert main(["validate", str(folder)]) == 2
    assert "both accounts.csv and accounts.parquet exist; keep one of them" in (
        capsys.readouterr().err
    )


def test_item6_missing_accounts_file_is_named(
    tmp_path: Path, tiny_company_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    from spm_models.cli import main

    folder = tmp_path / "company"
    shutil.copytree(tiny_company_dir, folder)
    (folder / "accounts.csv").unlink()
    assert main(["validate", str(folder)]) == 2
    assert "accounts.csv: file not found" in capsys.readouterr().err


def test_inline_mapping_block_resolves_against_the_scenario(
    tmp_path: Path, isolated_dirs: dict[str, Path]
) -> None:
    from spm_models.data import load_company
    from spm_models.runner.fingerprint import data_hash
    from spm_models.scenarios import imported_data_folder
    from tests.sources.test_mapping import _mapping, _write_exports

    export = tmp_path / "crm_export"
    _write_exports(export)
    mapping = _mapping(export)
    mapping["tables"]["opportunities"]["file"] = "crm_export/pipeline.parquet"
    for name in ("accounts", "reps", "closed_opportunities"):
        mapping["tables"][name]["file"] = f"crm_export/{mapping['tables'][name]['file']}"
    mapping["tables"]["bookings"]["sql"]["url"] = "sqlite:///crm_export/crm.db"
    document = yaml.safe_load(VALID)
    document["data"] = {"source": "mapping", "mapping": mapping}
    path = tmp_path / "inline.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    scenario = load_scenario(path)
    assert scenario.data.kind == "mapping" and scenario.data.path is None
    folder = imported_data_folder(scenario.data)
    assert len(load_company(folder).accounts) == 3
    before = data_hash(scenario)
    (export / "closed.csv").write_text((export / "closed.csv").read_text() + "\n")
    assert data_hash(scenario) != before
    document["data"]["mapping"]["tables"]["accounts"]["colums"] = {}
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"inline.yaml: data.mapping: tables.accounts.colums"):
        load_scenario(path)
    document["data"]["path"] = "m.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"data: source 'mapping' takes either path or mapping"):
        load_scenario(path)
