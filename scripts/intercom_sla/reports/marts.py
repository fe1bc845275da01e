"""Reading the built marts: rows as dicts, a summary mart's one row, and a clear error when none are built."""

from __future__ import annotations

from pathlib import Path

import duckdb
from intercom_sla.errors import UserError

# the mart every report reads first; a schema without it holds no build
FIRST_MART = "mart_first_response_summary"


def require_marts(con: duckdb.DuckDBPyConnection, db: Path, schema: str) -> None:
    built = con.execute(
        "select count(*) from information_schema.tables where table_schema = $schema and table_name = $mart",
        {"schema": schema, "mart": FIRST_MART},
    ).fetchall()[0][0]
    if not built:
        raise UserError(f"{db}: no marts in schema {schema}; build them first: intercom-sla build --db {db}")


def records(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    relation = con.sql(sql)
    return [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]


def single_row(con: duckdb.DuckDBPyConnection, schema: str, mart: str) -> dict:
    rows = records(con, f"select * from {schema}.{mart}")
    if len(rows) != 1:
        raise LookupError(f"{mart} has {len(rows)} rows; expected 1")
    return rows[0]
