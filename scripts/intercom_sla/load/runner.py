"""One load: every file read, validated and deduplicated inside one transaction."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from tqdm import tqdm

from intercom_sla.memory_limit import DEFAULT_MEMORY_LIMIT

from . import connector_streams, intercom_api
from .accounting import (
    DELETE_REPLACED_CONVERSATIONS_SQL,
    INSERT_CONVERSATIONS_SQL,
    INSERT_MESSAGES_SQL,
    STAGE_CONVERSATIONS_SQL,
    Counts,
    not_rejected_before,
    scalar,
)
from .completeness import report_incomplete_conversations
from .compression import duckdb_compression
from .conversation_export import json_incoming_sql, json_key_present, malformed_json_error, missing_keys
from .database import check_database_path, connect
from .errors import KNOWN_LAYOUTS, LoadError
from .layouts import ExportFile, export_files, inspect_export
from .message_csv import (
    MAX_LINE_BYTES,
    csv_incoming_sql,
    read_column_mapping,
    reject_malformed_lines,
    unterminated_quote_line,
)
from .progress import query_progress
from .schema import SCHEMA_SQL
from .validation import CONVERSATIONS, MESSAGES, ExportKind, TimestampWindow, typed_records_sql

log = logging.getLogger("load")

# The keys that some record of a JSON layout must have, else the file is not that layout; each with the
# SQL that finds it in a parsed record.
REQUIRED_CONVERSATION_EXPORT_KEYS = {key: json_key_present(key) for key in CONVERSATIONS.required}
REQUIRED_PART_KEYS = {key: f"part.{key} is not null" for key in ("conversation_id", "part_type", "created_at")}
REQUIRED_CONVERSATION_KEYS = {key: f"conversation.{key} is not null" for key in ("id", "created_at")}


def read_csv_incoming(con: duckdb.DuckDBPyConnection, export: ExportFile, file_number: int) -> str:
    """Read one CSV file into the temp table `incoming`; return the name of DuckDB's CSV rejects table."""
    rejects_table = f"csv_rejects_{file_number}"
    try:
        con.execute(
            csv_incoming_sql(rejects_table, f"csv_scans_{file_number}"),
            {"path": str(export.path), "compression": duckdb_compression(export.path), "names": export.columns},
        )
    except duckdb.InvalidInputException as error:
        message = str(error)
        if "maximum line size" not in message.lower():
            detail = message.splitlines()[0]
            raise LoadError(f"{export.path}: cannot read the file as CSV, nothing loaded ({detail})") from None
        # DuckDB reads an unclosed quote to the end of the file as one over-long line
        opened = unterminated_quote_line(export.path)
        if opened is not None:
            raise LoadError(
                f"{export.path}: line {opened}: a quoted field opens and is never closed (the file looks "
                "truncated, or a closing quote is missing); nothing loaded"
            ) from None
        raise LoadError(
            f"{export.path}: cannot read the file as CSV, nothing loaded (a line is longer than the "
            f"{MAX_LINE_BYTES // 2**20} MB the loader accepts)"
        ) from None
    return rejects_table


def read_json(con: duckdb.DuckDBPyConnection, export: ExportFile, sql: str) -> None:
    try:
        con.execute(sql, {"path": str(export.path), "compression": duckdb_compression(export.path)})
    except (duckdb.InvalidInputException, duckdb.ConversionException) as error:
        raise malformed_json_error(export.path, error) from None


def require_keys(con: duckdb.DuckDBPyConnection, export: ExportFile, relation: str, keys: dict[str, str]) -> None:
    """A JSON file none of whose records has a required key is refused whole, as a CSV without the column."""
    missing = missing_keys(con, relation, keys)
    if missing:
        raise LoadError(
            f"{export.path}: no record has the key(s) {', '.join(missing)} that a {export.dialect} needs; "
            f"nothing loaded. The loader reads {KNOWN_LAYOUTS}"
        )


