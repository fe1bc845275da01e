"""One load: every file read, validated and deduplicated inside one transaction."""

from __future__ import annotations

import contextlib
import logging
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from tqdm import tqdm

from intercom_sla.database import check_database_path, connect
from intercom_sla.errors import UserError

from . import KNOWN_LAYOUTS, connector_streams, intercom_api
from .accounting import (
    DELETE_REPLACED_CONVERSATIONS_SQL,
    INSERT_CONVERSATIONS_SQL,
    NEW_MESSAGES_SQL,
    STAGE_CONVERSATIONS_SQL,
    Counts,
    insert_messages_sql,
    not_rejected_before,
    scalar,
)
from .batches import ExportBatch, export_batches, read_csv_batch
from .completeness import report_incomplete_conversations
from .conversation_export import json_incoming_sql, json_key_present, malformed_json_error, missing_keys
from .layouts import ExportFile, export_files, inspect_export
from .message_csv import (
    MalformedLines,
    read_column_mapping,
    reject_malformed_lines,
)
from .progress import query_progress
from .schema import SCHEMA_SQL
from .typed_records import typed_records_sql
from .validation import BATCH_FILE_COLUMN, CONVERSATIONS, MESSAGES, ExportKind, TimestampWindow

log = logging.getLogger("load")

# The keys that some record of a JSON layout must have, else the file is not that layout; each with the
# SQL that finds it in a parsed record.
REQUIRED_CONVERSATION_EXPORT_KEYS = {key: json_key_present(key) for key in CONVERSATIONS.required}
REQUIRED_PART_KEYS = {key: f"part.{key} is not null" for key in ("conversation_id", "part_type", "created_at")}
REQUIRED_CONVERSATION_KEYS = {key: f"conversation.{key} is not null" for key in ("id", "created_at")}


def read_json(con: duckdb.DuckDBPyConnection, export: ExportFile, sql: str) -> None:
    try:
        con.execute(sql, {"path": str(export.path), "compression": export.compression})
    except (duckdb.InvalidInputException, duckdb.ConversionException) as error:
        raise malformed_json_error(export.path, error) from None


def require_keys(con: duckdb.DuckDBPyConnection, export: ExportFile, relation: str, keys: dict[str, str]) -> None:
    """A JSON file none of whose records has a required key is refused whole, as a CSV without the column."""
    missing = missing_keys(con, relation, keys)
    if missing:
        raise UserError(
            f"{export.path}: no record has the key(s) {', '.join(missing)} that a {export.dialect} needs; "
            f"nothing loaded. The loader reads {KNOWN_LAYOUTS}"
        )


