"""Conversation exports as JSON arrays or JSON Lines, read by DuckDB's JSON reader."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from intercom_sla.errors import UserError

from .compression import export_name, open_export
from .validation import ExportKind


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
        from read_json_objects($path, format = 'auto', compression = $compression)
    """


def malformed_json_error(path: Path, error: duckdb.Error) -> UserError:
    """Name the exact line of the first broken JSON Lines record (DuckDB counts lines differently)."""
    message = str(error).splitlines()[0]
    if not export_name(path).endswith((".jsonl", ".ndjson")):
        return UserError(f"{path}: malformed JSON, nothing loaded ({message})")
    with open_export(path) as handle:
        for number, raw in enumerate(handle, 1):
            problem = json_line_problem(raw.removeprefix(b"\xef\xbb\xbf") if number == 1 else raw)
            if problem:
                return UserError(f"{path}: line {number}{problem}, nothing loaded")
    return UserError(f"{path}: malformed JSON, nothing loaded ({message})")


def json_line_problem(raw: bytes) -> str:
    """What is wrong with one JSON Lines record, as `, column C: ...`; empty when nothing is."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as bad:
        return f", column {bad.start + 1}: not UTF-8 (byte 0x{raw[bad.start]:02X}); expected UTF-8 text"
    if not line.strip():
        return ""
    try:
        json.loads(line)
    except json.JSONDecodeError as bad:
        return f", column {bad.colno}: malformed JSON ({bad.msg})"
    except RecursionError:
        return ": JSON nested too deeply to be an Intercom record"
    return ""


def missing_keys(con: duckdb.DuckDBPyConnection, relation: str, present: dict[str, str]) -> list[str]:
    """The keys no record of `relation` has, each tested by its SQL `present` condition (none when the
    relation holds no record at all)."""
    if not present:
        return []
    tests = ", ".join(f"bool_or({condition})" for condition in present.values())
    row = con.execute(f"select count(*), {tests} from {relation}").fetchone()
    if not row[0]:
        return []
    return [key for key, found in zip(present, row[1:], strict=True) if not found]


def json_key_present(key: str) -> str:
    return f"json_exists(record_json, '$.\"{key}\"')"
