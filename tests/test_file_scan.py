"""The pass over each export before loading: the first line over the size cap is found whatever chunk
it starts or ends in, compressed or not, and the fingerprint is the file's bytes' SHA-256."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from intercom_sla.load import file_scan

CAP, CHUNK = 40, 16  # the scan's rule needs a chunk shorter than the cap, as 4 MB is to 64 MB


def first_overlong_line(data: bytes) -> int | None:
    """The plain definition: split at every line end and measure."""
    for number, line in enumerate(data.split(b"\n"), 1):
        if len(line) > CAP:
            return number
    return None


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(st.integers(0, 3 * CAP), max_size=12),
    gzipped=st.booleans(),
)
def test_the_first_line_over_the_cap_is_found_across_chunks(
    tmp_path_factory: pytest.TempPathFactory, lines: list[int], gzipped: bool
) -> None:
    data = b"\n".join(b"x" * length for length in lines)
    path = tmp_path_factory.mktemp("scan") / "export.csv"
    path.write_bytes(gzip.compress(data) if gzipped else data)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(file_scan, "MAX_LINE_BYTES", CAP)
        patch.setattr(file_scan, "CHUNK_BYTES", CHUNK)
        scan = file_scan.scan_export(path, "gzip" if gzipped else "none", check_lines=True)
    assert scan.overlong_line == first_overlong_line(data)
    assert scan.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_json_export_is_fingerprinted_without_measuring_its_lines(tmp_path: Path) -> None:
    path = tmp_path / "conversations.json"
    path.write_bytes(b"[" + b" " * 200 + b"]")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(file_scan, "MAX_LINE_BYTES", CAP)
        patch.setattr(file_scan, "CHUNK_BYTES", CHUNK)
        scan = file_scan.scan_export(path, "none", check_lines=False)
    assert scan.overlong_line is None
