#!/usr/bin/env python3
"""Load Intercom message exports (CSV, optionally .gz) into a DuckDB file without losing a record.

Every record read ends in exactly one place: loaded into raw.messages, counted as a duplicate of a
message already loaded (same message_id, or the same row content where message_id is empty), or
written to raw.load_rejects with its file, line, column, reason and the raw record. The whole run is
one transaction: if anything fails, the database is left exactly as it was.

DuckDB reads and validates the files; Python only orchestrates, so very large exports load without
building a Python object per row. Line numbers count records: the header is line 1 and a quoted
field spanning several physical lines still counts as one line (as DuckDB's CSV reader numbers them).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import logging
import re
import sys
import threading
import uuid
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
from tqdm import tqdm

log = logging.getLogger("load")

REQUIRED_COLUMNS = ("conversation_id", "sender_type", "created_at")
KNOWN_COLUMNS = (
    "message_id",
    "conversation_id",
    "sender_type",
    "part_type",
    "created_at",
    "first_response_at",
    "priority",
    "assignee_id",
    "tags",
)
# SPEC §1 A: the sender types the models map onto user / admin / bot; anything else is rejected.
ACCEPTED_SENDER_TYPES = ("user", "lead", "contact", "admin", "teammate", "bot")
TIMESTAMP_EXPECTATION = "expected ISO 8601 with an offset or Z, a naive local time, or unix epoch seconds"
# Epoch values with more than 11 digits are milliseconds or garbage, never seconds in this era.
EPOCH_SECONDS_PATTERN = r"-?[0-9]{1,11}(\.[0-9]+)?"

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
    assume_tz varchar not null,
    records_read bigint not null,
    records_loaded bigint not null,
    records_duplicate bigint not null,
    records_rejected bigint not null,
    _loaded_at timestamptz not null
);
"""


class LoadError(Exception):
    """A problem with the user's input or environment, reported as one line without a traceback."""


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
    columns: list[str]


