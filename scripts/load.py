#!/usr/bin/env python3
"""Load Intercom exports into a DuckDB file without losing a record.

Three kinds of export are recognised from their header or shape (SPEC §1):
  messages       one row per message / conversation part (CSV with a sender_type column); headers match
                 case- and space-insensitively, known dialects (third-party Intercom export tools) are
                 renamed, and any other layout can be mapped with --columns mapping.yml
  conversations  one row per conversation (CSV with started_at and no sender_type, JSON array, JSON Lines)
  Intercom API   REST API conversation objects (a list, a conversation.list page, JSON Lines), split into
                 message rows (the source and every conversation part) and conversation rows
Any of them may be gzipped, and a folder stands for the export files in it.

Every record read ends in exactly one place: loaded, counted as a duplicate, or written to
raw.load_rejects with its file, line, column, reason and the raw record. Messages are keyed by
message_id (a hash of the whole parsed row where it is empty) and a message already loaded is a
duplicate. Conversations are keyed by conversation_id and the most recently loaded version wins: an
identical copy is a duplicate, a changed one replaces the stored row. The whole run is one
transaction: if anything fails, the database is left exactly as it was.

DuckDB reads and validates the files; Python only orchestrates, so very large exports load without
building a Python object per row. Line numbers count records: the header is line 1 and a quoted
field spanning several physical lines still counts as one line (as DuckDB's CSV reader numbers them);
in JSON arrays the number is the record's position in the array.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import gzip
import json
import logging
import os
import re
import sys
import tempfile
import threading
import uuid
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import intercom_api
import yaml
from export_parquet import export_raw_tables
from tqdm import tqdm

log = logging.getLogger("load")

# SPEC §1 A: the sender types the models map onto user / admin / bot; anything else is rejected.
ACCEPTED_SENDER_TYPES = ("user", "lead", "contact", "admin", "teammate", "bot")
ACCEPTED_STATES = ("open", "closed", "snoozed")
TIMESTAMP_EXPECTATION = "expected ISO 8601 with an offset or Z, a naive local time, or unix epoch seconds"
# Epoch values with more than 11 digits are milliseconds or garbage, never seconds in this era.
EPOCH_SECONDS_PATTERN = r"-?[0-9]{1,11}(\.[0-9]+)?"
JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")
EXPORT_SUFFIXES = (".csv", *JSON_SUFFIXES)
RECORD_NUMBER_FIELD = "_source_record"
# Longest CSV line accepted (a message body can hold a pasted log); DuckDB's default is 2 MB.
MAX_LINE_BYTES = 64 * 1024 * 1024

SCHEMA_SQL = """
create schema if not exists raw;
create table if not exists raw.messages (
    message_id varchar,
    conversation_id varchar not null,
    sender_type varchar not null,
    part_type varchar,
    created_at timestamptz not null,
    first_response_at timestamptz,
    priority varchar,
    assignee_id varchar,
    tags varchar,
    _extra_columns json,
    _record_key varchar not null,
    _source_file varchar not null,
    _source_line bigint not null,
    _load_id varchar not null,
    _loaded_at timestamptz not null
);
create table if not exists raw.conversations (
    conversation_id varchar not null,
    started_at timestamptz not null,
    user_id varchar,
    resolved_at timestamptz,
    state varchar,
    assignee_email varchar,
    tags varchar,
    message_count bigint,
    reopen_count bigint,
    priority varchar,
    _extra_columns json,
    _record_key varchar not null,
    _content_hash varchar not null,
    _source_file varchar not null,
    _source_line bigint not null,
    _load_id varchar not null,
    _loaded_at timestamptz not null
);
create table if not exists raw.load_rejects (
    _load_id varchar not null,
    _source_file varchar not null,
    _source_line bigint,
    _source_column varchar,
    reason varchar not null,
    raw_record varchar,
    _loaded_at timestamptz not null
);
create table if not exists raw.load_files (
    _load_id varchar not null,
    _source_file varchar not null,
    export_kind varchar,
    assume_tz varchar not null,
    records_read bigint not null,
    records_loaded bigint not null,
    records_duplicate bigint not null,
    records_rejected bigint not null,
    _loaded_at timestamptz not null
);
alter table raw.load_files add column if not exists export_kind varchar;
"""


class LoadError(Exception):
    """A problem with the user's input or environment, reported as one line without a traceback."""


