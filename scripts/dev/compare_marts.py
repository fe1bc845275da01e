#!/usr/bin/env python3
"""Compare every mart of a DuckDB build with the same marts built on PostgreSQL or Spark.

Counts, text and timestamps must be equal; ratios and other floating-point values may differ by
1e-6 (relative). JSON text columns are compared parsed, since engines space JSON differently. Row
order does not matter. Exit status 1 lists every difference.

The work happens on the other engine: each DuckDB mart is copied there (PostgreSQL: COPY of a CSV
into a temporary table typed like the mart; Spark: a Parquet file) and the two are compared there,
floats rounded to 6 decimals on both sides: on PostgreSQL in one grouped pass over both (each distinct
row with how many more times one side has it), on Spark with `except all` both ways. Only the rows
one side has more often come back to Python, where what float noise remains (a value rounding the
other way) and JSON spacing are told apart from real differences, so a 1M-conversation comparison
costs one copy and one pass, not every row held in Python.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import psycopg2
from intercom_sla.export.postgres import default_dsn

MART_PREFIXES = ("fct_", "bridge_", "mart_")
TOLERANCE = 1e-6
DECIMALS = 6


def normalised(value: Any) -> Any:
    """Engine-neutral form of a cell: floats for decimals, parsed JSON for JSON text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def same(left: Any, right: Any) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    if isinstance(left, (int, float)) and isinstance(right, (int, float)):
        # both sides come rounded to DECIMALS: two values within the tolerance can round a unit apart
        return math.isclose(left, right, rel_tol=TOLERANCE, abs_tol=TOLERANCE + 10**-DECIMALS)
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(same(left[key], right[key]) for key in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(same(a, b) for a, b in zip(left, right, strict=True))
    return left == right


def sort_key(row: tuple) -> tuple:
    # exact columns first, floats rounded, so float noise between engines cannot reorder rows
    def cell(value: Any) -> tuple:
        if value is None:
            return (0, "")
        if isinstance(value, float):
            return (1, f"{round(value, 6):.6f}")
        return (1, json.dumps(value, sort_keys=True, default=str))

    return tuple(cell(value) for value in row)


def marts(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = $schema order by table_name",
        {"schema": schema},
    ).fetchall()
    return [name for (name,) in rows if name.startswith(MART_PREFIXES)]


class MissingMart(Exception):
    """A mart the DuckDB build has is not on the other engine."""


@dataclass
class Difference:
    """The rows of one mart that only one side has (compared as text on the engine), and the counts."""

    duckdb_rows: int
    engine_rows: int
    only_duckdb: list[tuple]
    only_engine: list[tuple]


@dataclass(frozen=True)
class Column:
    name: str
    is_float: bool  # DOUBLE, FLOAT or DECIMAL in DuckDB: compared rounded on the engine, then within tolerance


# (mart, its columns, the DuckDB connection holding it) -> what the other engine finds
SetDifference = Callable[[str, list[Column], duckdb.DuckDBPyConnection, str], Difference]
FLOAT_TYPES = ("DOUBLE", "FLOAT", "REAL", "DECIMAL")


def quoted(columns: list[Column], quote: str = '"') -> str:
    return ", ".join(f"{quote}{column.name}{quote}" for column in columns)


def rounded(columns: list[Column], round_sql: str, quote: str = '"') -> list[str]:
    """The columns to compare on the engine, floats rounded there (`round_sql` formats a quoted name), so
    that float noise between engines never comes back to Python as a difference to look at again."""
    return [
        f"{round_sql.format(f'{quote}{column.name}{quote}')} as {quote}{column.name}{quote}"
        if column.is_float
        else f"{quote}{column.name}{quote}"
        for column in columns
    ]


def surplus_rows_sql(compared: list[str], names: str, duckdb_side: str, engine_side: str) -> str:
    """Each distinct row of the two sides with how many more times DuckDB has it than the engine
    (negative: fewer), leaving out the rows both have as often: one grouped pass, where `except all`
    both ways sorted every row twice."""
    columns = ", ".join(compared)
    return (
        f"select {names}, sum(side) as surplus"
        f" from (select {columns}, 1 as side from {duckdb_side}"
        f" union all select {columns}, -1 as side from {engine_side}) as both_sides"
        f" group by {names} having sum(side) <> 0"
    )


def split_by_surplus(rows: list[tuple]) -> tuple[list[tuple], list[tuple]]:
    """(rows only DuckDB has, rows only the engine has), each as often as its surplus."""
    only_duckdb: list[tuple] = []
    only_engine: list[tuple] = []
    for *row, surplus in rows:
        (only_duckdb if surplus > 0 else only_engine).extend([tuple(row)] * abs(surplus))
    return only_duckdb, only_engine


@contextmanager
def postgres_marts(dsn: str, schema: str) -> Iterator[SetDifference]:
    with psycopg2.connect(dsn) as connection, tempfile.TemporaryDirectory() as folder:
        cursor = connection.cursor()
        cursor.execute("set time zone 'UTC'")
        # the grouped pass over a fact's millions of rows stays in memory rather than spilling to disk
        cursor.execute("set work_mem = '256MB'")

        def set_difference(
            mart: str, columns: list[Column], left: duckdb.DuckDBPyConnection, left_schema: str
        ) -> Difference:
            try:
                cursor.execute(f'create temp table duckdb_side as select * from "{schema}"."{mart}" where false')
            except psycopg2.Error as error:
                connection.rollback()
                raise MissingMart(str(error).splitlines()[0]) from None
            rows_file = Path(folder) / f"{mart}.csv"
            left.execute(
                f"copy (select {quoted(columns)} from {left_schema}.{mart}) to '{rows_file}' (header, format csv)"
            )
            with rows_file.open(encoding="utf-8") as rows:
                cursor.copy_expert(f"copy duckdb_side ({quoted(columns)}) from stdin with (format csv, header)", rows)
            rows_file.unlink()
            # rounded in double precision, far cheaper than numeric: both sides go through the same
            # expression, and a value that still rounds a unit apart is allowed for by same()
            compared = rounded(columns, f"round(cast({{}} as double precision) * 1e{DECIMALS}) / 1e{DECIMALS}")
            cursor.execute(f'select (select count(*) from duckdb_side), (select count(*) from "{schema}"."{mart}")')
            duckdb_rows, engine_rows = cursor.fetchone()
            cursor.execute(surplus_rows_sql(compared, quoted(columns), "duckdb_side", f'"{schema}"."{mart}"'))
            only_duckdb, only_engine = split_by_surplus(cursor.fetchall())
            cursor.execute("drop table duckdb_side")
            return Difference(duckdb_rows, engine_rows, only_duckdb, only_engine)

        yield set_difference


@contextmanager
def spark_marts(spark_dir: Path, schema: str) -> Iterator[SetDifference]:
    # PySpark hands timestamps back as naive local times: make local time UTC, then say so
    os.environ["TZ"] = "UTC"
    time.tzset()
    from spark_session import local_session  # pyspark is installed by `make test-spark` only

    session = local_session(spark_dir)

    def utc(rows: list) -> list[tuple]:
        return [
            tuple(value.replace(tzinfo=UTC) if isinstance(value, datetime) else value for value in row) for row in rows
        ]

    try:
        with tempfile.TemporaryDirectory() as folder:

            def set_difference(
                mart: str, columns: list[Column], left: duckdb.DuckDBPyConnection, left_schema: str
            ) -> Difference:
                if not session.catalog.tableExists(f"{schema}.{mart}"):
                    raise MissingMart(f"no table {schema}.{mart}")
                rows_file = Path(folder) / f"{mart}.parquet"
                left.execute(
                    f"copy (select {quoted(columns)} from {left_schema}.{mart}) to '{rows_file}' (format parquet)"
                )
                compared = rounded(columns, f"round({{}}, {DECIMALS})", quote="`")
                engine_side = session.table(f"{schema}.{mart}").selectExpr(*compared)
                duckdb_side = session.read.parquet(str(rows_file)).selectExpr(*compared)
                return Difference(
                    duckdb_side.count(),
                    engine_side.count(),
                    utc(duckdb_side.exceptAll(engine_side).collect()),
                    utc(engine_side.exceptAll(duckdb_side).collect()),
                )

            yield set_difference
    finally:
        session.stop()


def compare(duckdb_path: Path, duckdb_schema: str, engine: str, set_difference: SetDifference) -> list[str]:
    problems = []
    with duckdb.connect(str(duckdb_path), read_only=True) as left:
        left.execute("set TimeZone = 'UTC'")
        for mart in marts(left, duckdb_schema):
            columns = [
                Column(name, column_type.startswith(FLOAT_TYPES))
                for name, column_type in left.execute(
                    f"select column_name, column_type from (describe {duckdb_schema}.{mart})"
                ).fetchall()
            ]
            try:
                found = set_difference(mart, columns, left, duckdb_schema)
            except MissingMart as error:
                problems.append(f"{mart}: missing on {engine} ({error})")
                continue
            if found.duckdb_rows != found.engine_rows:
                problems.append(f"{mart}: {found.duckdb_rows} rows on DuckDB, {found.engine_rows} on {engine}")
                continue
            # rows that differ as stored: pair them after sorting and look again with the tolerance
            expected_rows = sorted((tuple(map(normalised, row)) for row in found.only_duckdb), key=sort_key)
            actual_rows = sorted((tuple(map(normalised, row)) for row in found.only_engine), key=sort_key)
            differences = (
                [f"{mart}: {len(expected_rows)} rows only on DuckDB, {len(actual_rows)} only on {engine}"]
                if len(expected_rows) != len(actual_rows)
                else [
                    f"{mart} row {number}: {column.name} = {a!r} on DuckDB, {b!r} on {engine}"
                    for number, (expected_row, actual_row) in enumerate(zip(expected_rows, actual_rows, strict=True), 1)
                    for column, a, b in zip(columns, expected_row, actual_row, strict=True)
                    if not same(a, b)
                ]
            )
            problems.extend(differences[:10])
            noise = f" ({len(expected_rows)} within the tolerance)" if expected_rows and not differences else ""
            print(
                f"{mart}: {found.duckdb_rows} rows, "
                + (f"{len(differences)} differences" if differences else "identical")
                + noise
            )
    return problems


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Compare every mart (fct_, bridge_, mart_ tables) of a DuckDB build with the same marts built on "
        "PostgreSQL or Spark: exact for counts, text and timestamps, within 1e-6 for floating-point values."
    )
    parser.add_argument("--duckdb", required=True, type=Path, help="DuckDB file with the built marts")
    parser.add_argument("--duckdb-schema", default="main", help="schema of the marts in DuckDB (default: main)")
    parser.add_argument(
        "--against", choices=("postgres", "spark"), default="postgres", help="the other engine (default: postgres)"
    )
    parser.add_argument(
        "--dsn",
        default=default_dsn(),
        help="postgres: libpq connection string (default: the POSTGRES_* variables, else the project's test server)",
    )
    parser.add_argument(
        "--spark-dir",
        type=Path,
        default=Path(os.environ.get("SPARK_DIR", "data/spark")),
        help="spark: folder of the local metastore and warehouse the spark profile used (default: $SPARK_DIR or "
        "data/spark)",
    )
    parser.add_argument(
        "--schema",
        default=os.environ.get("POSTGRES_SCHEMA", os.environ.get("SPARK_SCHEMA", "analytics")),
        help="schema of the marts on the other engine (default: $POSTGRES_SCHEMA, $SPARK_SCHEMA or analytics)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.against == "postgres":
        other = postgres_marts(args.dsn, args.schema)
        engine = "PostgreSQL"
    else:
        other = spark_marts(args.spark_dir, args.schema)
        engine = "Spark"
    with other as set_difference:
        problems = compare(args.duckdb, args.duckdb_schema, engine, set_difference)
    for problem in problems:
        print(problem, file=sys.stderr)
    print("marts match" if not problems else f"{len(problems)} difference(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
