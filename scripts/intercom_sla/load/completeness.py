"""Incomplete conversations (SPEC §2): Intercom counts more parts than were loaded for them."""

from __future__ import annotations

import logging

import duckdb

from .accounting import scalar

log = logging.getLogger("load")

INCOMPLETE_SQL = """
with expected as (
    -- as int_conversations_completeness counts (tests/test_loader_connectors.py holds the two to the same
    -- answer): the statistics count when present, else the part list's own total_count (a
    -- GET /conversations/{id} object returns at most 500 parts and says how many there are), against the
    -- parts loaded
    select
        trim(conversation_id) as conversation_id,
        cast(
            coalesce(
                _extra_columns ->> 'intercom_count_conversation_parts', _extra_columns ->> 'intercom_parts_total_count'
            ) as bigint
        ) as parts_expected
    from raw.conversations
    where coalesce(
        _extra_columns ->> 'intercom_count_conversation_parts', _extra_columns ->> 'intercom_parts_total_count'
    ) is not null
),
loaded as (
    select trim(conversation_id) as conversation_id, count(*) as parts_loaded
    from raw.messages
    where trim(conversation_id) in (select conversation_id from expected)
        and _extra_columns ->> 'intercom_record' = 'part'
    group by all
)
select count(*)
from expected
left join loaded on expected.conversation_id = loaded.conversation_id
where expected.parts_expected > coalesce(loaded.parts_loaded, 0)
"""


def report_incomplete_conversations(con: duckdb.DuckDBPyConnection) -> int:
    """Count the database's incomplete conversations and say what they mean and how to complete them."""
    incomplete = scalar(con, INCOMPLETE_SQL)
    if incomplete:
        log.warning(
            "warning: %d conversation(s) are incomplete: Intercom counts more parts than were loaded for them "
            "(list and search pages carry no parts, a conversation object at most its 500 latest; sync tools can "
            "drop some). Their start, first response, closes and reopens come from Intercom's statistics and their "
            "open time and later replies stay empty (column *_source in fct_conversations). To complete them, save "
            "each one from "
            "GET /conversations/{id} (or sync the conversation_parts stream) and load those files too.",
            incomplete,
        )
    return incomplete
