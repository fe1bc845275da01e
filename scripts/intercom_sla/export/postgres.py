"""Copy the loader's raw tables from a DuckDB file into PostgreSQL with COPY, for the postgres target.

The loader writes DuckDB; this moves raw.messages, raw.conversations, raw.load_rejects and
raw.load_files as they are (same columns, PostgreSQL types) so the same dbt models run on PostgreSQL.
The raw schema there is replaced, in one transaction. Copying a DuckDB file that is not a later state of
the one copied before needs `dbt build --full-refresh` on PostgreSQL: incremental runs never drop a
conversation that vanished from raw.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import duckdb
import psycopg2
from intercom_sla.database import connect_read_only
from intercom_sla.errors import UserError
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


def default_dsn() -> str:
    """The POSTGRES_* variables, else the project's test server (scripts/dev/postgres.sh)."""
    return (
        f"host={os.environ.get('POSTGRES_HOST', '127.0.0.1')} port={os.environ.get('POSTGRES_PORT', '54329')} "
        f"user={os.environ.get('POSTGRES_USER', 'postgres')} dbname={os.environ.get('POSTGRES_DB', 'intercom_sla')}"
    )


def copy_to_postgres(db: Path, dsn: str, schema: str = "raw", every_table: bool = False) -> str:
    """Replace `schema` in PostgreSQL with the tables of `db`; the line to print (rows per table)."""
    try:
        copied = copy_tables(db, dsn, schema, every_table)
    except (duckdb.Error, psycopg2.Error) as error:
        raise UserError(f"copying {db} to PostgreSQL failed: {str(error).strip().splitlines()[0]}") from None
    return ", ".join(f"{table} {rows}" for table, rows in copied.items())