@dataclass(frozen=True)
class Check:
    """One validation rule: rows where `failed` holds are rejected with `reason` for `column`."""

    column: str
    failed: str
    reason: str


@dataclass(frozen=True)
class ExportKind:
    name: str
    table: str
    required: tuple[str, ...]
    known: tuple[str, ...]
    # column -> SQL of its typed value, over the varchar columns of one record
    parsed: dict[str, str]
    checks: tuple[Check, ...]


def timestamp_sql(column: str) -> str:
    """Parse ISO 8601 (offset, Z or naive in the session time zone) or epoch seconds; NULL if neither."""
    value = f"trim({column})"
    # no purely numeric string casts to a timestamptz, so the regex only runs for the non-ISO values
    return (
        f"coalesce(try_cast({value} as timestamptz), case when regexp_full_match({value}, '{EPOCH_SECONDS_PATTERN}') "
        f"then to_timestamp(cast({value} as double)) end)"
    )


def empty(column: str) -> str:
    return f"coalesce(trim({column}), '') = ''"


def timestamp_checks(column: str, required: bool) -> tuple[Check, ...]:
    unreadable = Check(
        column,
        f"not {empty(column)} and {column}_parsed is null",
        f"'cannot read ''' || {column} || ''' as a timestamp; {TIMESTAMP_EXPECTATION}'",
    )
    if not required:
        return (unreadable,)
    return (Check(column, empty(column), f"'empty; {TIMESTAMP_EXPECTATION}'"), unreadable)


def one_of_check(column: str, values: tuple[str, ...], required: bool) -> Check:
    listed = ", ".join(f"'{value}'" for value in values)
    failed = f"coalesce(lower(trim({column})), '') not in ({listed})"
    if not required:
        failed = f"not {empty(column)} and {failed}"
    return Check(
        column, failed, f"'unknown value ''' || coalesce({column}, '') || '''; expected one of {', '.join(values)}'"
    )


def count_check(column: str) -> Check:
    return Check(
        column,
        f"not {empty(column)} and not regexp_full_match(trim({column}), '[0-9]{{1,18}}')",
        f"'cannot read ''' || {column} || ''' as a count; expected a whole number of 0 or more'",
    )


MESSAGES = ExportKind(
    name="messages",
    table="raw.messages",
    required=("conversation_id", "sender_type", "created_at"),
    known=(
        "message_id",
        "conversation_id",
        "sender_type",
        "part_type",
        "created_at",
        "first_response_at",
        "priority",
        "assignee_id",
        "tags",
    ),
    parsed={
        "created_at": timestamp_sql("created_at"),
        "first_response_at": timestamp_sql("first_response_at"),
    },
    checks=(
        Check("conversation_id", empty("conversation_id"), "'empty; expected a conversation id'"),
        *timestamp_checks("created_at", required=True),
        one_of_check("sender_type", ACCEPTED_SENDER_TYPES, required=True),
        *timestamp_checks("first_response_at", required=False),
    ),
)

CONVERSATIONS = ExportKind(
    name="conversations",
    table="raw.conversations",
    required=("conversation_id", "started_at"),
    known=(
        "conversation_id",
        "started_at",
        "user_id",
        "resolved_at",
        "state",
        "assignee_email",
        "tags",
        "message_count",
        "reopen_count",
        "priority",
    ),
    parsed={
        "started_at": timestamp_sql("started_at"),
        "resolved_at": timestamp_sql("resolved_at"),
        "message_count": "try_cast(trim(message_count) as bigint)",
        "reopen_count": "try_cast(trim(reopen_count) as bigint)",
    },
    checks=(
        Check("conversation_id", empty("conversation_id"), "'empty; expected a conversation id'"),
        *timestamp_checks("started_at", required=True),
        *timestamp_checks("resolved_at", required=False),
        one_of_check("state", ACCEPTED_STATES, required=False),
        count_check("message_count"),
        count_check("reopen_count"),
    ),
)

