"""The DuckDB database every command works on, and every connection to it (the loader's, the readers' and,
through profiles.yml, dbt's), with the one memory limit they keep."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import duckdb

from intercom_sla.errors import UserError, database_in_use, in_use

DEFAULT_DB = Path("data/intercom_sla.duckdb")
# DuckDB's limit covers its buffers; Python, dbt and DuckDB's allocations outside the buffer pool add
# about 0.5 GB, so a 4 GB machine needs a lower setting (docs/operations.md). profiles.yml names the
# same default for dbt; tests/test_cli.py holds the two together.
DEFAULT_MEMORY_LIMIT = "3GB"

# DuckDB writes this at byte 8 of every database file.
DUCKDB_MAGIC = b"DUCK"
# A new --db path ending like an export is a slip (an export given as the database), never a database.
EXPORT_LIKE_SUFFIXES = (".csv", ".tsv", ".json", ".jsonl", ".ndjson", ".parquet", ".gz", ".zip", ".txt", ".xlsx")
# DuckDB names a database after its file name up to the first dot (leading dots skipped), and dbt
# qualifies every table with that name, so it must differ from the schemas and catalogs beside it.
NAMES_TAKEN_IN_DUCKDB = ("raw", "main", "temp", "system", "memory", "pg_catalog", "information_schema")


def database_path(db: Path | None) -> Path:
    """`--db`, else $INTERCOM_SLA_DB, else data/intercom_sla.duckdb (the dbt profile reads the same variable)."""
    return (db or Path(os.environ.get("INTERCOM_SLA_DB") or DEFAULT_DB)).resolve()


def configured_memory_limit() -> str:
    return os.environ.get("DBT_DUCKDB_MEMORY_LIMIT") or DEFAULT_MEMORY_LIMIT


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
        raise UserError(f"{db_path}: {name_problem}; choose another file name, for example intercom_sla.duckdb")
    if db_path.is_dir():
        raise UserError(f"{db_path}: is a folder; {hint}")
    if db_path.exists():
        try:
            with db_path.open("rb") as handle:
                header = handle.read(12)
        except OSError as error:
            raise UserError(f"{db_path}: cannot read the database ({error.strerror})") from None
        if header[8:12] != DUCKDB_MAGIC:
            raise UserError(f"{db_path}: is not a DuckDB database (an export given as --db?); {hint}")
        return
    if db_path.name.lower().endswith(EXPORT_LIKE_SUFFIXES):
        raise UserError(f"{db_path}: a new database named like an export file; {hint}")
    if not db_path.parent.exists():
        raise UserError(f"{db_path}: the folder {db_path.parent} does not exist")


def require_database(db_path: Path) -> None:
    """An existing DuckDB database at `db_path`, else one line on how to make one."""
    if not db_path.exists():
        raise UserError(f"{db_path}: no database yet; load an export first: intercom-sla load --db {db_path} EXPORT...")
    check_database_path(db_path)


def connect(db_path: Path, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """The writer's connection; beyond the limit DuckDB spills to <db>.tmp instead of growing without bound."""
    check_database_path(db_path)
    try:
        return duckdb.connect(str(db_path), config={"memory_limit": memory_limit or configured_memory_limit()})
    except duckdb.IOException as error:
        message = str(error).splitlines()[0]
        if database_in_use(message):
            raise in_use(db_path) from None
        raise UserError(f"{db_path}: cannot open the database ({message})") from None


def connect_read_only(db_path: Path) -> duckdb.DuckDBPyConnection:
    """A reader's connection; without a limit DuckDB would take 80% of the machine for a large export."""
    try:
        return duckdb.connect(str(db_path), read_only=True, config={"memory_limit": configured_memory_limit()})
    except duckdb.IOException as error:
        if database_in_use(str(error)):
            raise in_use(db_path) from None
        raise
