"""Intercom conversation objects (SPEC §1 C, and the conversations stream of §1 D) read by DuckDB's JSON
reader and mapped onto the loader's two record kinds.

Accepted: a JSON list of conversation objects, an API page ({"type": "conversation.list",
"conversations": [...]}), one conversation object, or JSON Lines of any of these, each optionally
gzipped and each record optionally wrapped under Airbyte's `_airbyte_data`. Every conversation becomes
one conversation-export row (SPEC §1 B); its opening message (`source`) and every embedded
`conversation_parts.conversation_parts[]` entry become message-export rows (SPEC §1 A). Intercom's own
figures (`statistics`, `sla_applied`, assignees, part counts) travel in the rows' extra columns. A
record's number is the conversation's position in its file.

No Python object is built per record: DuckDB parses each object once into the typed structure below
(`json_transform`, which leaves a field null where the data has another shape, so validation names it).
"""

from __future__ import annotations

import json

AUTHOR = {"id": "VARCHAR", "type": "VARCHAR", "from_ai_agent": "VARCHAR", "is_ai_answer": "VARCHAR"}
# one conversation part as the API, and Airbyte's conversation_parts stream, describe it
PART = {
    "id": "VARCHAR",
    "conversation_id": "VARCHAR",
    "part_type": "VARCHAR",
    "created_at": "VARCHAR",
    "body": "VARCHAR",
    "author": AUTHOR,
    "assigned_to": "JSON",  # an object ({type, id}) or, in some sync tools, a bare id
}
STATISTICS_TIMESTAMPS = ("first_contact_reply_at", "first_admin_reply_at", "first_close_at", "last_close_at")
STATISTICS = (*STATISTICS_TIMESTAMPS, "count_reopens", "count_conversation_parts")
CONVERSATION = {
    "id": "VARCHAR",
    "created_at": "VARCHAR",
    "updated_at": "VARCHAR",
    "state": "VARCHAR",
    "priority": "VARCHAR",
    "admin_assignee_id": "VARCHAR",
    "team_assignee_id": "VARCHAR",
    "source": {"id": "VARCHAR", "delivered_as": "VARCHAR", "body": "VARCHAR", "author": AUTHOR},
    "contacts": "JSON",  # a contact.list object in API 2.x, a bare list before
    "tags": "JSON",
    "statistics": dict.fromkeys(STATISTICS, "VARCHAR"),
    "sla_applied": {"sla_name": "VARCHAR", "sla_status": "VARCHAR"},
    "conversation_parts": {"total_count": "VARCHAR", "conversation_parts": [PART]},
}

# Largest single JSON document accepted (a page of 150 conversations with their parts fits easily).
MAX_OBJECT_BYTES = 256 * 1024 * 1024


def structure(shape: dict) -> str:
    """A json_transform structure as a SQL literal."""
    return "'" + json.dumps(shape).replace("'", "''") + "'"


def looks_like_api_export(head: str) -> bool:
    """Intercom API objects say what they are; the project's own conversation export does not."""
    compact = head.replace(" ", "")
    return any(
        marker in compact
        for marker in ('"type":"conversation"', '"type":"conversation.list"', '"conversation_parts":', '"statistics":')
    )


def looks_paged(head: str) -> bool:
    """`conversation.list` pages hold their conversations under `conversations`."""
    return '"conversations":[' in "".join(head.split())


def documents_sql() -> str:
    """Every top-level JSON document of the file at $path (compressed as $compression), unwrapped from
    Airbyte's `_airbyte_data`."""
    return f"""
        select coalesce(json -> '_airbyte_data', json) as document
        from read_json_objects(
            $path, format = 'auto', compression = $compression, maximum_object_size = {MAX_OBJECT_BYTES}
        )
    """


def conversation_objects_sql(paged: bool) -> str:
    """`conversation_objects(conversation)`: every conversation of the file, in file order, parsed once
    into its structure; the conversations of `conversation.list` pages when the file holds pages."""
    conversations = (
        f"select unnest(json_extract(document, '$.conversations[*]')) as conversation from ({documents_sql()})"
        if paged
        else f"select document as conversation from ({documents_sql()})"
    )
    return f"""
        create or replace temp table conversation_objects as
        select json_transform(conversation, {structure(CONVERSATION)}) as conversation
        from ({conversations})
    """


def conversation_records_sql(first_record: int) -> str:
    """A record's number is the conversation's position in its file, counted from `first_record`."""
    return f"""
        create or replace temp view conversation_records as
        select rowid - (select min(rowid) from conversation_objects) + {int(first_record)} as record_number,
            conversation
        from conversation_objects
    """


