"""Read raw tables from CSV, Parquet or a SQL database, reporting unreadable input clearly."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from spm_models.errors import InputDataError, Problem

SUFFIXES = (".csv", ".parquet")


def is_sql_url(source: str) -> bool:
    """True when ``source`` looks like a SQLAlchemy URL (``dialect[+driver]://...``)."""
    return bool(re.match(r"^[a-z][a-z0-9+]*://", source))


def table_path(folder: Path, name: str) -> Path:
    """Find ``name.csv`` or ``name.parquet`` in ``folder``.

    Raises
    ------
    InputDataError
        When neither exists, or both do (which one is meant cannot be told).
    """
    found = [
        folder / f"{name}{suffix}" for suffix in SUFFIXES if (folder / f"{name}{suffix}").exists()
    ]
    if len(found) > 1:
        raise InputDataError(
            [
                Problem(
                    source=f"{folder}/{name}.csv",
                    message=f"both {name}.csv and {name}.parquet exist; keep one of them",
                )
            ]
        )
    if found:
        return found[0]
    raise InputDataError(
        [Problem(source=f"{folder}/{name}.csv", message="file not found (nor .parquet)")]
    )


def read_table_file(path: str | Path) -> pd.DataFrame:
    """Read one CSV or Parquet file as raw values (CSV cells stay text for validation).

    Raises
    ------
    InputDataError
        For a missing, empty, non-UTF-8 or unparseable file.
    """
    path = Path(path)
    name = path.name
    if not path.exists():
        raise InputDataError([Problem(source=name, message="file not found")])
    if path.suffix == ".parquet":
        try:
            return pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises several types for corrupt files
            raise InputDataError(
                [Problem(source=name, message=f"is not a readable Parquet file ({exc})")]
            ) from exc
    data = path.read_bytes()
    if not data.strip():
        raise InputDataError([Problem(source=name, message="is empty (no header row)")])
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputDataError(
            [
                Problem(
                    source=name,
                    message=(
                        f"is not valid UTF-8: byte 0x{data[exc.start]:02x} on line {line}; "
                        "save the file as UTF-8"
                    ),
                )
            ]
        ) from exc
    try:
        frame = pd.read_csv(
            path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skipinitialspace=True
        )
    except pd.errors.ParserError as exc:
        raise InputDataError(
            [Problem(source=name, message=f"is not a well-formed CSV file ({exc})")]
        ) from exc
    _refuse_repeated_columns(data.decode("utf-8-sig"), name)
    return frame


def _refuse_repeated_columns(text: str, source: str) -> None:
    """A column named twice is an error: pandas would rename one and ignore it silently."""
    header = next(csv.reader(io.StringIO(text)), [])
    seen: dict[str, int] = {}
    problems = []
    for position, column in enumerate((c.strip() for c in header), start=1):
        if column in seen:
            problems.append(
                Problem(
                    source=source,
                    column=column,
                    message=f"appears twice in the header (columns {seen[column]} and "
                    f"{position}); keep one of them",
                )
            )
        seen.setdefault(column, position)
    if problems:
        raise InputDataError(problems)


def _redact(url: str) -> str:
    return re.sub(r"://([^:/@]+):[^@]+@", r"://\1:***@", url)


def read_sql_tables(
    url: str, names: tuple[str, ...], *, optional: tuple[str, ...] = ()
) -> tuple[dict[str, pd.DataFrame], dict[str, str], str]:
    """Read whole tables from a database through a SQLAlchemy URL.

    Tables in ``names`` must exist; tables in ``optional`` are read only when they exist.

    Returns
    -------
    raw : dict of DataFrame
        Each table by name.
    sources : dict of str
        How each table is named in messages (``"<url>#accounts"``).
    origin : str
        The URL with any password masked.
    """
    from sqlalchemy import create_engine, inspect
    from sqlalchemy.exc import SQLAlchemyError

    origin = _redact(url)
    try:
        engine = create_engine(url)
    except Exception as exc:  # unknown dialect, missing driver
        raise InputDataError(f"cannot open database {origin!r}: {exc}", source=origin) from exc
    raw: dict[str, pd.DataFrame] = {}
    sources = {name: f"{origin}#{name}" for name in (*names, *optional)}
    problems: list[Problem] = []
    try:
        with engine.connect() as conn:
            present = set(inspect(conn).get_table_names())
            for name in names:
                if name not in present:
                    problems.append(Problem(source=sources[name], message="table not found"))
                    continue
                raw[name] = pd.read_sql_table(name, conn)
            for name in optional:
                if name in present:
                    raw[name] = pd.read_sql_table(name, conn)
    except SQLAlchemyError as exc:
        raise InputDataError(f"cannot read database {origin!r}: {exc}", source=origin) from exc
    finally:
        engine.dispose()
    if problems:
        raise InputDataError(problems)
    return raw, sources, origin


def write_sql_tables(company_tables: dict[str, pd.DataFrame], url: str) -> None:
    """Write tables to a database (replacing same-named tables), e.g. to build a test DB."""
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            for name, frame in company_tables.items():
                frame.to_sql(name, conn, if_exists="replace", index=False)
    finally:
        engine.dispose()