def account_records(
    con: duckdb.DuckDBPyConnection,
    layout: ExportFile,
    file_count: int,
    source_file: str,
    load_id: str,
    window: TimestampWindow,
    malformed: MalformedLines,
    bar: tqdm,
) -> list[Counts]:
    """Validate the records in `incoming` and send each to exactly one place: loaded, duplicate or rejected.
    The counts are per file of the read (`file_index`); a read that is not a CSV batch is one file,
    `source_file`."""
    # Rows appended inside the open transaction get rowids from a large offset, in file order.
    first_rowid = scalar(con, "select min(rowid) from incoming")

    bar.set_postfix_str("validating")
    files_named = file_count > 1
    file_parameter = {} if files_named else {"source_file": source_file}
    con.execute(
        f"create or replace temp table typed as {typed_records_sql(layout, malformed.line_map, files_named)}",
        {"first_rowid": first_rowid, **file_parameter, **window.parameters()},
    )
    counts = [
        Counts(read=malformed.per_file.get(index, 0), rejected=malformed.per_file.get(index, 0))
        for index in range(file_count)
    ]
    for index, valid, invalid in con.execute(
        "select file_index, count(*) filter (where reject_reason is null),"
        " count(*) filter (where reject_reason is not null) from typed group by file_index"
    ).fetchall():
        counts[index].read += valid + invalid
        counts[index].rejected += invalid
        counts[index].duplicates = valid

    # a JSON export keeps each record as read; rows mapped from Intercom objects keep what they were mapped to
    if layout.is_json:
        record_sql = "to_json(incoming)" if layout.derived else "incoming.record_json::varchar"
    else:
        record_sql = f"json_merge_patch(to_json(incoming), '{{\"{BATCH_FILE_COLUMN}\": null}}')"
    reason_sql = "'column ' || typed.reject_column || ': ' || typed.reject_reason"
    con.execute(
        f"""
        insert into raw.load_rejects
        select $load_id, typed.source_file, typed.source_line, typed.reject_column, {reason_sql}, {record_sql},
            current_timestamp
        from typed
        join incoming on incoming.rowid = typed.record_index + $first_rowid
        where typed.reject_reason is not null
            and {not_rejected_before("typed.source_file", "typed.source_line", reason_sql)}
        """,
        {"load_id": load_id, "first_rowid": first_rowid},
    )

    bar.set_postfix_str("deduplicating")
    # every time is read by now; the keys and hashes spell times in UTC, so that the same record read
    # under another --assume-tz is still a duplicate of itself
    con.execute("set TimeZone = 'UTC'")
    if layout.kind is MESSAGES and file_count == 1:
        outcomes = [(0, "loaded", scalar(con, insert_messages_sql(f"({NEW_MESSAGES_SQL})"), {"load_id": load_id}))]
    elif layout.kind is MESSAGES:
        # several files: the new messages are kept a moment, to be counted per file
        con.execute(f"create or replace temp table new_messages as {NEW_MESSAGES_SQL}")
        con.execute(insert_messages_sql("new_messages"), {"load_id": load_id})
        outcomes = con.execute("select file_index, 'loaded', count(*) from new_messages group by all").fetchall()
    else:
        con.execute(STAGE_CONVERSATIONS_SQL)
        outcomes = con.execute(
            "select file_index, outcome, count(*) from conversation_outcomes"
            " where outcome in ('loaded', 'superseded') group by all"
        ).fetchall()
        replaced = scalar(con, DELETE_REPLACED_CONVERSATIONS_SQL)
        con.execute(INSERT_CONVERSATIONS_SQL, {"load_id": load_id})
        if replaced:
            log.info("%s: %d stored conversation(s) replaced by a newer version", layout.path, replaced)
    for index, outcome, number in outcomes:
        setattr(counts[index], outcome, number)
        counts[index].duplicates -= number
    for file_counts in counts:
        if not file_counts.adds_up():
            raise duckdb.InternalException(f"{layout.path}: records unaccounted for ({file_counts.summary()})")
    return counts


def load_batch(
    con: duckdb.DuckDBPyConnection,
    batch: ExportBatch,
    batch_number: int,
    load_id: str,
    window: TimestampWindow,
    bar: tqdm,
) -> list[Counts]:
    """Load one batch; the counts of each of its files."""
    layout = batch.layout
    if layout.kind is None:
        return [load_intercom_objects(con, layout, load_id, window, bar)]
    malformed = MalformedLines()
    with query_progress(con, bar, batch.size):
        if layout.is_json:
            read_json(con, layout, json_incoming_sql(layout.kind))
            require_keys(con, layout, "incoming", REQUIRED_CONVERSATION_EXPORT_KEYS)
        else:
            rejects_table, rejects_scan = read_csv_batch(con, batch, batch_number)
            malformed = reject_malformed_lines(con, rejects_table, rejects_scan, {"load_id": load_id})
    return account_records(con, layout, len(batch.files), layout.source, load_id, window, malformed, bar)


def load_intercom_objects(
    con: duckdb.DuckDBPyConnection, export: ExportFile, load_id: str, window: TimestampWindow, bar: tqdm
) -> Counts:
    """Intercom API objects and connector streams: message rows and conversation rows, each accounted for."""
    no_malformed = MalformedLines()
    if export.stream is connector_streams.PARTS_STREAM:
        with query_progress(con, bar, export.path.stat().st_size):
            read_json(con, export, connector_streams.part_objects_sql())
        require_keys(con, export, "part_objects", REQUIRED_PART_KEYS)
        con.execute(connector_streams.part_messages_sql())
        messages = derived_export(export, MESSAGES)
        return account_records(con, messages, 1, export.source, load_id, window, no_malformed, bar)[0]
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
        derived = derived_export(export, kind)
        counts += account_records(con, derived, 1, export.source, load_id, window, no_malformed, bar)[0]
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
        compression=export.compression,
    )