INSERT_MESSAGES_SQL = """
insert into raw.messages
with keyed as (
    select
        *,
        coalesce(
            nullif(trim(message_id), ''),
            'row:' || md5(to_json([
                conversation_id, lower(trim(sender_type)), part_type, created_at_parsed::varchar,
                first_response_at_parsed::varchar, priority, assignee_id, tags, extra_columns::varchar
            ]))
        ) as record_key
    from typed
    where reject_reason is null
),
repeated_keys as (
    select record_key from keyed group by record_key having count(*) > 1
),
first_copies as (
    -- ranking only the few repeated keys is much cheaper than a window over every row
    select * from keyed where record_key not in (select record_key from repeated_keys)
    union all
    select * from keyed where record_key in (select record_key from repeated_keys)
    qualify row_number() over (partition by record_key order by record_index) = 1
)
select
    message_id, conversation_id, sender_type, part_type, created_at_parsed, first_response_at_parsed,
    priority, assignee_id, tags, extra_columns, record_key,
    $source_file, source_line, $load_id, current_timestamp
from first_copies
where not exists (select 1 from raw.messages as loaded where loaded._record_key = first_copies.record_key)
"""

# The latest record of each conversation in this file; identical to the stored row means duplicate.
STAGE_CONVERSATIONS_SQL = """
create or replace temp table conversation_candidates as
with latest as (
    select
        *,
        trim(conversation_id) as record_key,
        md5(to_json([
            started_at_parsed::varchar, user_id, resolved_at_parsed::varchar, state, assignee_email, tags,
            message_count_parsed::varchar, reopen_count_parsed::varchar, priority, extra_columns::varchar
        ])) as content_hash
    from typed
    where reject_reason is null
    qualify row_number() over (partition by trim(conversation_id) order by record_index desc) = 1
)
select * from latest
where not exists (
    select 1 from raw.conversations as stored
    where stored._record_key = latest.record_key and stored._content_hash = latest.content_hash
)
"""

DELETE_REPLACED_CONVERSATIONS_SQL = """
delete from raw.conversations
where _record_key in (select record_key from conversation_candidates)
"""

INSERT_CONVERSATIONS_SQL = """
insert into raw.conversations
select
    conversation_id, started_at_parsed, user_id, resolved_at_parsed, state, assignee_email, tags,
    message_count_parsed, reopen_count_parsed, priority, extra_columns, record_key, content_hash,
    $source_file, source_line, $load_id, current_timestamp
from conversation_candidates
"""


@dataclass
class Counts:
    read: int = 0
    loaded: int = 0
    duplicates: int = 0
    rejected: int = 0

    def __iadd__(self, other: Counts) -> Counts:
        self.read += other.read
        self.loaded += other.loaded
        self.duplicates += other.duplicates
        self.rejected += other.rejected
        return self

    def summary(self) -> str:
        return f"read {self.read}, loaded {self.loaded}, duplicates {self.duplicates}, rejected {self.rejected}"


@dataclass
class ExportFile:
    path: Path
    kind: ExportKind | None  # None for Intercom API JSON, which holds both kinds
    columns: list[str]  # CSV columns, normalised; empty for JSON
    is_json: bool = False
    dialect: str = ""
    time_zone: str | None = None  # for naive timestamps, when the layout fixes it (else --assume-tz)
    # rows derived from another file (Intercom API JSON): its path, and each row's record number
    origin: Path | None = None

    @property
    def source_file(self) -> str:
        return str(self.origin or self.path)


