"""Which layout a file is in, recognised from its name, header or shape before anything is loaded."""

from __future__ import annotations

import csv
import gzip
from dataclasses import dataclass
from pathlib import Path

from . import connector_streams, intercom_api
from .compression import is_gzip, verify_gzip
from .connector_streams import Stream
from .errors import KNOWN_LAYOUTS, LoadError
from .message_csv import inspect_csv_header
from .validation import CONVERSATIONS, ExportKind

JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")
EXPORT_SUFFIXES = (".csv", *JSON_SUFFIXES)


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

    @property
    def source(self) -> str:
        return self.source_name or str(self.path)


def first_line(path: Path) -> str:
    """The first line, decoded on its own: a bad byte further down is the reader's to report by line. A
    gzip file is checked whole first: nothing of a damaged one is read."""
    try:
        if is_gzip(path):
            verify_gzip(path)
        with open_binary(path) as handle:
            return handle.readline().decode("utf-8-sig")
    except FileNotFoundError:
        raise LoadError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise LoadError(f"{path}: is a directory; expected an export file") from None
    except UnicodeDecodeError:
        raise LoadError(f"{path}: line 1: not UTF-8 text; expected a UTF-8 export") from None
    except (OSError, EOFError) as error:
        raise LoadError(f"{path}: cannot read the first line ({error})") from None


def open_binary(path: Path):
    return gzip.open(path, "rb") if path.name.endswith(".gz") else path.open("rb")


def head_text(path: Path, size: int = 65536) -> str:
    """The start of a file, for recognising its layout only: a bad byte there is reported by the reader."""
    with open_binary(path) as handle:
        return handle.read(size).decode("utf-8-sig", errors="replace")


def is_json_export(path: Path, line: str) -> bool:
    name = path.name.removesuffix(".gz")
    return name.endswith(JSON_SUFFIXES) or line.lstrip().startswith(("[", "{"))


def inspect_export(path: Path, mapping: dict[str, str] | None = None) -> ExportFile:
    """Recognise the export kind and check its header before anything is loaded."""
    line = first_line(path)
    if not line.strip():
        raise LoadError(f"{path}: line 1: no header row; cannot tell the layout. The loader reads {KNOWN_LAYOUTS}")
    if is_json_export(path, line):
        return inspect_json(path)
    header = next(csv.reader([line]))
    layout = inspect_csv_header(header, mapping or {})
    if isinstance(layout, str):
        raise LoadError(f"{path}: line 1: {layout}")
    kind, columns, dialect, naive_time_zone = layout
    return ExportFile(path, kind, columns, dialect=dialect, time_zone=naive_time_zone)


def inspect_json(path: Path) -> ExportFile:
    head = head_text(path)
    stream = connector_streams.recognise(head)
    if stream is not None:
        return ExportFile(path, None, [], is_json=True, dialect=stream.description, stream=stream)
    if intercom_api.looks_like_api_export(head):
        paged = intercom_api.looks_paged(head)
        dialect = (
            "Intercom REST API conversations (conversation.list pages)" if paged else "Intercom REST API conversations"
        )
        return ExportFile(path, None, [], is_json=True, dialect=dialect, paged=paged)
    return ExportFile(path, CONVERSATIONS, [], is_json=True, dialect="conversation export (JSON)")


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
