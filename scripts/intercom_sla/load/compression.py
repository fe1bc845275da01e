"""Compressed exports (SPEC §2): a gzip that fails its checksum or ends early loads nothing.

DuckDB's readers stop quietly at a damaged gzip stream, so every `.gz` file is decompressed once here,
in chunks, before anything is loaded; a damaged one stops the load with its name.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

from .errors import LoadError

CHUNK_BYTES = 4 * 1024 * 1024


def is_gzip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def verify_gzip(path: Path) -> None:
    """Read the whole stream, checking every member's CRC and length; a LoadError names a damaged file."""
    try:
        with gzip.open(path, "rb") as stream:
            while stream.read(CHUNK_BYTES):
                pass
    except EOFError:
        raise LoadError(f"{path}: the gzip file ends early (truncated download?); nothing loaded") from None
    except (gzip.BadGzipFile, zlib.error) as error:
        raise LoadError(f"{path}: the gzip file is damaged ({error}); nothing loaded") from None
    except OSError as error:
        raise LoadError(f"{path}: cannot read the file ({error.strerror or error}); nothing loaded") from None
