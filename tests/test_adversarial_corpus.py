"""An adversarial corpus: malformed company files, scenarios, plans inputs and alignments.

Every case is refused the same way: exit code 2, one message per problem naming the file and,
where the problem sits in a cell, the column, the 1-based row and the row's key; nothing is
written. A few cases are valid input in an unusual form and must be accepted.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from spm_models import config
from spm_models.cli import main
from spm_models.data import generate_company, write_company

PLAN = config.PROJECT_ROOT / "plans" / "ae_standard.yaml"


@dataclass(frozen=True)
class Case:
    """One adversarial input: how to make it, what to run, what the message must say."""

    name: str
    make: Callable[[Path], list[str]]  # builds the input under a folder, returns CLI args
    expect: tuple[str, ...]  # fragments the output must hold ("ok" cases: exit 0)
    ok: bool = False


@pytest.fixture(scope="module")
def base_company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    company = generate_company(seed=3, n_accounts=40, n_reps=4)
    return write_company(company, tmp_path_factory.mktemp("corpus_base"))


# --- helpers that change one table of a copied company ---------------------------------------


def _frame(table: str, edit: Callable[[pd.DataFrame], pd.DataFrame]) -> Callable[[Path], None]:
    """Change one table of a company folder, read and written back as text."""

    def change(folder: Path) -> None:
        path = folder / f"{table}.csv"
        edit(pd.read_csv(path, dtype=str, keep_default_na=False)).to_csv(path, index=False)

    return change


def _cell(table: str, column: str, value: str, row: int = 0) -> Callable[[Path], None]:
    def edit(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[row, column] = value
        return frame

    return _frame(table, edit)


def _text(table: str, edit: Callable[[str], str]) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        path = folder / f"{table}.csv"
        path.write_text(edit(path.read_text()))

    return change


def _bytes(table: str, data: bytes) -> Callable[[Path], None]:
    return lambda folder: (folder / f"{table}.csv").write_bytes(data)


def _drop_column(table: str, column: str) -> Callable[[Path], None]:
    return _frame(table, lambda frame: frame.drop(columns=column))


def _both(*changes: Callable[[Path], None]) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        for one in changes:
            one(folder)

    return change


def company_case(name: str, change: Callable[[Path], None], *expect: str, ok: bool = False):
    """A company folder with one change, checked by ``spm validate``."""

    def make(root: Path) -> list[str]:
        folder = root / "company"
        shutil.copytree(root / "base", folder)
        change(folder)
        return ["validate", str(folder)]

    return Case(name, make, expect, ok)


def _repeat_column(column: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        lines = text.splitlines()
        return "\n".join([lines[0] + f",{column}"] + [line + ",1" for line in lines[1:]]) + "\n"

    return edit


COMPANY_CASES = [
    company_case(
        "foreign_key_listed_with_other_problems",
        _both(_cell("accounts", "current_rep_id", "R999"), _cell("accounts", "potential", "-5", 1)),
        "'current_rep_id' refers to unknown reps.rep_id 'R999' at row 1 (account_id=",
        "'potential' must be >= 0; got -5 at row 2",
    ),
    company_case(
        "timestamp_with_time_zones_in_period",
        _both(
            _cell("bookings", "period", "2024-01-01T00:00:00+02:00"),
            _cell("bookings", "period", "2024-02-01T09:30:00Z", 1),
        ),
        "ok (40 accounts",
        ok=True,
    ),
    company_case(
        "integer_beyond_int64",
        _cell("accounts", "employees", "99999999999999999999999"),
        "accounts.csv: column 'employees' is too large for a whole number",
        "at row 1 (account_id=",
    ),
    company_case(
        "second_potential_column",
        _text("accounts", _repeat_column("potential")),
        "accounts.csv: column 'potential' appears twice in the header",
    ),
    company_case(
        "csv_and_parquet_side_by_side",
        lambda f: pd.read_csv(f / "accounts.csv").to_parquet(f / "accounts.parquet"),
        "both accounts.csv and accounts.parquet exist",
    ),
    company_case(
        "missing_accounts_file",
        lambda f: (f / "accounts.csv").unlink(),
        "accounts.csv: file not found",
    ),
    company_case(
        "booking_dated_2099",
        _cell("bookings", "period", "2099-01-01"),
        "bookings.csv: column 'period' must be on or before",
        "(history cannot lie in the future); got '2099-01-01' at row 1",
    ),
    company_case(
        "negative_workload",
        _cell("accounts", "workload", "-3", 4),
        "accounts.csv: column 'workload' must be >= 0; got -3 at row 5 (account_id=",
    ),
    company_case(
        "text_in_a_number_column",
        _cell("accounts", "potential", "lots", 2),
        "column 'potential' must be a number; got 'lots' at row 3 (account_id=",
    ),
    company_case(
        "infinite_amount",
        _cell("bookings", "amount", "inf"),
        "bookings.csv: column 'amount' must be finite; got 'inf' at row 1",
    ),
    company_case(
        "amount_overflowing_to_infinity",
        _cell("bookings", "amount", "1e400"),
        "bookings.csv: column 'amount' must be a number; got '1e400' at row 1",
    ),
    company_case(
        "nan_text_in_a_required_number",
        _cell("accounts", "potential", "NaN"),
        "column 'potential' must",
        "at row 1",
    ),
    company_case(
        "latitude_without_longitude",
        _cell("accounts", "lon", ""),
        "column 'lon' must not be empty when 'lat' is given",
    ),
    company_case(
        "latitude_out_of_range",
        _cell("accounts", "lat", "91"),
        "column 'lat' must be <= 90; got 91 at row 1",
    ),
    company_case(
        "duplicate_account_id",
        _cell("accounts", "account_id", "A00001", 1),
        "accounts.csv: duplicate key (account_id) at row 2 (account_id='A00001')",
    ),
    company_case(
        "empty_account_id",
        _cell("accounts", "account_id", "  ", 3),
        "column 'account_id' must not be empty at row 4",
    ),
    company_case(
        "unknown_booking_type",
        _cell("bookings", "booking_type", "upsell-ish"),
        "column 'booking_type' must be one of",
        "got 'upsell-ish' at row 1",
    ),
    company_case(
        "unknown_rep_status",
        _cell("reps", "status", "on the beach"),
        "reps.csv: column 'status' must be one of",
        "(rep_id=",
    ),
    company_case(
        "fte_above_one",
        _cell("reps", "fte", "1.5"),
        "reps.csv: column 'fte' must be <= 1; got 1.5 at row 1 (rep_id=",
    ),
    company_case(
        "unparseable_hire_date",
        _cell("reps", "hire_date", "13/45/2020"),
        "column 'hire_date' must be a date (YYYY-MM-DD); got '13/45/2020' at row 1",
    ),
    company_case(
        "day_month_order_never_guessed",
        _cell("reps", "hire_date", "03/04/2021"),
        "column 'hire_date' must be a date (YYYY-MM-DD); got '03/04/2021'",
    ),
    company_case(
        "not_utf8",
        _bytes("reps", "rep_id,rep_name\nR001,Jos\xe9\n".encode("latin-1")),
        "reps.csv: is not valid UTF-8: byte 0xe9 on line 2",
    ),
    company_case("empty_file", _bytes("opportunities", b""), "opportunities.csv: is empty"),
    company_case(
        "header_only_accounts",
        _text("accounts", lambda t: t.splitlines()[0] + "\n"),
        "accounts.csv: has no data rows",
    ),
    company_case(
        "unclosed_quote",
        _text("reps", lambda t: t + '"R999,"Unclosed\n'),
        "reps.csv",
    ),
    company_case(
        "booking_for_unknown_account",
        _cell("bookings", "account_id", "A99999"),
        "bookings.csv: column 'account_id' refers to unknown accounts.account_id 'A99999' at row 1",
    ),
    company_case(
        "booking_credited_to_unknown_rep",
        _cell("bookings", "rep_id", "R777"),
        "column 'rep_id' refers to unknown reps.rep_id 'R777' at row 1",
    ),
    company_case(
        "close_before_created",
        _both(
            _cell("opportunities", "created_date", "2026-06-01"),
            _cell("opportunities", "expected_close_date", "2026-01-01"),
        ),
        "opportunities.csv: column 'expected_close_date' must not be before created_date at row 1",
    ),
    company_case(
        "missing_required_column",
        _drop_column("accounts", "workload"),
        "accounts.csv: column 'workload' is missing",
    ),
    company_case(
        "repeated_rep_header",
        _text("reps", _repeat_column("fte")),
        "reps.csv: column 'fte' appears twice",
    ),
    company_case(
        "byte_order_mark_and_crlf_are_fine",
        _text("accounts", lambda t: "\ufeff" + t.replace("\n", "\r\n")),
        "ok (40 accounts",
        ok=True,
    ),
]


# --- scenario files --------------------------------------------------------------------------

SCENARIO_HEAD = "name: s1\ntitle: Adversarial\ndata:\n  source: sample\n"


def scenario_case(name: str, text: str, *expect: str) -> Case:
    def make(root: Path) -> list[str]:
        path = root / "s1.yaml"
        path.write_text(text)
        return ["validate", str(path)]

    return Case(name, make, expect)


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)

SCENARIO_CASES = [
    scenario_case(
        "notebook_key_is_a_path",
        SCENARIO_HEAD + "notebooks:\n  '../../../../elsewhere/evil': {}\n",
        "s1.yaml",
        "../../../../elsewhere/evil",
    ),
    scenario_case(
        "duplicate_key_in_scenario",
        SCENARIO_HEAD + "notebooks:\n  01_data_overview: {}\n  01_data_overview: {}\n",
        "s1.yaml",
        "01_data_overview",
    ),
    scenario_case("alias_bomb", BOMB, "s1.yaml", "alias"),
    scenario_case(
        "negative_seed",
        SCENARIO_HEAD + "  seed: -1\nnotebooks:\n  01_data_overview: {}\n",
        "s1.yaml: data.seed: must be between 0 and",
    ),
    scenario_case(
        "a_billion_accounts",
        SCENARIO_HEAD + "  accounts: 1000000000\nnotebooks:\n  01_data_overview: {}\n",
        "s1.yaml: data.accounts: must be between 20 and 100,000",
    ),
    scenario_case(
        "unknown_notebook",
        SCENARIO_HEAD + "notebooks:\n  77_crystal_ball: {}\n",
        "s1.yaml",
        "77_crystal_ball",
    ),
    scenario_case(
        "data_folder_that_does_not_exist",
        "name: s1\ntitle: T\ndata: /no/such/folder\nnotebooks:\n  01_data_overview: {}\n",
        "s1.yaml",
        "/no/such/folder",
    ),
    scenario_case(
        "not_a_mapping",
        "- just\n- a list\n",
        "s1.yaml",
    ),
]


# --- incentive payouts -----------------------------------------------------------------------

ASSIGNMENTS = "rep_id,plan_id,start_date,annual_quota\nR1,ae_standard,2027-01-01,1000000\n"
CREDIT_HEAD = "deal_id,rep_id,date,measure,amount,segment\n"


def payout_case(name: str, credits: str, *expect: str) -> Case:
    def make(root: Path) -> list[str]:
        (root / "asg.csv").write_text(ASSIGNMENTS)
        (root / "cr.csv").write_text(CREDIT_HEAD + credits)
        return [
            "payout",
            "--plan",
            str(PLAN),
            "--assignments",
            str(root / "asg.csv"),
            "--credits",
            str(root / "cr.csv"),
            "--out",
            str(root / "out"),
        ]

    return Case(name, make, expect)


PAYOUT_CASES = [
    payout_case(
        "credit_of_5e16",
        "D1,R1,2027-02-01,new,5e16,smb\n",
        "cr.csv: column 'amount' must be at most 1,000,000,000,000; got '5e16' at row 1",
        "(deal_id='D1')",
    ),
    payout_case(
        "same_credit_line_twice",
        "D1,R1,2027-02-01,new,5000,smb\nD1,R1,2027-02-01,new,5000,smb\n",
        "cr.csv",
        "row 2",
        "D1",
    ),
    payout_case(
        "credit_date_in_day_month_order",
        "D1,R1,03/04/2027,new,5000,smb\n",
        "cr.csv: column 'date' must be a date",
        "at row 1",
    ),
    payout_case(
        "measure_no_plan_credits",
        "D1,R1,2027-02-01,telepathy,5000,smb\n",
        "telepathy",
    ),
]


# --- territory alignment ---------------------------------------------------------------------


def align_case(name: str, change: Callable[[Path], None], *expect: str) -> Case:
    def make(root: Path) -> list[str]:
        folder = root / "company"
        shutil.copytree(root / "base", folder)
        change(folder)
        return [
            "align",
            "--accounts",
            str(folder / "accounts.csv"),
            "--reps",
            str(folder / "reps.csv"),
            "--out",
            str(root / "out"),
        ]

    return Case(name, make, expect)


def _every(table: str, column: str, value: str) -> Callable[[Path], None]:
    return _frame(table, lambda frame: frame.assign(**{column: value}))


ALIGN_CASES = [
    align_case(
        "every_workload_zero",
        _every("accounts", "workload", "0"),
        "accounts.csv: column 'workload' is 0 for every account",
    ),
    align_case(
        "unknown_current_rep_listed_with_bad_workload",
        _both(_cell("accounts", "current_rep_id", "R999"), _cell("accounts", "workload", "-1", 2)),
        "column 'current_rep_id' refers to unknown reps.rep_id 'R999' at row 1",
        "column 'workload'",
    ),
    align_case(
        "no_reps",
        _text("reps", lambda t: t.splitlines()[0] + "\n"),
        "reps.csv: has no data rows",
    ),
]

CASES = COMPANY_CASES + SCENARIO_CASES + PAYOUT_CASES + ALIGN_CASES


def test_the_corpus_is_large_and_names_are_unique() -> None:
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_adversarial_case(
    case: Case, base_company: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(base_company, tmp_path / "base")
    args = case.make(tmp_path)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    code = main(args)
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert "Traceback" not in output
    for fragment in case.expect:
        assert fragment in output, (fragment, output)
    if case.ok:
        assert code == 0, output
        return
    assert code == 2, output
    after = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert after == before  # a refused input writes nothing