def account_records(
    con: duckdb.DuckDBPyConnection,
    export: ExportFile,
    parameters: dict,
    window: TimestampWindow,
    rejects_table: str | None,
    bar: tqdm,
) -> Counts:
    """Validate the records in `incoming` and send each to exactly one place: loaded, duplicate or rejected."""
    counts = Counts(read=scalar(con, "select count(*) from incoming"))
    # Rows appended inside the open transaction get rowids from a large offset, in file order.
    first_rowid = scalar(con, "select min(rowid) from incoming")

    malformed, line_map = reject_malformed_lines(con, rejects_table, counts.read, parameters)
    counts.read += malformed

    bar.set_postfix_str("validating")
    con.execute(
        f"create or replace temp table typed as {typed_records_sql(export, line_map)}",
        {"first_rowid": first_rowid, **window.parameters()},
    )
    # a JSON export keeps each record as read; rows mapped from Intercom objects keep what they were mapped to
    record_sql = "incoming.record_json::varchar" if export.is_json and not export.derived else "to_json(incoming)"
    invalid = scalar(con, "select count(*) from typed where reject_reason is not null")
    reason_sql = "'column ' || typed.reject_column || ': ' || typed.reject_reason"
    con.execute(
        f"""
        insert into raw.load_rejects
        select $load_id, $source_file, typed.source_line, typed.reject_column, {reason_sql}, {record_sql},
            current_timestamp
        from typed
        join incoming on incoming.rowid = typed.record_index + $first_rowid
        where typed.reject_reason is not null and {not_rejected_before("typed.source_line", reason_sql)}
        """,
        {**parameters, "first_rowid": first_rowid},
    )
    counts.rejected = malformed + invalid

    bar.set_postfix_str("deduplicating")
    # every time is read by now; the keys and hashes spell times in UTC, so that the same record read
    # under another --assume-tz is still a duplicate of itself
    con.execute("set TimeZone = 'UTC'")
    valid = scalar(con, "select count(*) from typed where reject_reason is null")
    if export.kind is MESSAGES:
        counts.loaded = scalar(con, INSERT_MESSAGES_SQL, parameters)
    else:
        con.execute(STAGE_CONVERSATIONS_SQL)
        counts.loaded = scalar(con, "select count(*) from conversation_outcomes where outcome = 'loaded'")
        counts.superseded = scalar(con, "select count(*) from conversation_outcomes where outcome = 'superseded'")
        replaced = scalar(con, DELETE_REPLACED_CONVERSATIONS_SQL)
        con.execute(INSERT_CONVERSATIONS_SQL, parameters)
        if replaced:
            log.info("%s: %d stored conversation(s) replaced by a newer version", export.path, replaced)
    counts.duplicates = valid - counts.loaded - counts.superseded
    if counts.read != counts.loaded + counts.superseded + counts.duplicates + counts.rejected:
        raise duckdb.InternalException(f"{export.path}: records unaccounted for ({counts.summary()})")
    return counts


def load_file(
    con: duckdb.DuckDBPyConnection,
    export: ExportFile,
    file_number: int,
    load_id: str,
    window: TimestampWindow,
    bar: tqdm,
) -> Counts:
    parameters = {"load_id": load_id, "source_file": export.source}
    if export.kind is None:
        return load_intercom_objects(con, export, parameters, window, bar)
    rejects_table = None
    with query_progress(con, bar, export.path.stat().st_size):
        if export.is_json:
            read_json(con, export, json_incoming_sql(export.kind))
            require_keys(con, export, "incoming", REQUIRED_CONVERSATION_EXPORT_KEYS)
        else:
            rejects_table = read_csv_incoming(con, export, file_number)
    return account_records(con, export, parameters, window, rejects_table, bar)


def load_intercom_objects(
    con: duckdb.DuckDBPyConnection, export: ExportFile, parameters: dict, window: TimestampWindow, bar: tqdm
) -> Counts:
    """Intercom API objects and connector streams: message rows and conversation rows, each accounted for."""
    if export.stream is connector_streams.PARTS_STREAM:
        with query_progress(con, bar, export.path.stat().st_size):
            read_json(con, export, connector_streams.part_objects_sql())
        require_keys(con, export, "part_objects", REQUIRED_PART_KEYS)
        con.execute(connector_streams.part_messages_sql())
        return account_records(con, derived_export(export, MESSAGES), parameters, window, None, bar)
    with query_progress(con, bar, export.path.stat().st_size):
        read_json(con, export, intercom_api.conversation_objects_sql(export.paged))
    require_keys(con, export, "conversation_objects", REQUIRED_CONVERSATION_KEYS)
    con.execute(intercom_api.conversation_records_sql(export.first_record))
    counts = Counts()
    for kind, sql in (
        (MESSAGES, intercom_api.message_rows_sql()),
        (CONVERSATIONS, intercom_api.conversation_rows_sql()),
    ):
        con.execute(sql)
        counts += account_records(con, derived_export(export, kind), parameters, window, None, bar)
    return counts


def derived_export(export: ExportFile, kind: ExportKind) -> ExportFile:
    return ExportFile(
        export.path,
        kind,
        [],
        is_json=True,
        dialect=export.dialect,
        derived=True,
        source_name=export.source_name,
        first_record=export.first_record,
    )


