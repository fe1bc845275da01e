"""CSV exports: which layout a header is (messages, conversations, an export tool's dialect, a user's
column mapping), reading the file, and the lines DuckDB cannot split."""

from __future__ import annotations

import csv
import functools
import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import yaml

from intercom_sla.errors import UserError

from . import KNOWN_LAYOUTS
from .accounting import not_rejected_before, temp_table_exists
from .compression import is_gzip, open_export
from .validation import BATCH_FILE_COLUMN, CONVERSATIONS, MESSAGES, ExportKind

log = logging.getLogger("load")

MAX_LINE_BYTES = 64 * 1024 * 1024
# Custom attributes add columns, but an export with thousands of them is something else.
MAX_COLUMNS = 2000


def open_text(path: Path) -> io.TextIOWrapper:
    return io.TextIOWrapper(open_export(path), encoding="utf-8-sig", newline="")


@functools.lru_cache(maxsize=4096)
def normalise_column_name(name: str) -> str:
    """`Conversation ID` -> `conversation_id`; the result only ever holds [a-z0-9_]. A column named like
    DuckDB's row number pseudo-column keeps its values under another name."""
    normalised = re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")
    return f"{normalised}_column" if normalised == "rowid" else normalised


@dataclass(frozen=True)
class Dialect:
    """A known CSV header layout: renames onto the project's columns, and the zone of its naive times."""

    name: str
    signature: tuple[str, ...]
    renames: dict[str, str]
    time_zone: str | None = None