def conversation_rows_sql() -> str:
    """One conversation-export row per conversation object (varchar columns, as a CSV would give)."""
    statistics = ",\n".join(f"'intercom_{name}', conversation.statistics.{name}" for name in STATISTICS)
    return f"""
        create or replace temp table incoming as
        select
            conversation.id as conversation_id,
            conversation.created_at as started_at,
            coalesce(conversation.contacts ->> '$.contacts[0].id', conversation.contacts ->> '$[0].id') as user_id,
            -- used only when no part carries the close: Intercom's own last close
            case when conversation.state = 'closed' then conversation.statistics.last_close_at end as resolved_at,
            conversation.state as state,
            cast(null as varchar) as assignee_email,
            nullif(array_to_string(
                list_filter(
                    -- a tag.list object as the API writes it, or its bare list as Singer's tap does
                    case
                        when json_type(conversation.tags) = 'ARRAY'
                            then json_extract_string(conversation.tags, '$[*].name')
                        else json_extract_string(conversation.tags, '$.tags[*].name')
                    end,
                    lambda tag: coalesce(trim(tag), '') <> ''
                ),
                ';'
            ), '') as tags,
            cast(null as varchar) as message_count,
            conversation.statistics.count_reopens as reopen_count,
            conversation.priority as priority,
            conversation.updated_at as updated_at,
            json_object(
                'intercom_admin_assignee_id', conversation.admin_assignee_id,
                'intercom_team_assignee_id', conversation.team_assignee_id,
                'intercom_parts_in_export', coalesce(len(conversation.conversation_parts.conversation_parts), 0),
                'intercom_parts_total_count', conversation.conversation_parts.total_count,
                'intercom_sla_name', conversation.sla_applied.sla_name,
                'intercom_sla_status', conversation.sla_applied.sla_status,
                {statistics}
            ) as extra_columns,
            record_number as source_record
        from conversation_records
    """


def part_rows_sql(parts_relation: str) -> str:
    """Message rows from `parts_relation(record_number, conversation_id, part_position, part)`, each part as
    it was written: whom an assignment part assigned to travels in its extra columns, and the assignee and
    team in effect at each part are replayed in dbt (stg_intercom__messages, SPEC §7), as for every source."""
    return f"""
        with assignments as (
            select
                *,
                -- some sync tools write the object as its Python repr, or a bare admin id
                case
                    when json_type(part.assigned_to) = 'VARCHAR' and starts_with(trim(part.assigned_to ->> '$'), '{{')
                        then try_cast(replace(replace(part.assigned_to ->> '$', '''', '"'), 'None', 'null') as json)
                    else part.assigned_to
                end as assigned_to
            from {parts_relation}
        )
        select
            part.id as message_id,
            conversation_id,
            part.author.type as sender_type,
            part.part_type as part_type,
            part.created_at as created_at,
            cast(null as varchar) as first_response_at,
            cast(null as varchar) as priority,
            cast(null as varchar) as assignee_id,
            cast(null as varchar) as tags,
            part.body as body,
            part.author.id as author_id,
            cast(null as varchar) as team_id,
            part.author.from_ai_agent as from_ai_agent,
            part.author.is_ai_answer as is_ai_answer,
            -- most parts assign nobody, and their rows leave the assignment out rather than store nulls
            case when assigned_to is null then json_object(
                'intercom_record', 'part',
                'intercom_author_id', part.author.id,
                'intercom_part_position', part_position
            ) else json_object(
                'intercom_record', 'part',
                'intercom_author_id', part.author.id,
                'intercom_part_position', part_position,
                'intercom_assigned_to_type', case
                    when json_type(assigned_to) = 'OBJECT' then assigned_to ->> 'type'
                    when json_type(assigned_to) in ('VARCHAR', 'BIGINT', 'UBIGINT') then 'admin'
                end,
                'intercom_assigned_to_id', case
                    when json_type(assigned_to) = 'OBJECT' then assigned_to ->> 'id'
                    when json_type(assigned_to) in ('VARCHAR', 'BIGINT', 'UBIGINT') then assigned_to ->> '$'
                end
            ) end as extra_columns,
            record_number as source_record
        from assignments
    """


def message_rows_sql() -> str:
    """The opening message and every embedded part of each conversation object, as message rows. The
    opening message carries the conversation's current assignee and team, which stand in where no part
    assigns (SPEC §7, applied in dbt)."""
    return f"""
        create or replace temp table incoming as
        with embedded_parts as (
            select
                record_number,
                conversation.id as conversation_id,
                unnest(conversation.conversation_parts.conversation_parts) as part,
                generate_subscripts(conversation.conversation_parts.conversation_parts, 1) as part_position
            from conversation_records
        ),
        part_rows as ({part_rows_sql("embedded_parts")}),
        source_rows as (
            select
                'source:' || coalesce(conversation.source.id, conversation.id) as message_id,
                conversation.id as conversation_id,
                conversation.source.author.type as sender_type,
                'comment' as part_type,
                conversation.created_at as created_at,
                cast(null as varchar) as first_response_at,
                conversation.priority as priority,
                cast(null as varchar) as assignee_id,
                cast(null as varchar) as tags,
                conversation.source.body as body,
                conversation.source.author.id as author_id,
                cast(null as varchar) as team_id,
                conversation.source.author.from_ai_agent as from_ai_agent,
                conversation.source.author.is_ai_answer as is_ai_answer,
                json_object(
                    'intercom_record', 'source',
                    'intercom_author_id', conversation.source.author.id,
                    'intercom_delivered_as', conversation.source.delivered_as,
                    'intercom_part_position', 0,
                    'intercom_current_admin_id', conversation.admin_assignee_id,
                    'intercom_current_team_id', conversation.team_assignee_id
                ) as extra_columns,
                record_number as source_record
            from conversation_records
        )
        select * from source_rows
        union all
        select * from part_rows
    """
