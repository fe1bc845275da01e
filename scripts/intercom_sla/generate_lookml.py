#!/usr/bin/env python3
"""Generate LookML views for the marts from dbt's manifest (`dbt parse` writes target/manifest.json).

One view per fct_/mart_/bridge_ model: a dimension per documented column (type from its contract
data_type; timestamps and dates as dimension groups), its description as the label's help text, and
measures where the grain allows them: counts, breach and resolution rates, median response and
resolution times. Copy the files into a LookML project and point the connection at the warehouse.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

NUMBER_TYPES = ("bigint", "integer", "double", "double precision", "numeric", "float")


def quoted(text: str) -> str:
    return json.dumps(" ".join(text.split()))


def dimension(name: str, data_type: str, description: str) -> str:
    data_type = data_type.lower()
    help_text = f"    description: {quoted(description)}\n" if description else ""
    if data_type.startswith("timestamp") or data_type == "date":
        timeframes = (
            "[date, week, month, quarter]" if data_type == "date" else "[raw, time, date, week, month, quarter]"
        )
        datatype = "    datatype: date\n" if data_type == "date" else ""
        return (
            f"  dimension_group: {name} {{\n    type: time\n    timeframes: {timeframes}\n{datatype}"
            f"    sql: ${{TABLE}}.{name} ;;\n{help_text}  }}\n"
        )
    looker_type = "number" if data_type in NUMBER_TYPES else "yesno" if data_type == "boolean" else "string"
    return f"  dimension: {name} {{\n    type: {looker_type}\n    sql: ${{TABLE}}.{name} ;;\n{help_text}  }}\n"


def measure(name: str, body: str, description: str) -> str:
    return f"  measure: {name} {{\n{body}    description: {quoted(description)}\n  }}\n"


def measures(columns: set[str]) -> list[str]:
    found = ["  measure: row_count {\n    type: count\n  }\n"]
    if {"conversations", "breaches"} <= columns:  # pre-aggregated breach-rate marts: re-aggregate sums
        found += [
            measure(
                "total_conversations", "    type: sum\n    sql: ${TABLE}.conversations ;;\n", "Conversations in scope."
            ),
            measure("total_breaches", "    type: sum\n    sql: ${TABLE}.breaches ;;\n", "Breached conversations."),
            measure(
                "overall_breach_rate_pct",
                "    type: number\n    sql: 100.0 * ${total_breaches} / NULLIF(${total_conversations}, 0) ;;\n"
                "    value_format_name: decimal_1\n",
                "Breaches / conversations x 100, over whatever rows are selected.",
            ),
        ]
    if {"sla_status", "response_minutes"} <= columns:  # conversation grain
        found += [
            measure(
                "breaches",
                '    type: count\n    filters: [sla_status: "breached"]\n',
                "Conversations whose first response breached its threshold.",
            ),
            measure(
                "breach_rate_pct",
                "    type: number\n    sql: 100.0 * ${breaches}"
                " / NULLIF(COUNT(CASE WHEN ${TABLE}.in_first_response_scope THEN 1 END), 0) ;;\n"
                "    value_format_name: decimal_1\n",
                "First-response breach rate (0-100) over conversations in scope.",
            ),
            measure(
                "median_response_minutes",
                "    type: median\n    sql: ${TABLE}.response_minutes ;;\n",
                "Median minutes to first response, answered conversations.",
            ),
        ]
    if {"resolution_seconds", "in_resolution_metrics"} <= columns:
        found.append(
            measure(
                "median_resolution_hours",
                "    type: median\n    sql: CASE WHEN ${TABLE}.in_resolution_metrics"
                " THEN ${TABLE}.resolution_seconds / 3600.0 END ;;\n",
                "Median resolution time in hours, resolved conversations.",
            )
        )
    return found


def view(node: dict, schema: str) -> str:
    columns = node["columns"]
    parts = [f"view: {node['name']} {{\n  sql_table_name: {schema}.{node['name']} ;;\n"]
    if node.get("description"):
        parts.append(f"  # {' '.join(node['description'].split())}\n")
    parts += [
        dimension(name, column.get("data_type") or "", column.get("description", ""))
        for name, column in columns.items()
    ]
    parts += measures(set(columns))
    parts.append("}\n")
    return "".join(parts)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Generate LookML views for the marts from dbt's manifest.json.")
    parser.add_argument("--manifest", type=Path, default=Path("target/manifest.json"), help="run `dbt parse` first")
    parser.add_argument("--out", type=Path, default=Path("lookml"), help="folder for the .view.lkml files")
    parser.add_argument("--schema", default="main", help="schema the marts are built in (default main)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.manifest.exists():
        print(f"error: {args.manifest}: no manifest; run `dbt parse` first", file=sys.stderr)
        return 2
    manifest = json.loads(args.manifest.read_text(encoding="utf-8"))
    marts = [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["name"].startswith(("fct_", "mart_", "bridge_"))
    ]
    args.out.mkdir(parents=True, exist_ok=True)
    for node in sorted(marts, key=lambda node: node["name"]):
        (args.out / f"{node['name']}.view.lkml").write_text(view(node, args.schema), encoding="utf-8")
    print(f"wrote {len(marts)} LookML views to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
