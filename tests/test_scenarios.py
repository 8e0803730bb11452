"""Scenario files: valid ones load; every kind of mistake is named with file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

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
            r"data.source: must be one of sample, folder, sql; got 'cloud'",
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


def test_folder_paths_resolve_against_the_file_and_stay_inside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(config, "PROJECT_ROOT", tmp_path / "project")
    (tmp_path / "project" / "scenarios" / "company").mkdir(parents=True)
    inside = VALID.replace(
        "{source: sample, seed: 3, accounts: 100, reps: 4}", "{source: folder, path: company}"
    )
    scenario = load_scenario(_write(tmp_path / "project" / "scenarios", inside))
    assert scenario.data.path == (tmp_path / "project" / "scenarios" / "company").resolve()
    outside = inside.replace("path: company", "path: ../../etc")
    with pytest.raises(ScenarioError, match=r"data.path: '../../etc' resolves outside"):
        load_scenario(_write(tmp_path / "project" / "scenarios", outside))


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
