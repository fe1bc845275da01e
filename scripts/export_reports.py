#!/usr/bin/env python3
"""Write the first-response SLA reports from the marts and print the headline numbers.

reports/sla_report.csv   one row per conversation in first-response scope (from fct_conversations)
reports/sla_summary.json the one-row summary (from mart_sla_summary)

The marts compute; this script only selects, formats (UTC ISO timestamps, minutes rounded to two
decimals) and writes. Text cells that a spreadsheet would run as a formula (starting with = + - @,
tab or carriage return) are prefixed with an apostrophe.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import duckdb

REPORT_COLUMNS = (
    "conversation_id",
    "started_at",
    "first_response_at",
    "response_minutes",
    "priority",
    "assignee_id",
    "tags",
    "sla_threshold_minutes",
    "sla_status",
    "sla_breached",
    "breach_by_minutes",
)
TEXT_COLUMNS = ("conversation_id", "priority", "assignee_id", "tags", "sla_status")
TIMESTAMP_COLUMNS = ("started_at", "first_response_at")
MINUTE_COLUMNS = ("response_minutes", "breach_by_minutes")


def report_column_sql(column: str) -> str:
    if column in TEXT_COLUMNS:
        return f"case when regexp_matches({column}, '^[=+\\-@\\t\\r]') then '''' || {column} else {column} end"
    if column in TIMESTAMP_COLUMNS:
        return f"strftime({column} at time zone 'UTC', '%Y-%m-%dT%H:%M:%SZ')"
    if column in MINUTE_COLUMNS:
        return f"round({column}, 2)"
    return column


def export_report_csv(con: duckdb.DuckDBPyConnection, schema: str, path: Path) -> int:
    columns = ",\n    ".join(f"{report_column_sql(column)} as {column}" for column in REPORT_COLUMNS)
    relation = con.sql(
        f"select\n    {columns}\nfrom {schema}.fct_conversations\n"
        "where in_first_response_scope\norder by started_at, conversation_id"
    )
    relation.write_csv(str(path), header=True)
    return len(relation)


def read_summary(con: duckdb.DuckDBPyConnection, schema: str) -> dict:
    relation = con.sql(f"select * from {schema}.mart_sla_summary")
    rows = relation.fetchall()
    if len(rows) != 1:
        raise LookupError(f"mart_sla_summary has {len(rows)} rows; expected 1")
    summary = dict(zip(relation.columns, rows[0], strict=True))
    rate = summary["breach_rate_pct"]
    top_assignees = json.loads(summary["top_5_assignees_by_breach_rate"] or "[]")
    for assignee in top_assignees:
        assignee["breach_rate_pct"] = round(assignee["breach_rate_pct"], 2)
    return {
        "total_conversations": summary["total_conversations"],
        "total_breaches": summary["total_breaches"],
        "breach_rate_pct": None if rate is None else round(rate, 2),
        "top_5_assignees_by_breach_rate": top_assignees,
        "breaches_by_priority": json.loads(summary["breaches_by_priority"] or "{}"),
        "total_pending": summary["total_pending"],
        "median_response_minutes": round_or_none(summary["median_response_minutes"]),
        "p95_response_minutes": round_or_none(summary["p95_response_minutes"]),
        "out_of_scope_conversations": summary["out_of_scope_conversations"],
        "unanswered_sla_status": summary["unanswered_sla_status"],
        "data_as_of": summary["data_as_of"].isoformat() if summary["data_as_of"] else None,
    }


def round_or_none(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def headline(summary: dict, report_rows: int, out_dir: Path) -> str:
    worst = ", ".join(
        f"{entry['assignee_id']} {entry['breach_rate_pct']}% ({entry['breaches']}/{entry['conversations']})"
        for entry in summary["top_5_assignees_by_breach_rate"][:3]
    )
    by_priority = ", ".join(f"{name} {count}" for name, count in summary["breaches_by_priority"].items())
    return "\n".join(
        (
            f"First-response SLA, data as of {summary['data_as_of']}",
            f"  conversations in scope  {summary['total_conversations']}"
            f"  (out of scope: {summary['out_of_scope_conversations']})",
            f"  breaches                {summary['total_breaches']}  ({summary['breach_rate_pct']}%)",
            f"  response minutes        median {summary['median_response_minutes']}"
            f", p95 {summary['p95_response_minutes']}",
            f"  breaches by priority    {by_priority}",
            f"  worst assignees         {worst}",
            f"  wrote {out_dir / 'sla_report.csv'} ({report_rows} rows) and {out_dir / 'sla_summary.json'}",
        )
    )


def schema_name(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a plain schema name (letters, digits, underscore)")
    return value


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Write reports/sla_report.csv and reports/sla_summary.json from the built marts.",
    )
    parser.add_argument("--db", required=True, type=Path, help="DuckDB database that `dbt build` wrote")
    parser.add_argument("--out", type=Path, default=Path("reports"), help="folder for the reports (default reports)")
    parser.add_argument("--schema", default="main", type=schema_name, help="schema holding the marts (default main)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.db.exists():
        print(f"error: {args.db}: no such database; run the loader and `dbt build` first", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        with duckdb.connect(str(args.db), read_only=True) as con:
            if not con.execute(
                "select count(*) from duckdb_tables() where schema_name = $schema and table_name = 'mart_sla_summary'",
                {"schema": args.schema},
            ).fetchall()[0][0]:
                print(f"error: {args.db}: no marts in schema {args.schema}; run `dbt build` first", file=sys.stderr)
                return 2
            report_rows = export_report_csv(con, args.schema, args.out / "sla_report.csv")
            summary = read_summary(con, args.schema)
    except duckdb.Error as error:
        print(f"error: {args.db}: {str(error).splitlines()[0]}", file=sys.stderr)
        return 2
    (args.out / "sla_summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(headline(summary, report_rows, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