@contextlib.contextmanager
def load_transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One transaction: committed whole, or rolled back with the failure as one LoadError (Ctrl-C as a
    KeyboardInterrupt), leaving the database exactly as it was."""
    con.execute("begin transaction")
    try:
        yield
        con.execute("commit")
    except (duckdb.Error, LoadError, RuntimeError) as error:
        # after an I/O error DuckDB may have invalidated the connection; the transaction is void anyway
        with contextlib.suppress(duckdb.Error):
            con.execute("rollback")
        if isinstance(error, LoadError):
            raise
        if isinstance(error, duckdb.InterruptException) or "interrupted" in str(error).lower():
            # Ctrl-C: DuckDB stops the running query and raises; the rolled-back load reports it as one
            raise KeyboardInterrupt from None
        if not isinstance(error, duckdb.Error):
            raise
        raise LoadError(f"load failed, database unchanged: {str(error).splitlines()[0]}") from None


def load_exports(
    con: duckdb.DuckDBPyConnection,
    exports: list[ExportFile],
    load_id: str,
    assume_tz: str,
    window: TimestampWindow,
    bar: tqdm,
) -> Counts:
    """Load each export inside the caller's transaction, with its row in raw.load_files."""
    total = Counts()
    for file_number, export in enumerate(exports):
        bar.set_description(export.path.name)
        bar.set_postfix_str("reading")
        time_zone = export.time_zone or assume_tz
        con.execute("set TimeZone = $tz", {"tz": time_zone})
        counts = load_file(con, export, file_number, load_id, window, bar)
        bar.set_postfix_str("done")
        # only exports can hold naive times; API objects and connector streams give every time its zone
        fingerprint = content_fingerprint(export.path) if export.kind else None
        if counts.loaded and fingerprint:
            refuse_another_reading(con, export, fingerprint, time_zone)
        kind = export.kind.name if export.kind else "intercom_api"
        con.execute(
            "insert into raw.load_files (_load_id, _source_file, export_kind, assume_tz, records_read,"
            " records_loaded, records_superseded, records_duplicate, records_rejected, _loaded_at, content_sha256)"
            " values ($load_id, $file, $kind, $tz, $r, $l, $s, $d, $x, current_timestamp, $sha256)",
            {
                "load_id": load_id,
                "file": export.source,
                "kind": kind,
                "tz": time_zone,
                "sha256": fingerprint,
                "r": counts.read,
                "l": counts.loaded,
                "s": counts.superseded,
                "d": counts.duplicates,
                "x": counts.rejected,
            },
        )
        log.info("%s (%s): %s", export.source, export.dialect or kind, counts.summary())
        total += counts
    return total


def content_fingerprint(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def refuse_another_reading(
    con: duckdb.DuckDBPyConnection, export: ExportFile, fingerprint: str, time_zone: str
) -> None:
    """The same bytes loaded before with their naive times read in another zone would store each message
    again at other times: refused, naming the zone that reads the file as it was loaded."""
    earlier = con.execute(
        "select _source_file, assume_tz from raw.load_files where content_sha256 = $sha256 and assume_tz <> $tz"
        " order by _loaded_at limit 1",
        {"sha256": fingerprint, "tz": time_zone},
    ).fetchone()
    if earlier:
        source, earlier_zone = earlier
        raise LoadError(
            f"{export.path}: the same file was loaded before ({source}) with its times without an offset read "
            f"in {earlier_zone}; read in {time_zone} they would be other times and every message would count "
            f"twice. Load it with --assume-tz {earlier_zone}, or into a new database; nothing loaded"
        )


def load(
    db_path: Path,
    files: list[Path],
    assume_tz: str,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    column_mapping: Path | None = None,
    window: TimestampWindow | None = None,
) -> Counts:
    window = window or TimestampWindow.default(datetime.now(UTC))
    check_database_path(db_path)
    mapping = read_column_mapping(column_mapping) if column_mapping else {}
    exports = [inspect_export(path, mapping) for path in export_files(files)]
    con = connect(db_path, memory_limit)
    try:
        with load_transaction(con):
            con.execute(SCHEMA_SQL)
            total_bytes = sum(export.path.stat().st_size for export in exports)
            with tqdm(total=total_bytes, unit="B", unit_scale=True, disable=not sys.stderr.isatty()) as bar:
                total = load_exports(con, exports, str(uuid.uuid4()), assume_tz, window, bar)
            total.incomplete = report_incomplete_conversations(con)
    finally:
        con.close()
    return total
