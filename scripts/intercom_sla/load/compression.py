"""Compressed exports (SPEC §2): told by their first bytes, never their name; a gzip that fails its
checksum or ends early loads nothing.

DuckDB's readers stop quietly at a damaged gzip stream, so every gzip file is decompressed once here,
in chunks, before anything is loaded; a damaged one stops the load with its name. DuckDB itself would
tell compression by the file name (`.gz` only, in lower case), so every read names it explicitly.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path
from typing import BinaryIO

from intercom_sla.errors import UserError

CHUNK_BYTES = 4 * 1024 * 1024
# Names a compressed export may end in; only the name's layout hint (CSV or JSON) depends on them.
COMPRESSION_SUFFIXES = (".gz", ".gzip")
GZIP_MAGIC = b"\x1f\x8b"
# Formats the loader does not read, so that one is named rather than reported as "not UTF-8 text".
UNREAD_FORMATS = {
    b"\x28\xb5\x2f\xfd": "zstd",
    b"BZh": "bzip2",
    b"\xfd7zXZ\x00": "xz",
    b"PK\x03\x04": "zip",
}


def leading_bytes(path: Path, size: int = 8) -> bytes:
    with path.open("rb") as handle:
        return handle.read(size)


def export_name(path: Path) -> str:
    """The name a layout is told by: lower case, without a compression suffix (`WEEK3.CSV.GZ` -> `week3.csv`)."""
    name = path.name.lower()
    for suffix in COMPRESSION_SUFFIXES:
        if name.endswith(suffix):
            return name.removesuffix(suffix)
    return name


def is_gzip(path: Path) -> bool:
    return leading_bytes(path).startswith(GZIP_MAGIC)


def compression_of(path: Path) -> str:
    """DuckDB's `compression` argument for the file, told by its first bytes; a compression the loader does
    not read is refused by name."""
    start = leading_bytes(path)
    for magic, name in UNREAD_FORMATS.items():
        if start.startswith(magic):
            raise UserError(f"{path}: a {name} file; the loader reads exports as plain text or gzipped")
    return "gzip" if start.startswith(GZIP_MAGIC) else "none"


def open_export(path: Path, compression: str | None = None) -> BinaryIO:
    """The file's bytes, decompressed when it is a gzip whatever its name."""
    gzipped = is_gzip(path) if compression is None else compression == "gzip"
    return gzip.open(path, "rb") if gzipped else path.open("rb")


def verify_gzip(path: Path) -> None:
    """Read the whole stream, checking every member's CRC and length; a UserError names a damaged file."""
    try:
        with gzip.open(path, "rb") as stream:
            while stream.read(CHUNK_BYTES):
                pass
    except EOFError:
        raise UserError(f"{path}: the gzip file ends early (truncated download?); nothing loaded") from None
    except (gzip.BadGzipFile, zlib.error) as error:
        raise UserError(f"{path}: the gzip file is damaged ({error}); nothing loaded") from None
    except OSError as error:
        raise UserError(f"{path}: cannot read the file ({error.strerror or error}); nothing loaded") from None