def normalise_column_name(name: str) -> str:
    """`Conversation ID` -> `conversation_id`; the result only ever holds [a-z0-9_]."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def open_text(path: Path):
    opener = gzip.open if path.suffix == ".gz" else open
    return opener(path, "rt", encoding="utf-8-sig", newline="")


def first_line(path: Path) -> str:
    try:
        with open_text(path) as handle:
            return handle.readline()
    except FileNotFoundError:
        raise LoadError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise LoadError(f"{path}: is a directory; expected an export file") from None
    except UnicodeDecodeError:
        raise LoadError(f"{path}: line 1: not UTF-8 text; expected a UTF-8 export") from None
    except (OSError, EOFError) as error:
        raise LoadError(f"{path}: cannot read the first line ({error})") from None


def head_text(path: Path, characters: int = 65536) -> str:
    with open_text(path) as handle:
        return handle.read(characters)


def is_json_export(path: Path, line: str) -> bool:
    name = path.name.removesuffix(".gz")
    return name.endswith(JSON_SUFFIXES) or line.lstrip().startswith(("[", "{"))


def inspect_export(path: Path, mapping: dict[str, str] | None = None) -> ExportFile:
    """Recognise the export kind and check its header before anything is loaded."""
    line = first_line(path)
    if not line.strip():
        raise LoadError(
            f"{path}: line 1: no header row; expected a CSV header naming "
            f"{', '.join(MESSAGES.required)} (messages) or {', '.join(CONVERSATIONS.required)} (conversations)"
        )
    if is_json_export(path, line):
        if intercom_api.looks_like_api_export(head_text(path)):
            return ExportFile(path, None, [], is_json=True, dialect="Intercom REST API conversations")
        return ExportFile(path, CONVERSATIONS, [], is_json=True, dialect="conversation export (JSON)")
    header = [
        normalise_column_name(name) or f"column_{position}" for position, name in enumerate(next(csv.reader([line])), 1)
    ]
    columns, dialect, naive_time_zone = place_columns(header, mapping or {})
    repeated = sorted({name for name in columns if columns.count(name) > 1})
    if repeated:
        raise LoadError(f"{path}: line 1: column(s) {', '.join(repeated)} appear more than once in the header")
    looks_like_messages = "sender_type" in columns or ("created_at" in columns and "started_at" not in columns)
    if not looks_like_messages and "started_at" not in columns:
        raise LoadError(
            f"{path}: line 1: cannot tell the export kind; expected the columns {', '.join(MESSAGES.required)} "
            f"(messages) or {', '.join(CONVERSATIONS.required)} (conversations); found {', '.join(columns)} "
            "(is the file comma-separated?)"
        )
    kind = MESSAGES if looks_like_messages else CONVERSATIONS
    missing = [name for name in kind.required if name not in columns]
    if missing:
        raise LoadError(
            f"{path}: line 1: missing required column(s) {', '.join(missing)} for a {kind.name} export; "
            f"found {', '.join(header)} (is the file comma-separated? map other names with --columns)"
        )
    dialect = dialect or f"{kind.name} export (CSV)"
    return ExportFile(path, kind, columns, dialect=dialect, time_zone=naive_time_zone)


@dataclass(frozen=True)
class Dialect:
    """A known CSV header layout: renames onto the project's columns, and the zone of its naive times."""

    name: str
    signature: tuple[str, ...]
    renames: dict[str, str]
    time_zone: str | None = None


# Message-level exports of third-party Intercom export tools: Intercom part types in message_type,
# author types in message_author_type, naive UTC times (2017-11-14 21:45:08) in message_created_at.
DIALECTS = (
    Dialect(
        "message export of an Intercom export tool",
        signature=("message_author_type", "message_created_at"),
        renames={
            "message_type": "part_type",
            "message_author_type": "sender_type",
            "message_created_at": "created_at",
            "conversation_tags": "tags",
            "conversation_first_response_at": "first_response_at",
            "conversation_priority": "priority",
            "conversation_assignee_id": "assignee_id",
        },
        time_zone="UTC",
    ),
)


def read_column_mapping(path: Path) -> dict[str, str]:
    """A YAML mapping of export header -> project column (`Author kind: sender_type`)."""
    try:
        mapping = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise LoadError(f"{path}: cannot read the column mapping ({str(error).splitlines()[0]})") from None
    if not isinstance(mapping, dict) or not all(isinstance(value, str) for value in mapping.values()):
        raise LoadError(f"{path}: expected a YAML mapping of export column: project column, one per line")
    targets = {*MESSAGES.known, *CONVERSATIONS.known}
    unknown = sorted(value for value in mapping.values() if value not in targets)
    if unknown:
        raise LoadError(
            f"{path}: unknown project column(s) {', '.join(unknown)}; expected some of {', '.join(sorted(targets))}"
        )
    return {normalise_column_name(str(source)): target for source, target in mapping.items()}


def place_columns(columns: list[str], mapping: dict[str, str]) -> tuple[list[str], str, str | None]:
    """Rename a header onto the project's columns: the user's mapping, else a known dialect."""
    if mapping:
        return [mapping.get(name, name) for name in columns], "columns mapped by --columns", None
    for dialect in DIALECTS:
        if all(name in columns for name in dialect.signature):
            return [dialect.renames.get(name, name) for name in columns], dialect.name, dialect.time_zone
    return columns, "", None


