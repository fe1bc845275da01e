"""Write the SLA and resolution reports from the marts and print the headline numbers.

reports/sla_report.csv          one row per conversation in first-response scope (fct_conversations)
reports/sla_summary.json        the first-response summary (mart_first_response_summary)
reports/resolution_report.csv   one row per resolved conversation in the resolution metrics
reports/resolution_summary.json the resolution summary plus its breakdowns and daily series
reports/customer_waits.csv      one row per customer wait (fct_customer_waits, SPEC §7)
reports/next_reply_summary.json the next-reply summary plus its breakdowns (owner at breach, priority,
                                week, responder, bot vs human)

The marts compute; this module only selects, formats (UTC ISO timestamps, minutes rounded to two
decimals, whole seconds) and writes. Text cells that a spreadsheet or a terminal would act on (starting
with = + - @, tab, carriage return, line feed, their fullwidth forms, a bidi control or an escape) are
prefixed with an apostrophe, and the headline it prints spells control characters from the data as
escapes (intercom_sla.untrusted_text).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
from intercom_sla.database import connect_read_only
from intercom_sla.errors import UserError, unreadable_database
from intercom_sla.reports.atomic_files import report_folder, write_atomically
from intercom_sla.reports.marts import records, require_marts, single_row
from intercom_sla.untrusted_text import spreadsheet_safe_sql, terminal_safe


@dataclass(frozen=True)
class CsvReport:
    file_name: str
    # (column, format): text, timestamp, minutes (2 decimals), seconds (whole), plain
    columns: tuple[tuple[str, str], ...]
    where: str
    order_by: str
    relation: str = "fct_conversations"


SLA_REPORT = CsvReport(
    "sla_report.csv",
    (
        ("conversation_id", "text"),
        ("started_at", "timestamp"),
        ("first_response_at", "timestamp"),
        ("response_minutes", "minutes"),
        ("priority", "text"),
        ("assignee_id", "text"),
        ("tags", "text"),
        ("sla_threshold_minutes", "plain"),
        ("sla_status", "text"),
        ("sla_breached", "plain"),
        ("breach_by_minutes", "minutes"),
    ),
    where="in_first_response_scope",
    order_by="started_at, conversation_id",
)

RESOLUTION_REPORT = CsvReport(
    "resolution_report.csv",
    (
        ("conversation_id", "text"),
        ("user_id", "text"),
        ("resolution_started_at as started_at", "timestamp"),
        ("resolved_at", "timestamp"),
        ("resolution_seconds", "seconds"),
        ("assignee_email", "text"),
        ("tags", "text"),
    ),
    where="in_resolution_metrics",
    order_by="resolved_at, conversation_id",
)


WAITS_REPORT = CsvReport(
    "customer_waits.csv",
    (
        ("conversation_id", "text"),
        ("wait_number", "plain"),
        ("started_at", "timestamp"),
        ("customer_messages", "plain"),
        ("first_bot_reply_at", "timestamp"),
        ("ended_by", "text"),
        ("replied_at", "timestamp"),
        ("responder_id", "text"),
        ("wait_seconds", "seconds"),
        ("priority", "text"),
        ("threshold_minutes", "plain"),
        ("status", "text"),
        ("breach_at", "timestamp"),
        ("assignee_at_breach", "text"),
        ("team_at_breach", "text"),
    ),
    where="true",
    order_by="started_at, conversation_id, wait_number",
    relation="fct_customer_waits",
)


def column_sql(spec: str, kind: str) -> str:
    source, _, alias = spec.partition(" as ")
    name = alias or source
    expression = {
        "text": spreadsheet_safe_sql(source),
        "timestamp": f"strftime({source} at time zone 'UTC', '%Y-%m-%dT%H:%M:%SZ')",
        "minutes": f"round({source}, 2)",
        "seconds": f"cast(round({source}) as bigint)",
        "plain": source,
    }[kind]
    return f"{expression} as {name}"


def write_csv_report(con: duckdb.DuckDBPyConnection, schema: str, report: CsvReport, out_dir: Path) -> int:
    columns = ",\n    ".join(column_sql(spec, kind) for spec, kind in report.columns)
    relation = con.sql(
        f"select\n    {columns}\nfrom {schema}.{report.relation}\nwhere {report.where}\norder by {report.order_by}"
    )
    write_atomically(out_dir / report.file_name, lambda path: relation.write_csv(str(path), header=True))
    return len(relation)


def rounded(value: object, places: int = 2) -> object:
    return round(value, places) if isinstance(value, float) else value


def json_ready(row: dict, places: int = 2) -> dict:
    return {
        key: value.isoformat() if hasattr(value, "isoformat") else rounded(value, places) for key, value in row.items()
    }


def sla_summary(con: duckdb.DuckDBPyConnection, schema: str) -> dict:
    summary = single_row(con, schema, "mart_first_response_summary")
    top_assignees = [json_ready(entry) for entry in json.loads(summary.pop("top_5_assignees_by_breach_rate") or "[]")]
    breaches_by_priority = json.loads(summary.pop("breaches_by_priority") or "{}")
    rest = json_ready(summary)
    return {
        "total_conversations": rest.pop("total_conversations"),
        "total_breaches": rest.pop("total_breaches"),
        "breach_rate_pct": rest.pop("breach_rate_pct"),
        "top_5_assignees_by_breach_rate": top_assignees,
        "breaches_by_priority": breaches_by_priority,
        **rest,
    }


def resolution_summary(con: duckdb.DuckDBPyConnection, schema: str) -> dict:
    summary = json_ready(single_row(con, schema, "mart_resolution_summary"), places=4)

    def breakdown(mart: str, key: str) -> list[dict]:
        rows = records(con, f"select * from {schema}.{mart} order by {key}")
        return [json_ready(row, 4) for row in rows]

    return {
        **summary,
        "by_assignee": breakdown("mart_resolution_by_assignee", "assignee"),
        "by_tag": breakdown("mart_resolution_by_tag", "tag"),
        "by_priority": breakdown("mart_resolution_by_priority", "priority"),
        "daily": breakdown("mart_resolution_daily", "resolved_date"),
    }


def next_reply_summary(con: duckdb.DuckDBPyConnection, schema: str) -> dict:
    summary = json_ready(single_row(con, schema, "mart_next_reply_summary"))

    def breakdown(mart: str, key: str) -> list[dict]:
        return [json_ready(row) for row in records(con, f"select * from {schema}.{mart} order by {key}")]

    return {
        **summary,
        "by_assignee_at_breach": breakdown("mart_next_reply_breach_rate_by_assignee", "assignee_id"),
        "by_team_at_breach": breakdown("mart_next_reply_breach_rate_by_team", "team_id"),
        "by_priority": breakdown("mart_next_reply_breach_rate_by_priority", "priority"),
        "by_week": breakdown("mart_next_reply_breach_rate_by_week", "week_start"),
        "by_responder": breakdown("mart_next_reply_times_by_responder", "responder_id"),
        "bot_vs_human": breakdown("mart_next_reply_bot_vs_human", "answered_by, wait_kind"),
    }


def business_hours_line(sla: dict) -> list[str]:
    """Calendar and business-hours breach rates side by side, when any conversation has a schedule."""
    if not sla.get("business_hours_conversations"):
        return []
    return [
        f"  breach rate             calendar {sla['calendar_breach_rate_pct']}%,"
        f" business hours {sla['business_hours_breach_rate_pct']}%"
        f" ({sla['business_hours_conversations']} conversations with office hours)"
    ]


def next_reply_lines(next_reply: dict) -> list[str]:
    median = next_reply["median_subsequent_reply_seconds"]
    return [
        "Next reply (every wait after the first response)",
        f"  waits                   {next_reply['subsequent_waits']}"
        f"  (held to a target: {next_reply['rated_waits']},"
        f" closed without a reply: {next_reply['closed_without_reply']})",
        f"  breaches                {next_reply['breaches']}  ({next_reply['breach_rate_pct']}%)",
        f"  subsequent reply        median {None if median is None else round(median / 60, 1)} min",
        f"  waits a bot answered    {next_reply['bot_answered_waits']} of {next_reply['total_waits']}",
    ]


def headline(sla: dict, resolution: dict, next_reply: dict, written: dict[str, int], out_dir: Path) -> str:
    worst = ", ".join(
        f"{entry['assignee_id']} {entry['breach_rate_pct']}% ({entry['breaches']}/{entry['conversations']})"
        for entry in sla["top_5_assignees_by_breach_rate"][:3]
    )
    by_priority = ", ".join(f"{name} {count}" for name, count in sla["breaches_by_priority"].items())
    within_24h = resolution["within_24h_share"]
    lines = [
        f"First-response SLA, data as of {sla['data_as_of']}",
        f"  conversations in scope  {sla['total_conversations']}"
        f"  (out of scope, no customer message: {sla['out_of_scope_conversations']})",
        f"  breaches                {sla['total_breaches']}  ({sla['breach_rate_pct']}%)",
        *business_hours_line(sla),
        f"  response minutes        median {sla['median_response_minutes']}, p95 {sla['p95_response_minutes']}",
        f"  breaches by priority    {by_priority}",
        f"  worst assignees         {worst}",
        "Resolution",
        f"  resolved                {resolution['total_closed']}"
        f"  (unresolved: {resolution['unresolved_conversations']}, excluded: {resolution['excluded_conversations']})",
        f"  resolution hours        median {rounded(resolution['median_hours'])},"
        f" p95 {rounded(resolution['p95_hours'])}",
        f"  resolved within 24 h    {None if within_24h is None else round(100 * within_24h, 1)}%",
        *next_reply_lines(next_reply),
        "Wrote "
        + ", ".join(
            f"{out_dir / name}" + (f" ({rows} rows)" if name.endswith(".csv") else "") for name, rows in written.items()
        ),
    ]
    return "\n".join(terminal_safe(line) for line in lines)


def write_report_tables(db: Path, out: Path, schema: str = "main") -> str:
    """Write the CSV reports and JSON summaries of the marts in `schema` into `out`; the headline to print."""
    try:
        report_folder(out)
        with connect_read_only(db) as con:
            require_marts(con, db, schema)
            written = {
                report.file_name: write_csv_report(con, schema, report, out)
                for report in (SLA_REPORT, RESOLUTION_REPORT, WAITS_REPORT)
            }
            sla = sla_summary(con, schema)
            resolution = resolution_summary(con, schema)
            next_reply = next_reply_summary(con, schema)
    except (duckdb.Error, LookupError) as error:
        raise unreadable_database(db, error) from None
    try:
        summaries = (
            ("sla_summary.json", sla),
            ("resolution_summary.json", resolution),
            ("next_reply_summary.json", next_reply),
        )
        for name, summary in summaries:
            text = json.dumps(summary, indent=2) + "\n"
            write_atomically(out / name, lambda path, text=text: path.write_text(text, encoding="utf-8"))
            written[name] = 1
    except OSError as error:
        raise UserError(f"{out}: cannot write the reports ({error.strerror or error}); none was half-written") from None
    return headline(sla, resolution, next_reply, written, out)
