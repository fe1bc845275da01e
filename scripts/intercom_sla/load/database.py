"""The database a load writes to (SPEC §2): a DuckDB file or a new path, checked before anything is read."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import duckdb

from .errors import LoadError

# DuckDB writes this at byte 8 of every database file.
DUCKDB_MAGIC = b"DUCK"
# A new --db path ending like an export is a slip (an export given as the database), never a database.
EXPORT_LIKE_SUFFIXES = (".csv", ".tsv", ".json", ".jsonl", ".ndjson", ".parquet", ".gz", ".zip", ".txt", ".xlsx")


# DuckDB names a database after its file name up to the first dot (leading dots skipped), and dbt
# qualifies every table with that name, so it must differ from the schemas and catalogs beside it.
NAMES_TAKEN_IN_DUCKDB = ("raw", "main", "temp", "system", "memory", "pg_catalog", "information_schema")


def database_name_problem(db_path: Path) -> str | None:
    """Why dbt could not work in a database of this file name, or None."""
    catalog = db_path.name.lstrip(".").split(".")[0] or db_path.name
    if catalog.lower() in NAMES_TAKEN_IN_DUCKDB:
        return f"DuckDB would name the database {catalog!r}, as a schema or catalog inside it is named"
    if any(character in "\"'`\\" or unicodedata.category(character).startswith("C") for character in catalog):
        return "quotes, backslashes and control characters in the file name break the database's name in SQL"
    return None


def check_database_path(db_path: Path) -> None:
    """Refuse anything that is not a DuckDB file or a new path, in one line, naming what it is instead."""
    hint = "expected a DuckDB database file, for example --db data/intercom_sla.duckdb"
    name_problem = database_name_problem(db_path)
    if name_problem:
        raise LoadError(f"{db_path}: {name_problem}; choose another file name, for example intercom_sla.duckdb")
    if db_path.is_dir():
        raise LoadError(f"{db_path}: is a folder; {hint}")
    if db_path.exists():
        try:
            with db_path.open("rb") as handle:
                header = handle.read(12)
        except OSError as error:
            raise LoadError(f"{db_path}: cannot read the database ({error.strerror})") from None
        if header[8:12] != DUCKDB_MAGIC:
            raise LoadError(f"{db_path}: is not a DuckDB database (an export given as --db?); {hint}")
        return
    if db_path.name.lower().endswith(EXPORT_LIKE_SUFFIXES):
        raise LoadError(f"{db_path}: a new database named like an export file; {hint}")
    if not db_path.parent.exists():
        raise LoadError(f"{db_path}: the folder {db_path.parent} does not exist")


def connect(db_path: Path, memory_limit: str) -> duckdb.DuckDBPyConnection:
    check_database_path(db_path)
    try:
        # beyond the limit DuckDB spills to <db>.tmp instead of growing without bound
        return duckdb.connect(str(db_path), config={"memory_limit": memory_limit})
    except duckdb.IOException as error:
        message = str(error).splitlines()[0]
        if "lock" in message.lower():
            raise LoadError(
                f"{db_path}: the database is in use by another process; retry when it finishes ({message})"
            ) from None
        raise LoadError(f"{db_path}: cannot open the database ({message})") from None
