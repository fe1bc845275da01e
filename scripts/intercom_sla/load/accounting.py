"""Where each record ends (loaded, replacing an older version, duplicate or rejected) and the counts that add up."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb


def not_rejected_before(source_sql: str, line_sql: str, reason_sql: str) -> str:
    """SQL true for a reject not yet in raw.load_rejects: reloading a file records its rejects once (SPEC §2)."""
    return f"""not exists (
        select 1 from raw.load_rejects as recorded
        where recorded._source_file = {source_sql}
            and recorded._source_line is not distinct from {line_sql}
            and recorded.reason = {reason_sql}
    )"""


def one_copy_per_key(name: str, order: str) -> str:
    """CTEs keeping one record of `keyed` per record_key, the first in `order`, as `name`."""
    return f"""repeated_keys as (
    select record_key from keyed group by record_key having count(*) > 1
),
{name} as (
    -- ranking only the few repeated keys is much cheaper than a window over every row
    select * from keyed where record_key not in (select record_key from repeated_keys)
    union all
    select * from keyed where record_key in (select record_key from repeated_keys)
    qualify row_number() over (partition by record_key order by {order}) = 1
)"""


# The messages of `typed` not stored yet, one copy each (the first in file order), with the file each is
# loaded from.
NEW_MESSAGES_SQL = f"""
with keyed as (
    select
        *,
        -- a case, not coalesce: the hash is computed only for the rows without a message_id
        case
            when coalesce(trim(message_id), '') <> '' then trim(message_id)
            -- the columns added after the first release join the hash only when set, so a file
            -- loaded before them is still a duplicate of itself
            else 'row:' || md5(to_json(list_concat([
                conversation_id, lower(trim(sender_type)), part_type, created_at_parsed::varchar,
                first_response_at_parsed::varchar, priority, assignee_id, tags, extra_columns::varchar
            ], case
                when has_body_parsed is not null or ai_agent_parsed or author_id is not null or team_id is not null
                    then [has_body_parsed::varchar, ai_agent_parsed::varchar, author_id, team_id]
                else []
            end)))
        end as record_key
    from typed
    where reject_reason is null
),
{one_copy_per_key("first_copies", "record_index")}
select
    file_index, message_id, conversation_id, sender_type, part_type, created_at_parsed, first_response_at_parsed,
    priority, assignee_id, tags, has_body_parsed, author_id, team_id, ai_agent_parsed, extra_columns, record_key,
    source_file, source_line
from first_copies
where not exists (select 1 from raw.messages as loaded where loaded._record_key = first_copies.record_key)
"""


def insert_messages_sql(new_messages: str) -> str:
    """Store the relation `new_messages` (NEW_MESSAGES_SQL's rows) in raw.messages."""
    return f"""
insert into raw.messages (
    message_id, conversation_id, sender_type, part_type, created_at, first_response_at, priority, assignee_id,
    tags, has_body, author_id, team_id, from_ai_agent, _extra_columns, _record_key, _source_file, _source_line,
    _load_id, _loaded_at
)
select * exclude (file_index), $load_id, current_timestamp
from {new_messages}
"""


CONVERSATION_CONTENT_HASH_SQL = """md5(to_json([
    started_at_parsed::varchar, user_id, resolved_at_parsed::varchar, state, assignee_email, tags,
    message_count_parsed::varchar, reopen_count_parsed::varchar, priority, extra_columns::varchar
]))"""

# SPEC §2: the version of a conversation that wins is the one with the latest export time the data
# carries (`updated_at`), load order (later records, later loads) deciding only where it carries none.
# Each valid record of this file gets its outcome: `loaded` (now the stored version, replacing an older
# one or not), `superseded` (older than another version in this file or already stored) or `duplicate`
# (identical to the version that wins).
STAGE_CONVERSATIONS_SQL = f"""
create or replace temp table conversation_outcomes as
with keyed as (
    select *, trim(conversation_id) as record_key
    from typed
    where reject_reason is null
),
{one_copy_per_key("newest_copies", "updated_at_parsed desc nulls last, record_index desc")},
newest as (
    select newest_copies.*, {CONVERSATION_CONTENT_HASH_SQL} as content_hash
    from newest_copies
),
judged as (
    select
        newest.*,
        case
            when stored._content_hash = newest.content_hash then 'duplicate'
            when stored._version_at > newest.updated_at_parsed then 'superseded'
            else 'loaded'
        end as outcome,
        stored._record_key is not null as replaces_stored
    from newest
    left join raw.conversations as stored
        on stored._record_key = newest.record_key
),
repeated_copies as (
    select file_index, record_key, record_index, {CONVERSATION_CONTENT_HASH_SQL} as content_hash
    from keyed
    where record_key in (select record_key from repeated_keys)
),
older_copies as (
    -- the other records of a conversation repeated in this file: a copy of the winner, or older
    select
        repeated_copies.file_index,
        repeated_copies.record_key,
        case when repeated_copies.content_hash = newest.content_hash then 'duplicate' else 'superseded' end
            as outcome
    from repeated_copies
    inner join newest
        on repeated_copies.record_key = newest.record_key and repeated_copies.record_index <> newest.record_index
)
select * exclude (replaces_stored), replaces_stored from judged
union all by name
select file_index, record_key, outcome, false as replaces_stored from older_copies
"""

DELETE_REPLACED_CONVERSATIONS_SQL = """
delete from raw.conversations
where _record_key in (select record_key from conversation_outcomes where outcome = 'loaded' and replaces_stored)
"""

INSERT_CONVERSATIONS_SQL = """
insert into raw.conversations (
    conversation_id, started_at, user_id, resolved_at, state, assignee_email, tags, message_count, reopen_count,
    priority, _extra_columns, _record_key, _content_hash, _source_file, _source_line, _load_id, _loaded_at,
    _version_at
)
select
    conversation_id, started_at_parsed, user_id, resolved_at_parsed, state, assignee_email, tags,
    message_count_parsed, reopen_count_parsed, priority, extra_columns, record_key, content_hash,
    source_file, source_line, $load_id, current_timestamp, updated_at_parsed
from conversation_outcomes
where outcome = 'loaded'
"""


@dataclass
class Counts:
    read: int = 0
    loaded: int = 0
    superseded: int = 0
    duplicates: int = 0
    rejected: int = 0
    incomplete: int = 0  # conversations in the database after the load (SPEC §2), not a record outcome

    def __iadd__(self, other: Counts) -> Counts:
        self.read += other.read
        self.loaded += other.loaded
        self.superseded += other.superseded
        self.duplicates += other.duplicates
        self.rejected += other.rejected
        return self

    def adds_up(self) -> bool:
        """Every record read has exactly one outcome."""
        return self.read == self.loaded + self.superseded + self.duplicates + self.rejected

    def summary(self) -> str:
        return (
            f"read {self.read}, loaded {self.loaded}, superseded {self.superseded}, duplicates {self.duplicates},"
            f" rejected {self.rejected}"
        )


def scalar(con: duckdb.DuckDBPyConnection, sql: str, parameters: dict | None = None) -> int:
    rows = con.execute(sql, parameters or {}).fetchall()
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0


def temp_table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(scalar(con, "select count(*) from duckdb_tables() where table_name = $name", {"name": name}))