def quoted(identifier: str) -> str:
    """Quote a column name that `normalise_column_name` already reduced to [a-z0-9_]."""
    if not re.fullmatch(r"[a-z0-9_]+", identifier):
        raise ValueError(f"unsafe identifier {identifier!r}")
    return f'"{identifier}"'


def csv_incoming_sql(rejects_table: str, rejects_scan: str) -> str:
    return f"""
        create or replace temp table incoming as
        select * from read_csv(
            $path, names = $names, header = true, all_varchar = true,
            delim = ',', quote = '"', escape = '"', strict_mode = true, max_line_size = {MAX_LINE_BYTES},
            store_rejects = true, rejects_table = '{rejects_table}', rejects_scan = '{rejects_scan}'
        )
    """


def json_incoming_sql(kind: ExportKind) -> str:
    """One varchar column per known field (arrays of tags joined with ';') plus the record itself."""

    def field(name: str) -> str:
        if name == "tags":
            return (
                "case when json_type(json -> 'tags') = 'ARRAY' "
                "then array_to_string(cast(json -> 'tags' as varchar[]), ';') else json ->> 'tags' end"
            )
        return f"json ->> '{name}'"

    fields = ",\n            ".join(f"{field(name)} as {name}" for name in kind.known)
    return f"""
        create or replace temp table incoming as
        select
            {fields},
            json as record_json
        from read_json_objects($path, format = 'auto')
    """


def typed_records_sql(export: ExportFile, line_map_table: str | None) -> str:
    """SQL that turns the varchar records of one file into typed rows with a reject reason each."""
    kind = export.kind
    present = set(kind.known) if export.is_json else set(export.columns)

    def column(name: str) -> str:
        return f"incoming.{quoted(name)}" if name in present else "cast(null as varchar)"

    if export.is_json:
        removed = json.dumps(dict.fromkeys([*kind.known, RECORD_NUMBER_FIELD]))
        extra_json = f"json_merge_patch(incoming.record_json, '{removed}')"
        source_line = (
            f"cast(incoming.record_json ->> '{RECORD_NUMBER_FIELD}' as bigint)"
            if export.origin
            else "incoming.rowid - $first_rowid + 1"
        )
    else:
        extras = [name for name in export.columns if name not in kind.known]
        extra_json = (
            "json_object(" + ", ".join(f"'{name}', incoming.{quoted(name)}" for name in extras) + ")"
            if extras
            else "cast(null as json)"
        )
        source_line = "line_map.source_line" if line_map_table else "incoming.rowid - $first_rowid + 2"
    line_join = (
        f"join {line_map_table} as line_map on line_map.record_index = incoming.rowid - $first_rowid"
        if line_map_table
        else ""
    )
    known = ",\n                ".join(f"{column(name)} as {name}" for name in kind.known)
    parsed = ",\n                ".join(f"{sql} as {name}_parsed" for name, sql in kind.parsed.items())
    reject_column = "\n".join(f"when {check.failed} then '{check.column}'" for check in kind.checks)
    reject_reason = "\n".join(f"when {check.failed} then {check.reason}" for check in kind.checks)
    return f"""
        with records as (
            select
                incoming.rowid - $first_rowid as record_index,
                {source_line} as source_line,
                {known},
                {extra_json} as extra_columns
            from incoming
            {line_join}
        ),
        parsed as (
            select
                *,
                {parsed}
            from records
        )
        select
            *,
            case {reject_column} end as reject_column,
            case {reject_reason} end as reject_reason
        from parsed
    """


def scalar(con: duckdb.DuckDBPyConnection, sql: str, parameters: dict | None = None) -> int:
    rows = con.execute(sql, parameters or {}).fetchall()
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0


def temp_table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(scalar(con, "select count(*) from duckdb_tables() where table_name = $name", {"name": name}))


@contextmanager
def query_progress(con: duckdb.DuckDBPyConnection, bar: tqdm, file_bytes: int) -> Iterator[None]:
    """Advance the bar from DuckDB's own progress of the running read, when a terminal shows it."""
    if bar.disable:
        yield
        return
    start, done = bar.n, threading.Event()

    def poll() -> None:
        while not done.wait(0.25):
            percent = con.query_progress()
            if percent and percent > 0:
                bar.update(max(0, start + int(file_bytes * percent / 100) - bar.n))

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()
        bar.update(max(0, start + file_bytes - bar.n))


