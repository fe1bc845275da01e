"""What a database holds, in a few lines a person can read (`intercom-sla status`)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from intercom_sla.database import connect_read_only
from intercom_sla.errors import unreadable_database
from intercom_sla.load.completeness import INCOMPLETE_SQL
from intercom_sla.reports.data_quality import ISSUES, issue_counts


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    """A table or a view (the aggregating marts are views on DuckDB)."""
    query = "select count(*) from information_schema.tables where table_schema = $schema and table_name = $table"
    return bool(con.execute(query, {"schema": schema, "table": table}).fetchone()[0])


def describe_database(database: Path) -> str:
    try:
        with connect_read_only(database) as con:
            return describe(con, database)
    except duckdb.Error as error:
        raise unreadable_database(database, error) from None


def describe(con: duckdb.DuckDBPyConnection, database: Path) -> str:
    loaded = table_exists(con, "raw", "load_files")
    built = table_exists(con, "main", "fct_conversations")
    if not loaded and not built:
        return f"{database}: nothing loaded yet (intercom-sla load EXPORT...)"
    lines = [
        f"{database}",
        *(loaded_files(con) if loaded else ["files loaded: none (built from a connector's tables)"]),
    ]
    if built:
        lines += built_marts(con)
    else:
        (incomplete,) = con.execute(INCOMPLETE_SQL).fetchone()
        lines.append(f"incomplete conversations: {incomplete or 'none'}")
        lines.append("marts: not built yet (intercom-sla build)")
    return "\n".join(lines)


def loaded_files(con: duckdb.DuckDBPyConnection) -> list[str]:
    files = con.execute(
        """
        select _source_file, any_value(export_kind), count(*) as loads, sum(records_read), sum(records_loaded),
            sum(coalesce(records_superseded, 0)), sum(records_duplicate), sum(records_rejected), max(_loaded_at)
        from raw.load_files
        group by _source_file
        order by max(_loaded_at), _source_file
        """
    ).fetchall()
    lines = [f"files loaded: {len(files)}"]
    for name, kind, loads, read, loaded, superseded, duplicates, rejected, last in files:
        lines.append(
            f"  {name} ({kind}; {loads} load(s), last {last:%Y-%m-%d %H:%M} UTC): read {read}, loaded {loaded},"
            f" superseded {superseded}, duplicates {duplicates}, rejected {rejected}"
        )
    messages, conversations, rejects = con.execute(
        "select (select count(*) from raw.messages), (select count(*) from raw.conversations),"
        " (select count(*) from raw.load_rejects)"
    ).fetchone()
    lines.append(f"stored: {messages} messages, {conversations} conversation rows, {rejects} rejects")
    if rejects:
        lines.append("  see them: select _source_file, _source_line, reason from raw.load_rejects")
    if table_exists(con, "raw", "pull_state"):
        cursors = con.execute("select api_url, updated_through from raw.pull_state order by api_url").fetchall()
        for api_url, through in cursors:
            lines.append(f"pulled from {api_url}: every update through {through:%Y-%m-%d %H:%M:%S} UTC")
        (deleted,) = con.execute("select count(*) from raw.pull_deleted").fetchone()
        if deleted:
            lines.append(f"  {deleted} conversation(s) found deleted in Intercom: see raw.pull_deleted")
    return lines


def built_marts(con: duckdb.DuckDBPyConnection) -> list[str]:
    """What the marts were built from: the as-of time and the data-quality counts the marts use."""
    conversations, as_of = con.execute("select count(*), max(data_as_of) from main.fct_conversations").fetchone()
    lines = [f"data as of: {as_of:%Y-%m-%d %H:%M} UTC" if as_of else "data as of: no timestamps"]
    if table_exists(con, "main", "mart_conversation_data_quality"):
        counts = issue_counts(con, "main")
        lines += [f"conversations {ISSUES[issue]}: {count}" for issue, count in counts.items()]
        if any(counts.values()):
            lines.append("  see them: select * from main.mart_conversation_data_quality")
    lines.append(f"marts: built, {conversations} conversations in fct_conversations")
    return lines
