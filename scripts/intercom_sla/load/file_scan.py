"""One pass over an export's bytes before anything is loaded: its fingerprint (the same bytes are the same
export, whatever the options) and, for a CSV, the first line too long to read, found with bounded memory
(DuckDB's reader would hold such a line whole before refusing it)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .compression import CHUNK_BYTES, open_export
from .message_csv import MAX_LINE_BYTES


@dataclass(frozen=True)
class FileScan:
    sha256: str
    overlong_line: int | None  # the number of the first line longer than MAX_LINE_BYTES, if any


class LineLengths:
    """Fed an export's text in chunks, finds where the first line longer than MAX_LINE_BYTES starts. Lines are
    not counted on the way: the number of that line is only needed for the error, and counted then."""

    def __init__(self) -> None:
        self.read_bytes = 0
        self.open_line_start = 0
        self.overlong_start: int | None = None

    def feed(self, chunk: bytes) -> None:
        first_end = chunk.find(b"\n")
        # a chunk is far shorter than the limit, so only a line running across chunks can exceed it
        open_line_end = self.read_bytes + (len(chunk) if first_end < 0 else first_end)
        if self.overlong_start is None and open_line_end - self.open_line_start > MAX_LINE_BYTES:
            self.overlong_start = self.open_line_start
        if first_end >= 0:
            self.open_line_start = self.read_bytes + chunk.rfind(b"\n") + 1
        self.read_bytes += len(chunk)


def scan_export(path: Path, compression: str, check_lines: bool) -> FileScan:
    digest, lines = hashlib.sha256(), LineLengths()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
            if check_lines and compression == "none":
                lines.feed(chunk)
    if check_lines and compression == "gzip":
        with open_export(path, compression) as text:
            while (chunk := text.read(CHUNK_BYTES)) and lines.overlong_start is None:
                lines.feed(chunk)
    overlong_line = None if lines.overlong_start is None else line_number(path, compression, lines.overlong_start)
    return FileScan(digest.hexdigest(), overlong_line)


def line_number(path: Path, compression: str, offset: int) -> int:
    """The number of the line that starts at byte `offset` of the export's text."""
    line_ends = 0
    with open_export(path, compression) as text:
        while offset > 0 and (chunk := text.read(min(CHUNK_BYTES, offset))):
            line_ends += chunk.count(b"\n")
            offset -= len(chunk)
    return line_ends + 1
