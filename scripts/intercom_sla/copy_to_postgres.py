#!/usr/bin/env python3
"""Copy the loader's raw tables from a DuckDB file into PostgreSQL with COPY, for the postgres target.

The loader writes DuckDB; this moves raw.messages, raw.conversations, raw.load_rejects and
raw.load_files as they are (same columns, PostgreSQL types) so the same dbt models run on PostgreSQL.
The raw schema there is replaced, in one transaction. Copying a DuckDB file that is not a later state of
the one copied before needs `dbt build --full-refresh` on PostgreSQL: incremental runs never drop a
conversation that vanished from raw.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path

import duckdb
import psycopg2

from intercom_sla.memory_limit import connect_read_only
from intercom_sla.postgres_connection import default_dsn
from intercom_sla.raw_tables import RAW_TABLES, raw_table_columns

log = logging.getLogger("copy_to_postgres")

POSTGRES_TYPES = {
    "VARCHAR": "text",
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "DOUBLE": "float8",
    "BOOLEAN": "boolean",
    "JSON": "json",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "TIMESTAMP": "timestamp",
}


def columns_of(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[tuple[str, str]]:
    return [(name, POSTGRES_TYPES[data_type]) for name, data_type in raw_table_columns(con, schema, table)]


def tables_in(con: duckdb.DuckDBPyConnection, schema: str) -> tuple[str, ...]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = $schema order by table_name",
        {"schema": schema},
    ).fetchall()
    return tuple(name for (name,) in rows)


def copy_tables(duckdb_path: Path, dsn: str, schema: str, every_table: bool = False) -> dict[str, int]:
    copied = {}
    with connect_read_only(duckdb_path) as source, psycopg2.connect(dsn) as target:
        source.execute("set TimeZone = 'UTC'")
        tables = tables_in(source, schema) if every_table else RAW_TABLES
        with target.cursor() as cursor, tempfile.TemporaryDirectory() as folder:
            cursor.execute(f'drop schema if exists "{schema}" cascade; create schema "{schema}"')
            for table in tables:
                columns = columns_of(source, schema, table)
                definition = ", ".join(f'"{name}" {data_type}' for name, data_type in columns)
                cursor.execute(f'create table "{schema}"."{table}" ({definition})')
                csv_path = Path(folder) / f"{table}.csv"
                source.execute(f"copy {schema}.{table} to '{csv_path}' (header, format csv)")
                with csv_path.open(encoding="utf-8") as handle:
                    cursor.copy_expert(f'copy "{schema}"."{table}" from stdin with (format csv, header true)', handle)
                copied[table] = cursor.rowcount
                log.info("%s.%s: %d rows", schema, table, cursor.rowcount)
    return copied


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="COPY the loader's raw tables from a DuckDB file into PostgreSQL (replacing the raw schema "
        "there), so `dbt build --target postgres` runs the same models on the same records."
    )
    parser.add_argument("--db", required=True, type=Path, help="DuckDB file the loader wrote")
    parser.add_argument(
        "--dsn",
        default=default_dsn(),
        help="libpq connection string (default: the POSTGRES_* variables, else the project's test server)",
    )
    parser.add_argument("--schema", default="raw", help="schema of the raw tables on both sides (default: raw)")
    parser.add_argument(
        "--every-table",
        action="store_true",
        help="copy every table of the schema, not only the loader's (for a connector's tables, SPEC §1 D)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        copied = copy_tables(args.db, args.dsn, args.schema, args.every_table)
    except (duckdb.Error, psycopg2.Error) as error:
        print(f"error: {str(error).strip().splitlines()[0]}", file=sys.stderr)
        return 2
    print(", ".join(f"{table} {rows}" for table, rows in copied.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