def malformed_json_error(path: Path, error: duckdb.Error) -> LoadError:
    """Name the exact line of the first broken JSON Lines record (DuckDB counts lines differently)."""
    message = str(error).splitlines()[0]
    if not path.name.removesuffix(".gz").endswith((".jsonl", ".ndjson")):
        return LoadError(f"{path}: malformed JSON, nothing loaded ({message})")
    with open_text(path) as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                json.loads(line)
            except json.JSONDecodeError as bad:
                return LoadError(
                    f"{path}: line {number}, column {bad.colno}: malformed JSON ({bad.msg}), nothing loaded"
                )
    return LoadError(f"{path}: malformed JSON, nothing loaded ({message})")


def read_incoming(con: duckdb.DuckDBPyConnection, export: ExportFile, file_number: int) -> str | None:
    """Read one file into the temp table `incoming`; return the name of DuckDB's CSV rejects table."""
    if export.is_json:
        try:
            con.execute(json_incoming_sql(export.kind), {"path": str(export.path)})
        except (duckdb.InvalidInputException, duckdb.ConversionException) as error:
            raise malformed_json_error(export.path, error) from None
        return None
    rejects_table = f"csv_rejects_{file_number}"
    try:
        con.execute(
            csv_incoming_sql(rejects_table, f"csv_scans_{file_number}"),
            {"path": str(export.path), "names": export.columns},
        )
    except duckdb.InvalidInputException as error:
        message = str(error)
        detail = (
            f"a line is longer than the {MAX_LINE_BYTES // 2**20} MB the loader accepts"
            if "maximum line size" in message.lower()
            else message.splitlines()[0]
        )
        raise LoadError(f"{export.path}: cannot read the file as CSV, nothing loaded ({detail})") from None
    return rejects_table


def reject_malformed_lines(
    con: duckdb.DuckDBPyConnection, rejects_table: str | None, records: int, parameters: dict
) -> tuple[int, str | None]:
    """Move CSV lines DuckDB could not split into raw.load_rejects; map the valid records to line numbers."""
    if rejects_table is None or not temp_table_exists(con, rejects_table):
        return 0, None
    con.execute(
        f"""
        create or replace temp table malformed as
        select
            line as source_line,
            lower(arg_min(error_type::varchar || ': ' || error_message, byte_position)) as reason,
            ltrim(any_value(csv_line), chr(13) || chr(10)) as raw_record
        from {rejects_table}
        group by line
        """
    )
    malformed = scalar(con, "select count(*) from malformed")
    if not malformed:
        return 0, None
    # Valid records fill, in order, the line numbers that the malformed lines left free.
    con.execute(
        """
        create or replace temp table line_map as
        select row_number() over (order by line) - 1 as record_index, line as source_line
        from range(2, $last_line + 1) as lines(line)
        where line not in (select source_line from malformed)
        """,
        {"last_line": records + malformed + 1},
    )
    con.execute(
        """
        insert into raw.load_rejects
        select $load_id, $source_file, source_line, null,
            'malformed CSV line: ' || reason, raw_record, current_timestamp
        from malformed
        """,
        parameters,
    )
    return malformed, "line_map"