@contextlib.contextmanager
def load_transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One transaction: committed whole, or rolled back with the failure as one UserError (Ctrl-C as a
    KeyboardInterrupt), leaving the database exactly as it was."""
    con.execute("begin transaction")
    try:
        yield
        con.execute("commit")
    except (duckdb.Error, UserError, RuntimeError) as error:
        # after an I/O error DuckDB may have invalidated the connection; the transaction is void anyway
        with contextlib.suppress(duckdb.Error):
            con.execute("rollback")
        if isinstance(error, UserError):
            raise
        if isinstance(error, duckdb.InterruptException) or "interrupted" in str(error).lower():
            # Ctrl-C: DuckDB stops the running query and raises; the rolled-back load reports it as one
            raise KeyboardInterrupt from None
        if not isinstance(error, duckdb.Error):
            raise
        raise UserError(f"load failed, database unchanged: {str(error).splitlines()[0]}") from None


def load_exports(
    con: duckdb.DuckDBPyConnection,
    exports: list[ExportFile],
    load_id: str,
    assume_tz: str,
    window: TimestampWindow,
    bar: tqdm,
) -> Counts:
    """Load the exports inside the caller's transaction, each with its row in raw.load_files."""
    total = Counts()
    for batch_number, batch in enumerate(export_batches(exports)):
        layout = batch.layout
        more = f" and {len(batch.files) - 1} more" if len(batch.files) > 1 else ""
        bar.set_description(f"{layout.path.name}{more}")
        bar.set_postfix_str("reading")
        time_zone = layout.time_zone or assume_tz
        con.execute("set TimeZone = $tz", {"tz": time_zone})
        counts = load_batch(con, batch, batch_number, load_id, window, bar)
        bar.set_postfix_str("done")
        refuse_another_reading(con, batch, counts, time_zone)
        kind = layout.kind.name if layout.kind else "intercom_api"
        con.execute(
            """
            insert into raw.load_files (_load_id, _source_file, export_kind, assume_tz, records_read, records_loaded,
                records_superseded, records_duplicate, records_rejected, _loaded_at, content_sha256)
            select $load_id, unnest($sources), $kind, $tz, unnest($read), unnest($loaded), unnest($superseded),
                unnest($duplicates), unnest($rejected), current_timestamp, unnest($sha256)
            """,
            {
                "load_id": load_id,
                "sources": [export.source for export in batch.files],
                "kind": kind,
                "tz": time_zone,
                "sha256": [export.sha256 for export in batch.files],
                "read": [c.read for c in counts],
                "loaded": [c.loaded for c in counts],
                "superseded": [c.superseded for c in counts],
                "duplicates": [c.duplicates for c in counts],
                "rejected": [c.rejected for c in counts],
            },
        )
        for export, file_counts in zip(batch.files, counts, strict=True):
            log.info("%s (%s): %s", export.source, export.dialect or kind, file_counts.summary())
            total += file_counts
    return total


def refuse_another_reading(
    con: duckdb.DuckDBPyConnection,
    batch: ExportBatch,
    counts: list[Counts],
    time_zone: str,
) -> None:
    """The same bytes loaded before with their naive times read in another zone would store each message
    again at other times: refused, naming the zone that reads the file as it was loaded."""
    read_again = [
        (str(export.path), export.sha256)
        for export, file_counts in zip(batch.files, counts, strict=True)
        if file_counts.loaded and export.sha256
    ]
    if not read_again:
        return
    earlier = con.execute(
        """
        with read_again as (select unnest($paths) as path, unnest($sha256) as sha256)
        select read_again.path, load_files._source_file, load_files.assume_tz
        from read_again
        join raw.load_files as load_files on load_files.content_sha256 = read_again.sha256
        where load_files.assume_tz <> $tz
        order by load_files._loaded_at
        limit 1
        """,
        {"paths": [path for path, _ in read_again], "sha256": [sha for _, sha in read_again], "tz": time_zone},
    ).fetchone()
    if earlier:
        path, source, earlier_zone = earlier
        raise UserError(
            f"{path}: the same file was loaded before ({source}) with its times without an offset read "
            f"in {earlier_zone}; read in {time_zone} they would be other times and every message would count "
            f"twice. Load it with --assume-tz {earlier_zone}, or into a new database; nothing loaded"
        )


def load(
    db_path: Path,
    files: list[Path],
    assume_tz: str,
    memory_limit: str | None = None,
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
