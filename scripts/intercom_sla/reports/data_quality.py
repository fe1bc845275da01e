"""The data-quality counts the marts were built with (mart_conversation_data_quality), as `intercom-sla
status` and the review pack show them."""

from __future__ import annotations

import duckdb

ISSUES = {
    "deleted": "deleted in Intercom or by the connector (left out of every mart)",
    "orphan_parts": "with parts but no conversation row (parts left out)",
    "incomplete": "incomplete (Intercom holds parts not loaded; figures from its statistics)",
    "unrecorded_reopen": "closed while already closed (a reopen the data does not show)",
}


def issue_counts(con: duckdb.DuckDBPyConnection, schema: str) -> dict[str, int]:
    """How many conversations have each issue, every issue listed (0 where none has it)."""
    counted = dict(
        con.execute(f"select issue, count(*) from {schema}.mart_conversation_data_quality group by issue").fetchall()
    )
    return {issue: counted.get(issue, 0) for issue in ISSUES}