def load_file(con: duckdb.DuckDBPyConnection, export: ExportFile, file_number: int, load_id: str, bar: tqdm) -> Counts:
    source_file = export.source_file
    parameters = {"load_id": load_id, "source_file": source_file}
    with query_progress(con, bar, export.path.stat().st_size):
        rejects_table = read_incoming(con, export, file_number)
    counts = Counts(read=scalar(con, "select count(*) from incoming"))
    # Rows appended inside the open transaction get rowids from a large offset, in file order.
    first_rowid = scalar(con, "select min(rowid) from incoming")

    malformed, line_map = reject_malformed_lines(con, rejects_table, counts.read, parameters)
    counts.read += malformed

    bar.set_postfix_str("validating")
    con.execute(
        f"create or replace temp table typed as {typed_records_sql(export, line_map)}", {"first_rowid": first_rowid}
    )
    record_sql = "to_json(incoming)" if not export.is_json else "incoming.record_json::varchar"
    invalid = scalar(
        con,
        f"""
        insert into raw.load_rejects
        select $load_id, $source_file, typed.source_line, typed.reject_column,
            'column ' || typed.reject_column || ': ' || typed.reject_reason, {record_sql}, current_timestamp
        from typed
        join incoming on incoming.rowid = typed.record_index + $first_rowid
        where typed.reject_reason is not null
        """,
        {**parameters, "first_rowid": first_rowid},
    )
    counts.rejected = malformed + invalid

    bar.set_postfix_str("deduplicating")
    valid = scalar(con, "select count(*) from typed where reject_reason is null")
    if export.kind is MESSAGES:
        counts.loaded = scalar(con, INSERT_MESSAGES_SQL, parameters)
    else:
        con.execute(STAGE_CONVERSATIONS_SQL)
        counts.loaded = scalar(con, "select count(*) from conversation_candidates")
        replaced = scalar(con, DELETE_REPLACED_CONVERSATIONS_SQL)
        con.execute(INSERT_CONVERSATIONS_SQL, parameters)
        if replaced:
            log.info("%s: %d stored conversation(s) replaced by a newer version", export.path, replaced)
    counts.duplicates = valid - counts.loaded
    if counts.read != counts.loaded + counts.duplicates + counts.rejected:
        raise duckdb.InternalException(f"{source_file}: records unaccounted for ({counts.summary()})")
    return counts


def connect(db_path: Path, memory_limit: str) -> duckdb.DuckDBPyConnection:
    if db_path.parent and not db_path.parent.exists():
        raise LoadError(f"{db_path}: the folder {db_path.parent} does not exist")
    try:
        # beyond the limit DuckDB spills to <db>.tmp instead of growing without bound
        return duckdb.connect(str(db_path), config={"memory_limit": memory_limit})
    except duckdb.IOException as error:
        message = str(error).splitlines()[0]
        if "lock" in message.lower():
            raise LoadError(
                f"{db_path}: the database is in use by another process; retry when it finishes ({message})"
            ) from None
        raise LoadError(f"{db_path}: cannot open the database ({message})") from None


def load_api_file(
    con: duckdb.DuckDBPyConnection, export: ExportFile, file_number: int, load_id: str, bar: tqdm
) -> Counts:
    """Split Intercom API conversations into message and conversation rows, then load both."""
    with tempfile.TemporaryDirectory(prefix="intercom_api_") as folder:
        messages, conversations = Path(folder) / "messages.jsonl", Path(folder) / "conversations.jsonl"
        try:
            intercom_api.split_export(export.path, messages, conversations)
        except intercom_api.MalformedJson as error:
            raise LoadError(f"{export.path}: {error}; malformed JSON, nothing loaded") from None
        except (OSError, EOFError, UnicodeDecodeError) as error:
            raise LoadError(f"{export.path}: cannot read the file ({error}), nothing loaded") from None
        counts = Counts()
        for part_number, (path, kind) in enumerate(((messages, MESSAGES), (conversations, CONVERSATIONS))):
            derived = ExportFile(path, kind, [], is_json=True, origin=export.path)
            counts += load_file(con, derived, file_number * 2 + part_number, load_id, bar)
        return counts


def export_files(paths: list[Path]) -> list[Path]:
    """The files to load: each path given, or the export files inside a folder, in name order."""
    files = []
    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        found = sorted(
            child
            for child in path.iterdir()
            if child.is_file() and child.name.removesuffix(".gz").endswith(EXPORT_SUFFIXES)
        )
        if not found:
            raise LoadError(f"{path}: folder holds no export files ({', '.join(EXPORT_SUFFIXES)}, optionally .gz)")
        files.extend(found)
    return files


