"""The SQL that types a read's varchar records by their layout: each column parsed, the first failed check
as the record's reject reason, and the file and line each record came from."""

from __future__ import annotations

import json
import re

from .layouts import ExportFile
from .validation import BATCH_FILE_COLUMN


def sql_identifier(identifier: str) -> str:
    """Quote a column name that `normalise_column_name` already reduced to [a-z0-9_]."""
    if not re.fullmatch(r"[a-z0-9_]+", identifier):
        raise ValueError(f"unsafe identifier {identifier!r}")
    return f'"{identifier}"'


def typed_records_sql(export: ExportFile, line_map_table: str | None, files_named: bool) -> str:
    """SQL that turns the varchar records in `incoming` into typed rows with a reject reason each, and the
    file and line each came from: a read of several CSV files names each record's file (`files_named`, listed
    in `batch_files`), any other read is of one file, `$source_file`."""
    kind = export.kind
    present = set(kind.known) if export.is_json else set(export.columns)

    def column(name: str) -> str:
        return f"incoming.{sql_identifier(name)}" if name in present else "cast(null as varchar)"

    file_columns = "0 as file_index, $source_file as source_file"
    joins = ""
    if export.derived:
        extra_json = "incoming.extra_columns"
        source_line = "incoming.source_record"
    elif export.is_json:
        removed = json.dumps(dict.fromkeys(kind.known))
        extra_json = f"json_merge_patch(incoming.record_json, '{removed}')"
        source_line = "incoming.rowid - $first_rowid + 1"
    else:
        extras = [name for name in export.columns if name not in kind.known]
        extra_json = (
            "json_object(" + ", ".join(f"'{name}', incoming.{sql_identifier(name)}" for name in extras) + ")"
            if extras
            else "cast(null as json)"
        )
        record_number = "incoming.rowid - $first_rowid"
        if files_named:
            file_columns = "batch_files.file_index, batch_files.source as source_file"
            record_number = "incoming.rowid - batch_files.first_rowid"
            joins = f"join batch_files on batch_files.path = incoming.{BATCH_FILE_COLUMN}"
        source_line = f"{record_number} + 2"
        if line_map_table:
            file_index = "batch_files.file_index" if files_named else "0"
            joins += (
                f"\n            left join {line_map_table} as line_map on line_map.file_index = {file_index}"
                f" and line_map.record_number = {record_number}"
            )
            source_line = f"coalesce(line_map.source_line, {source_line})"
    known = ",\n                ".join(f"{column(name)} as {name}" for name in kind.known)
    parsed = ",\n                ".join(
        f"{'null' if kind.unknown_without.get(name, '') not in present | {''} else sql} as {name}_parsed"
        for name, sql in kind.parsed.items()
    )
    reject_column = "\n".join(f"when {check.failed} then '{check.column}'" for check in kind.checks)
    reject_reason = "\n".join(f"when {check.failed} then {check.reason}" for check in kind.checks)
    return f"""
        with records as (
            select
                incoming.rowid - $first_rowid as record_index,
                {file_columns},
                {source_line} as source_line,
                {known},
                {extra_json} as extra_columns
            from incoming
            {joins}
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