def normalise_column_name(name: str) -> str:
    """`Conversation ID` -> `conversation_id`; the result only ever holds [a-z0-9_]."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def read_header(path: Path) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
            first_line = handle.readline()
    except FileNotFoundError:
        raise LoadError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise LoadError(f"{path}: is a directory; expected a CSV file") from None
    except UnicodeDecodeError:
        raise LoadError(f"{path}: line 1: the header is not UTF-8 text; expected a UTF-8 CSV export") from None
    except (OSError, EOFError) as error:
        raise LoadError(f"{path}: cannot read the header line ({error})") from None
    if not first_line.strip():
        raise LoadError(f"{path}: line 1: no header row; expected a CSV header naming {', '.join(REQUIRED_COLUMNS)}")
    return next(csv.reader([first_line]))


def inspect_export(path: Path) -> ExportFile:
    """Check the header before anything is loaded: a file missing a required column loads nothing."""
    header = read_header(path)
    columns = [normalise_column_name(name) or f"column_{position}" for position, name in enumerate(header, 1)]
    repeated = sorted({name for name in columns if columns.count(name) > 1})
    if repeated:
        raise LoadError(f"{path}: line 1: column(s) {', '.join(repeated)} appear more than once in the header")
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise LoadError(
            f"{path}: line 1: missing required column(s) {', '.join(missing)}; "
            f"found {', '.join(columns)} (is the file comma-separated?)"
        )
    return ExportFile(path, columns)


def quoted(identifier: str) -> str:
    """Quote a column name that `normalise_column_name` already reduced to [a-z0-9_]."""
    if not re.fullmatch(r"[a-z0-9_]+", identifier):
        raise ValueError(f"unsafe identifier {identifier!r}")
    return f'"{identifier}"'


def timestamp_sql(column: str) -> str:
    """Parse ISO 8601 (offset, Z or naive in the session time zone) or epoch seconds; NULL if neither."""
    value = f"trim({column})"
    return (
        f"case when regexp_full_match({value}, '{EPOCH_SECONDS_PATTERN}') "
        f"then to_timestamp(cast({value} as double)) "
        f"else try_cast({value} as timestamptz) end"
    )


def typed_records_sql(export: ExportFile, line_map_table: str | None) -> str:
    """SQL that turns the raw varchar records of one file into typed rows with a reject reason each."""
    present = set(export.columns)

    def column(name: str) -> str:
        return f"incoming.{quoted(name)}" if name in present else "cast(null as varchar)"

    extras = [name for name in export.columns if name not in KNOWN_COLUMNS]
    extra_json = (
        "json_object(" + ", ".join(f"'{name}', incoming.{quoted(name)}" for name in extras) + ")"
        if extras
        else "cast(null as json)"
    )
    record_index = "incoming.rowid - $first_rowid"
    source_line = "line_map.source_line" if line_map_table else f"{record_index} + 2"
    line_join = f"join {line_map_table} as line_map on line_map.record_index = {record_index}" if line_map_table else ""
    known = ",\n            ".join(f"{column(name)} as {name}" for name in KNOWN_COLUMNS)
    accepted = ", ".join(f"'{sender}'" for sender in ACCEPTED_SENDER_TYPES)
    expected_senders = ", ".join(ACCEPTED_SENDER_TYPES)
    return f"""
        with records as (
            select
                {record_index} as record_index,
                {source_line} as source_line,
                {known},
                {extra_json} as extra_columns
            from incoming
            {line_join}
        ),
        parsed as (
            select
                *,
                {timestamp_sql("created_at")} as created_at_utc,
                {timestamp_sql("first_response_at")} as first_response_at_utc,
                lower(trim(sender_type)) as sender_type_normalised
            from records
        )
        select
            *,
            case
                when coalesce(trim(conversation_id), '') = '' then 'conversation_id'
                when coalesce(trim(created_at), '') = '' or created_at_utc is null then 'created_at'
                when coalesce(sender_type_normalised, '') not in ({accepted}) then 'sender_type'
                when coalesce(trim(first_response_at), '') <> '' and first_response_at_utc is null
                    then 'first_response_at'
            end as reject_column,
            case
                when coalesce(trim(conversation_id), '') = '' then 'empty; expected a conversation id'
                when coalesce(trim(created_at), '') = '' then 'empty; {TIMESTAMP_EXPECTATION}'
                when created_at_utc is null
                    then 'cannot read ''' || created_at || ''' as a timestamp; {TIMESTAMP_EXPECTATION}'
                when coalesce(sender_type_normalised, '') not in ({accepted})
                    then 'unknown value ''' || coalesce(sender_type, '') || '''; expected one of {expected_senders}'
                when coalesce(trim(first_response_at), '') <> '' and first_response_at_utc is null
                    then 'cannot read ''' || first_response_at || ''' as a timestamp; {TIMESTAMP_EXPECTATION}'
            end as reject_reason
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


def load_file(con: duckdb.DuckDBPyConnection, export: ExportFile, file_number: int, load_id: str, bar: tqdm) -> Counts:
    source_file = str(export.path)
    rejects_table, rejects_scan = f"csv_rejects_{file_number}", f"csv_scans_{file_number}"
    with query_progress(con, bar, export.path.stat().st_size):
        con.execute(
            f"""
            create or replace temp table incoming as
            select * from read_csv(
                $path, names = $names, header = true, all_varchar = true,
                delim = ',', quote = '"', escape = '"', strict_mode = true,
                store_rejects = true, rejects_table = '{rejects_table}', rejects_scan = '{rejects_scan}'
            )
            """,
            {"path": source_file, "names": export.columns},
        )
    counts = Counts(read=scalar(con, "select count(*) from incoming"))
    # Rows appended inside the open transaction get rowids from a large offset, in file order.
    first_rowid = scalar(con, "select min(rowid) from incoming")

    malformed_lines = 0
    if temp_table_exists(con, rejects_table):
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
        malformed_lines = scalar(con, "select count(*) from malformed")
    line_map = None
    if malformed_lines:
        # Valid records fill, in order, the line numbers that the malformed lines left free.
        con.execute(
            """
            create or replace temp table line_map as
            select row_number() over (order by line) - 1 as record_index, line as source_line
            from range(2, $last_line + 1) as lines(line)
            where line not in (select source_line from malformed)
            """,
            {"last_line": counts.read + malformed_lines + 1},
        )
        con.execute(
            """
            insert into raw.load_rejects
            select $load_id, $source_file, source_line, null,
                'malformed CSV line: ' || reason, raw_record, current_timestamp
            from malformed
            """,
            {"load_id": load_id, "source_file": source_file},
        )
        line_map = "line_map"
    counts.read += malformed_lines

    bar.set_postfix_str("validating")
    con.execute(
        f"create or replace temp table typed as {typed_records_sql(export, line_map)}", {"first_rowid": first_rowid}
    )
    invalid = scalar(
        con,
        """
        insert into raw.load_rejects
        select $load_id, $source_file, typed.source_line, typed.reject_column,
            'column ' || typed.reject_column || ': ' || typed.reject_reason, to_json(incoming), current_timestamp
        from typed
        join incoming on incoming.rowid = typed.record_index + $first_rowid
        where typed.reject_reason is not null
        """,
        {"load_id": load_id, "source_file": source_file, "first_rowid": first_rowid},
    )
    counts.rejected = malformed_lines + invalid

    bar.set_postfix_str("deduplicating")
    valid = scalar(con, "select count(*) from typed where reject_reason is null")
    counts.loaded = scalar(
        con,
        """
        insert into raw.messages
        with keyed as (
            select
                *,
                coalesce(
                    nullif(trim(message_id), ''),
                    'row:' || md5(to_json([
                        conversation_id, sender_type_normalised, part_type, created_at_utc::varchar,
                        first_response_at_utc::varchar, priority, assignee_id, tags, extra_columns::varchar
                    ]))
                ) as record_key
            from typed
            where reject_reason is null
        ),
        first_copies as (
            select * from keyed
            qualify row_number() over (partition by record_key order by record_index) = 1
        )
        select
            message_id, conversation_id, sender_type, part_type, created_at_utc, first_response_at_utc,
            priority, assignee_id, tags, extra_columns, record_key,
            $source_file, source_line, $load_id, current_timestamp
        from first_copies
        where not exists (select 1 from raw.messages as loaded where loaded._record_key = first_copies.record_key)
        """,
        {"load_id": load_id, "source_file": source_file},
    )
    counts.duplicates = valid - counts.loaded
    if counts.read != counts.loaded + counts.duplicates + counts.rejected:
        raise duckdb.InternalException(f"{source_file}: records unaccounted for ({counts.summary()})")
    return counts


def connect(db_path: Path) -> duckdb.DuckDBPyConnection:
    if db_path.parent and not db_path.parent.exists():
        raise LoadError(f"{db_path}: the folder {db_path.parent} does not exist")
    try:
        return duckdb.connect(str(db_path))
    except duckdb.IOException as error:
        message = str(error).splitlines()[0]
        if "lock" in message.lower():
            raise LoadError(
                f"{db_path}: the database is in use by another process; retry when it finishes ({message})"
            ) from None
        raise LoadError(f"{db_path}: cannot open the database ({message})") from None


def load(db_path: Path, files: list[Path], assume_tz: str) -> Counts:
    exports = [inspect_export(path) for path in files]
    con = connect(db_path)
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
                counts = load_file(con, export, file_number, load_id, bar)
                bar.set_postfix_str("done")
                con.execute(
                    "insert into raw.load_files values ($load_id, $file, $tz, $r, $l, $d, $x, current_timestamp)",
                    {
                        "load_id": load_id,
                        "file": str(export.path),
                        "tz": assume_tz,
                        "r": counts.read,
                        "l": counts.loaded,
                        "d": counts.duplicates,
                        "x": counts.rejected,
                    },
                )
                log.info("%s: %s", export.path, counts.summary())
                total += counts
        con.execute("commit")
    except duckdb.Error as error:
        con.execute("rollback")
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
            "Load Intercom message exports (CSV or CSV.gz, SPEC §1 A) into a DuckDB file. Every record is "
            "loaded, counted as a duplicate, or rejected with its reason into raw.load_rejects; the run "
            "prints 'read N, loaded L, duplicates D, rejected R' (N = L + D + R) and is one transaction."
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
    parser.add_argument("-q", "--quiet", action="store_true", help="print only the summary line and errors")
    parser.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="message export CSV files (.csv or .csv.gz)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="%(message)s")
    try:
        counts = load(args.db, args.files, args.assume_tz)
    except LoadError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(counts.summary())
    if counts.rejected:
        print(f"{counts.rejected} record(s) rejected: see raw.load_rejects in {args.db}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