def load(
    db_path: Path, files: list[Path], assume_tz: str, memory_limit: str = "4GB", column_mapping: Path | None = None
) -> Counts:
    mapping = read_column_mapping(column_mapping) if column_mapping else {}
    exports = [inspect_export(path, mapping) for path in export_files(files)]
    con = connect(db_path, memory_limit)
    load_id = str(uuid.uuid4())
    total = Counts()
    try:
        con.execute("set TimeZone = $tz", {"tz": assume_tz})
        con.execute("begin transaction")
        con.execute(SCHEMA_SQL)
        total_bytes = sum(export.path.stat().st_size for export in exports)
        with tqdm(total=total_bytes, unit="B", unit_scale=True, disable=not sys.stderr.isatty()) as bar:
            for file_number, export in enumerate(exports):
                bar.set_description(export.path.name)
                bar.set_postfix_str("reading")
                time_zone = export.time_zone or assume_tz
                con.execute("set TimeZone = $tz", {"tz": time_zone})
                reader = load_api_file if export.kind is None else load_file
                counts = reader(con, export, file_number, load_id, bar)
                bar.set_postfix_str("done")
                kind = export.kind.name if export.kind else "intercom_api"
                con.execute(
                    "insert into raw.load_files "
                    "values ($load_id, $file, $kind, $tz, $r, $l, $d, $x, current_timestamp)",
                    {
                        "load_id": load_id,
                        "file": str(export.path),
                        "kind": kind,
                        "tz": time_zone,
                        "r": counts.read,
                        "l": counts.loaded,
                        "d": counts.duplicates,
                        "x": counts.rejected,
                    },
                )
                log.info("%s (%s): %s", export.path, export.dialect or kind, counts.summary())
                total += counts
        con.execute("commit")
    except (duckdb.Error, LoadError) as error:
        # after an I/O error DuckDB may have invalidated the connection; the transaction is void anyway
        with contextlib.suppress(duckdb.Error):
            con.execute("rollback")
        if isinstance(error, LoadError):
            raise
        raise LoadError(f"load failed, database unchanged: {str(error).splitlines()[0]}") from None
    finally:
        con.close()
    return total


def time_zone(name: str) -> str:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise argparse.ArgumentTypeError(
            f"unknown IANA time zone {name!r} (for example UTC or Europe/Berlin)"
        ) from None
    return name


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(
            "Load Intercom exports into a DuckDB file: message exports (CSV with conversation_id, "
            "sender_type, created_at, or a known export-tool layout), conversation exports (CSV, JSON array or "
            "JSON Lines with conversation_id, started_at) and Intercom REST API conversations (a list, a "
            "conversation.list page or JSON Lines), gzipped or not, or folders of them; the layout is recognised "
            "from the header or shape and named in the output. Every record is loaded, counted as a "
            "duplicate, or rejected with its reason into raw.load_rejects; the run prints "
            "'read N, loaded L, duplicates D, rejected R' (N = L + D + R) and is one transaction."
        ),
        epilog=(
            "Exit status: 0 loaded (rejected rows are listed in raw.load_rejects), 2 nothing loaded "
            "because of a problem with the input or the database, named in the one-line error."
        ),
    )
    parser.add_argument("--db", required=True, type=Path, help="DuckDB database file (created if absent)")
    parser.add_argument(
        "--assume-tz",
        default="UTC",
        type=time_zone,
        help="IANA time zone for timestamps without an offset (default: UTC)",
    )
    parser.add_argument(
        "--memory-limit",
        default=os.environ.get("DBT_DUCKDB_MEMORY_LIMIT", "4GB"),
        help="DuckDB memory limit; larger loads spill to disk (default: $DBT_DUCKDB_MEMORY_LIMIT or 4GB)",
    )
    parser.add_argument(
        "--columns",
        type=Path,
        metavar="MAPPING.yml",
        help="YAML mapping of your CSV header onto the project's columns (`Author kind: sender_type`), for "
        "layouts the loader does not recognise",
    )
    parser.add_argument(
        "--to-parquet",
        type=Path,
        metavar="DIR",
        help="after the load, also write the raw tables to DIR/<table>/data.parquet (for Spark; see "
        "scripts/export_parquet.py)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print only the summary line and errors")
    parser.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="export files or folders of them (.csv, .json, .jsonl, .ndjson, each optionally .gz)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="%(message)s")
    try:
        counts = load(args.db, args.files, args.assume_tz, args.memory_limit, args.columns)
    except LoadError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(counts.summary())
    if counts.rejected:
        print(f"{counts.rejected} record(s) rejected: see raw.load_rejects in {args.db}", file=sys.stderr)
    if args.to_parquet:
        try:
            with duckdb.connect(str(args.db), read_only=True) as con:
                export_raw_tables(con, args.to_parquet)
        except (duckdb.Error, OSError) as error:
            print(f"error: loaded, but writing Parquet to {args.to_parquet} failed: {error}", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
