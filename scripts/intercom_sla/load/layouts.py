"""Which layout a file is in, recognised from its name, header or shape before anything is loaded."""

from __future__ import annotations

import codecs
import csv
import logging
from dataclasses import dataclass
from pathlib import Path

from intercom_sla.errors import UserError

from . import KNOWN_LAYOUTS, connector_streams, intercom_api
from .compression import COMPRESSION_SUFFIXES, compression_of, export_name, open_export, verify_gzip
from .connector_streams import Stream
from .file_scan import scan_export
from .message_csv import MAX_LINE_BYTES, inspect_csv_header
from .validation import CONVERSATIONS, ExportKind

log = logging.getLogger("load")

JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")
EXPORT_SUFFIXES = (".csv", *JSON_SUFFIXES)
# A CSV header longer than this is not an export's; a JSON file's first line is read this far for its layout.
FIRST_LINE_BYTES = 2**20
EXPORT_NAMES = f"expected {', '.join(EXPORT_SUFFIXES)} in any case, optionally then {' or '.join(COMPRESSION_SUFFIXES)}"


@dataclass
class ExportFile:
    path: Path
    kind: ExportKind | None  # None for Intercom objects and connector streams, which hold both kinds
    columns: list[str]  # CSV columns, normalised; empty for JSON
    is_json: bool = False
    dialect: str = ""
    time_zone: str | None = None  # for naive timestamps, when the layout fixes it (else --assume-tz)
    # records mapped by SQL from another layout (Intercom objects, connector streams): `incoming` carries
    # each one's record number and extra columns itself
    derived: bool = False
    stream: Stream | None = None
    paged: bool = False  # Intercom `conversation.list` pages rather than conversation objects
    # what the raw tables name as the records' source, when not the file itself (a pull names the API)
    source_name: str | None = None
    # the number of the file's first record: a pull numbers its records across the batch files it loads
    first_record: int = 1
    compression: str = "none"  # DuckDB's `compression` argument for the file
    # the fingerprint of an export's bytes; API objects and connector streams give every time its zone, so
    # they are never read another way and have none
    sha256: str | None = None

    @property
    def source(self) -> str:
        return self.source_name or str(self.path)


def first_line(path: Path) -> tuple[str, str]:
    """The first line, decoded on its own (a bad byte further down is the reader's to report by line), and
    the file's compression. A gzip file is checked whole first: nothing of a damaged one is read."""
    try:
        compression = compression_of(path)
        if compression == "gzip":
            verify_gzip(path)
        with open_export(path, compression) as handle:
            start = handle.readline(FIRST_LINE_BYTES)
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a directory; expected an export file") from None
    except UnicodeDecodeError:
        raise UserError(f"{path}: line 1: not UTF-8 text; expected a UTF-8 export") from None
    except (OSError, EOFError) as error:
        raise UserError(f"{path}: cannot read the first line ({error})") from None
    cut_short = len(start) == FIRST_LINE_BYTES and not start.endswith(b"\n")
    try:
        # a line cut short may end inside a character: the decoder keeps those bytes back
        line = codecs.getincrementaldecoder("utf-8-sig")().decode(start, final=not cut_short)
    except UnicodeDecodeError:
        raise UserError(f"{path}: line 1: not UTF-8 text; expected a UTF-8 export") from None
    if cut_short and not is_json_export(path, line):
        raise UserError(
            f"{path}: line 1: the header is longer than {FIRST_LINE_BYTES // 2**20} MB; an export's header names "
            "its columns in far less: is this an export?"
        )
    return line, compression


def head_text(path: Path, compression: str, size: int = 65536) -> str:
    """The start of a file, for recognising its layout only: a bad byte there is reported by the reader."""
    with open_export(path, compression) as handle:
        return handle.read(size).decode("utf-8-sig", errors="replace")


def is_json_export(path: Path, line: str) -> bool:
    return export_name(path).endswith(JSON_SUFFIXES) or line.lstrip().startswith(("[", "{"))


def inspect_export(path: Path, mapping: dict[str, str] | None = None) -> ExportFile:
    """Recognise the export kind and check its header before anything is loaded."""
    line, compression = first_line(path)
    if not line.strip():
        raise UserError(f"{path}: line 1: no header row; cannot tell the layout. The loader reads {KNOWN_LAYOUTS}")
    if is_json_export(path, line):
        return inspect_json(path, compression)
    try:
        header = next(csv.reader([line]))
    except csv.Error:
        raise UserError(
            f"{path}: line 1: a header field is longer than {csv.field_size_limit():,} characters (the line holds "
            f"{len(line):,}); an export's column names are short: is this an export?"
        ) from None
    layout = inspect_csv_header(header, mapping or {})
    if isinstance(layout, str):
        raise UserError(f"{path}: line 1: {layout}")
    scan = scan_export(path, compression, check_lines=True)
    if scan.overlong_line is not None:
        raise UserError(
            f"{path}: cannot read the file as CSV, nothing loaded (a line is longer than the "
            f"{MAX_LINE_BYTES // 2**20} MB the loader accepts: line {scan.overlong_line})"
        )
    kind, columns, dialect, naive_time_zone = layout
    return ExportFile(
        path,
        kind,
        columns,
        dialect=dialect,
        time_zone=naive_time_zone,
        compression=compression,
        sha256=scan.sha256,
    )


def inspect_json(path: Path, compression: str) -> ExportFile:
    head = head_text(path, compression)
    stream = connector_streams.recognise(head)
    if stream is not None:
        return ExportFile(
            path, None, [], is_json=True, dialect=stream.description, stream=stream, compression=compression
        )
    if intercom_api.looks_like_api_export(head):
        paged = intercom_api.looks_paged(head)
        dialect = (
            "Intercom REST API conversations (conversation.list pages)" if paged else "Intercom REST API conversations"
        )
        return ExportFile(path, None, [], is_json=True, dialect=dialect, paged=paged, compression=compression)
    return ExportFile(
        path,
        CONVERSATIONS,
        [],
        is_json=True,
        dialect="conversation export (JSON)",
        compression=compression,
        sha256=scan_export(path, compression, check_lines=False).sha256,
    )


def export_files(paths: list[Path]) -> list[Path]:
    """The files to load: each path given, or the export files inside a folder, in name order; every other
    entry of a folder is named with the reason it is skipped."""
    files = []
    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        found = []
        for child in sorted(path.iterdir()):
            reason = skip_reason(child)
            if reason:
                log.warning("warning: %s: skipped, %s", child, reason)
            else:
                found.append(child)
        if not found:
            raise UserError(f"{path}: folder holds no export files ({EXPORT_NAMES})")
        files.extend(found)
    return files


def skip_reason(entry: Path) -> str | None:
    """Why an entry of a folder is not loaded, or None for an export file."""
    if entry.is_dir():
        return "a folder (the loader reads the files directly in the folder given)"
    if entry.name.startswith("."):
        return "a hidden file"
    if not entry.is_file():
        return "not a regular file"
    if not export_name(entry).endswith(EXPORT_SUFFIXES):
        return f"not an export file ({EXPORT_NAMES})"
    return None
