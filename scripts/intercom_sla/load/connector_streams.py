"""Connector streams as files (SPEC §1 D): Airbyte's and Singer's `conversations` and
`conversation_parts` streams as JSON Lines, flat or with each record under `_airbyte_data`.

The conversations stream holds Intercom conversation objects without their parts and is read like the
REST API (intercom_api). The parts stream holds one conversation part per record with its
`conversation_id`; each becomes a message row, positioned in file order (the assignee and team in
effect at each part are replayed in dbt, as for every source). The two streams may come in one folder,
in any order, or in separate loads: they meet in the raw tables.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .intercom_api import PART, documents_sql, part_rows_sql, structure


@dataclass(frozen=True)
class Stream:
    name: str
    description: str


CONVERSATIONS_STREAM = Stream("conversations", "Airbyte / Singer conversations stream")
PARTS_STREAM = Stream("conversation_parts", "Airbyte / Singer conversation_parts stream")


def first_record(head: str) -> dict | None:
    """The first JSON Lines record of a file's head, unwrapped from `_airbyte_data`; None if not one."""
    line = next((line for line in head.splitlines() if line.strip()), "")
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, RecursionError):
        return None
    if isinstance(record, dict) and isinstance(record.get("_airbyte_data"), dict):
        return record["_airbyte_data"]
    return record if isinstance(record, dict) else None


def recognise(head: str) -> Stream | None:
    """The stream a JSON Lines file holds, from its first record; None for any other layout."""
    record = first_record(head)
    if record is None:
        return None
    if "conversation_id" in record and "part_type" in record:
        return PARTS_STREAM
    if "conversation_parts" not in record and "id" in record and "created_at" in record and "source" in record:
        return CONVERSATIONS_STREAM
    return None


def part_objects_sql() -> str:
    """`part_objects(part)`: every record of a parts stream at $path, in file order, parsed once."""
    return f"""
        create or replace temp table part_objects as
        select json_transform(document, {structure(PART)}) as part
        from ({documents_sql()})
    """


def part_messages_sql() -> str:
    """Message rows for every record of a parts stream (from `part_objects`), positioned in file order."""
    return f"""
        create or replace temp table incoming as
        with stream_parts as (
            select
                rowid - (select min(rowid) from part_objects) + 1 as record_number,
                rowid - (select min(rowid) from part_objects) + 1 as part_position,
                part,
                part.conversation_id as conversation_id
            from part_objects
        )
        select * from ({part_rows_sql("stream_parts")})
    """
