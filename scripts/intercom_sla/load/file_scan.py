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
    """Fed an export's text in chunks, finds the first line longer than MAX_LINE_BYTES."""

    def __init__(self) -> None:
        self.complete_lines = 0
        self.open_line_bytes = 0
        self.overlong_line: int | None = None

    def feed(self, chunk: bytes) -> None:
        if self.overlong_line is not None:
            return
        first_end = chunk.find(b"\n")
        if first_end < 0:
            self.open_line_bytes += len(chunk)
        elif self.open_line_bytes + first_end <= MAX_LINE_BYTES:
            # a chunk is far shorter than the limit, so only a line running across chunks can exceed it
            self.complete_lines += chunk.count(b"\n")
            self.open_line_bytes = len(chunk) - chunk.rfind(b"\n") - 1
            return
        else:
            self.open_line_bytes += first_end
        if self.open_line_bytes > MAX_LINE_BYTES:
            self.overlong_line = self.complete_lines + 1


def scan_export(path: Path, compression: str, check_lines: bool) -> FileScan:
    digest, lines = hashlib.sha256(), LineLengths()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
            if check_lines and compression == "none":
                lines.feed(chunk)
    if check_lines and compression == "gzip":
        with open_export(path, compression) as text:
            while (chunk := text.read(CHUNK_BYTES)) and lines.overlong_line is None:
                lines.feed(chunk)
    return FileScan(digest.hexdigest(), lines.overlong_line)