# Message-level exports of third-party Intercom export tools: Intercom part types in message_type (the
# opening message is `conversation_message`),
# author types in message_author_type, naive UTC times (2017-11-14 21:45:08) in message_created_at.
DIALECTS = (
    Dialect(
        "message export of an Intercom export tool",
        signature=("message_author_type", "message_created_at"),
        renames={
            "message_type": "part_type",
            "message_author_type": "sender_type",
            "message_created_at": "created_at",
            "message_body": "body",
            "message_author_id": "author_id",
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
        raise UserError(f"{path}: cannot read the column mapping ({str(error).splitlines()[0]})") from None
    if not isinstance(mapping, dict) or not all(isinstance(value, str) for value in mapping.values()):
        raise UserError(f"{path}: expected a YAML mapping of export column: project column, one per line")
    targets = {*MESSAGES.known, *CONVERSATIONS.known}
    unknown = sorted(value for value in mapping.values() if value not in targets)
    if unknown:
        raise UserError(
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


def csv_incoming_sql(rejects_table: str, rejects_scan: str, name_files: bool) -> str:
    """Read the CSV files `$paths` (one layout) into `incoming`, in file order, each record naming its file
    when there are several."""
    file_column = f"filename = '{BATCH_FILE_COLUMN}'," if name_files else ""
    return f"""
        create or replace temp table incoming as
        select * from read_csv(
            $paths, compression = $compression, names = $names, header = true, all_varchar = true,
            delim = ',', quote = '"', escape = '"', strict_mode = true, max_line_size = {MAX_LINE_BYTES},
            {file_column}
            store_rejects = true, rejects_table = '{rejects_table}', rejects_scan = '{rejects_scan}'
        )
    """


@dataclass
class MalformedLines:
    """The lines of each file of a read (by file index) that DuckDB could not split, and the table that maps
    the other records of those files to their line numbers."""

    per_file: dict[int, int] = field(default_factory=dict)
    line_map: str | None = None


def reject_malformed_lines(
    con: duckdb.DuckDBPyConnection, rejects_table: str, rejects_scan: str, parameters: dict
) -> MalformedLines:
    """Move CSV lines DuckDB could not split into raw.load_rejects; map the valid records of each file that has
    such lines to their line numbers."""
    if not temp_table_exists(con, rejects_table):
        return MalformedLines()
    con.execute(
        f"""
        create or replace temp table malformed as
        select
            batch_files.file_index,
            any_value(batch_files.source) as source_file,
            rejects.line as source_line,
            lower(arg_min(rejects.error_type::varchar || ': ' || rejects.error_message, rejects.byte_position))
                as reason,
            ltrim(any_value(rejects.csv_line), chr(13) || chr(10)) as raw_record
        from {rejects_table} as rejects
        join {rejects_scan} as scans on scans.scan_id = rejects.scan_id and scans.file_id = rejects.file_id
        join batch_files on batch_files.path = scans.file_path
        group by batch_files.file_index, rejects.line
        """
    )
    per_file = dict(con.execute("select file_index, count(*) from malformed group by file_index").fetchall())
    if not per_file:
        return MalformedLines()
    # Valid records fill, in order, the line numbers that the malformed lines left free.
    con.execute(
        """
        create or replace temp table line_map as
        with damaged as (
            select batch_files.file_index, batch_files.records + count(*) + 1 as last_line
            from malformed
            join batch_files on batch_files.file_index = malformed.file_index
            group by batch_files.file_index, batch_files.records
        ),
        lines as (
            select file_index, unnest(range(2, last_line + 1)) as line
            from damaged
        )
        select
            lines.file_index,
            row_number() over (partition by lines.file_index order by lines.line) - 1 as record_number,
            lines.line as source_line
        from lines
        anti join malformed on malformed.file_index = lines.file_index and malformed.source_line = lines.line
        """
    )
    reason_sql = "'malformed CSV line: ' || malformed.reason"
    con.execute(
        f"""
        insert into raw.load_rejects
        select $load_id, source_file, source_line, null, {reason_sql}, raw_record, current_timestamp
        from malformed
        where {not_rejected_before("malformed.source_file", "malformed.source_line", reason_sql)}
        """,
        parameters,
    )
    cut_short = con.execute(
        """
        select batch_files.path, batch_files.source, max(malformed.source_line)
        from malformed
        join batch_files on batch_files.file_index = malformed.file_index
        group by batch_files.path, batch_files.source, batch_files.records
        having max(malformed.source_line) = batch_files.records + count(*) + 1
        """
    ).fetchall()
    for path, source, last_line in cut_short:
        if not ends_with_newline(Path(path)):
            log.warning(
                "warning: %s: the last line (%d) is cut short and has no line end: the file looks truncated; "
                "every line before it is accounted for",
                source,
                last_line,
            )
    return MalformedLines(per_file, "line_map")


def unterminated_quote_line(path: Path) -> int | None:
    """The line where a quoted field opens that is never closed, or None (read only on the error path)."""
    with open_text(path) as handle:
        reader = csv.reader(handle, strict=True)
        record_start = 1
        try:
            for _ in reader:
                record_start = reader.line_num + 1
        except csv.Error as error:
            # other errors (a field over the csv module's own size limit) say nothing about quotes
            return record_start if "unexpected end of data" in str(error) else None
        except UnicodeDecodeError:
            return None
    return None


def ends_with_newline(path: Path) -> bool:
    """Whether a plain file's last byte ends a line (a compressed file's end is checked by its CRC)."""
    if path.stat().st_size == 0 or is_gzip(path):
        return True
    with path.open("rb") as handle:
        handle.seek(-1, 2)
        return handle.read(1) in (b"\n", b"\r")


def inspect_csv_header(
    header: list[str], mapping: dict[str, str]
) -> tuple[ExportKind, list[str], str, str | None] | str:
    """(kind, project column names, dialect, zone of naive times) for a CSV header, or why it cannot be
    read, naming the header's columns as the file spells them."""
    if len(header) > MAX_COLUMNS:
        return (
            f"the header has {len(header):,} columns; an Intercom export has far fewer (the loader reads at most "
            f"{MAX_COLUMNS:,}): is this an export?"
        )
    normalised = [normalise_column_name(name) or f"column_{position}" for position, name in enumerate(header, 1)]
    columns, dialect, naive_time_zone = place_columns(normalised, mapping)
    found = ", ".join(header)
    repeated = sorted({name for name in columns if columns.count(name) > 1})
    if repeated:
        names = ", ".join(" / ".join(h for c, h in zip(columns, header, strict=True) if c == name) for name in repeated)
        return f"column(s) {names} appear more than once in the header (names match case- and space-insensitively)"
    looks_like_messages = "sender_type" in columns or ("created_at" in columns and "started_at" not in columns)
    if not looks_like_messages and "started_at" not in columns:
        return (
            f"cannot tell the layout from the header {found} (is the file comma-separated?); "
            f"the loader reads {KNOWN_LAYOUTS}"
        )
    kind = MESSAGES if looks_like_messages else CONVERSATIONS
    missing = [name for name in kind.required if name not in columns]
    if missing:
        return (
            f"missing required column(s) {', '.join(missing)} for a {kind.name} export; found {found} "
            "(is the file comma-separated? map other names with --columns)"
        )
    return kind, columns, dialect or f"{kind.name} export (CSV)", naive_time_zone
