"""Generate LookML views for the marts from dbt's manifest (`dbt parse` writes target/manifest.json).

One view per fct_/mart_/bridge_ model: a dimension per documented column (type from its contract
data_type; timestamps and dates as dimension groups), its description as the label's help text, and
measures where the grain allows them: counts, breach and resolution rates, median response and
resolution times. Copy the files into a LookML project and point the connection at the warehouse.
"""

from __future__ import annotations

import json
from pathlib import Path

from intercom_sla.errors import UserError

NUMBER_TYPES = ("bigint", "integer", "double", "double precision", "numeric", "float")


def lookml_string(text: str) -> str:
    return json.dumps(" ".join(text.split()))


def dimension(name: str, data_type: str, description: str) -> str:
    data_type = data_type.lower()
    help_text = f"    description: {lookml_string(description)}\n" if description else ""
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
    return f"  measure: {name} {{\n{body}    description: {lookml_string(description)}\n  }}\n"


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


def write_lookml(manifest_path: Path, out: Path, schema: str = "main") -> str:
    """A view per mart of the dbt manifest at `manifest_path` into `out`; the line to print."""
    if not manifest_path.exists():
        raise UserError(f"{manifest_path}: no manifest; run `dbt parse` first")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    marts = [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["name"].startswith(("fct_", "mart_", "bridge_"))
    ]
    out.mkdir(parents=True, exist_ok=True)
    for node in sorted(marts, key=lambda node: node["name"]):
        (out / f"{node['name']}.view.lkml").write_text(view(node, schema), encoding="utf-8")
    return f"wrote {len(marts)} LookML views to {out}"
