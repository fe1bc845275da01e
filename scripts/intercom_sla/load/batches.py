"""Export files read together: consecutive CSV files of one layout are one read, so that many small files
cost what their rows cost rather than a round of statements each."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from .layouts import ExportFile
from .validation import BATCH_FILE_COLUMN

# A batch stops growing past this many bytes, so memory stays what one large file needs.
MAX_BATCH_BYTES = 64 * 2**20


@dataclass
class ExportBatch:
    files: list[ExportFile]

    @property
    def layout(self) -> ExportFile:
        """The first file, whose layout every file of the batch shares."""
        return self.files[0]

    @property
    def size(self) -> int:
        return sum(export.path.stat().st_size for export in self.files)

    @property
    def paths(self) -> list[str]:
        return [str(export.path) for export in self.files]


def read_together_key(export: ExportFile) -> tuple | None:
    """What files must share to be read in one CSV read; None for a file read on its own (JSON, objects)."""
    if export.is_json or export.kind is None:
        return None
    return (export.kind.name, tuple(export.columns), export.dialect, export.time_zone, export.compression)


def export_batches(exports: list[ExportFile]) -> list[ExportBatch]:
    """The exports in load order, consecutive compatible CSV files grouped. A path given twice starts a new
    batch: each file of a read is told apart by its path."""
    batches: list[ExportBatch] = []
    batch_key: tuple | None = None
    batch_paths: set[Path] = set()
    batch_bytes = 0
    for export in exports:
        key = read_together_key(export)
        size = export.path.stat().st_size
        if (
            key is not None
            and key == batch_key
            and batch_bytes + size <= MAX_BATCH_BYTES
            and export.path not in batch_paths
        ):
            batches[-1].files.append(export)
            batch_paths.add(export.path)
            batch_bytes += size
        else:
            batches.append(ExportBatch([export]))
            batch_key, batch_paths, batch_bytes = key, {export.path}, size
    return batches


def record_batch_files(con: duckdb.DuckDBPyConnection, batch: ExportBatch) -> None:
    """`batch_files`: each file of the batch read into `incoming`, with the rowids its records got. Refuses a
    read whose records are not each file's in one run, in file order: every line number depends on it."""
    con.execute(
        f"""
        create or replace temp table batch_files as
        with listed as (
            select unnest($indexes) as file_index, unnest($paths) as path, unnest($sources) as source
        ),
        read as (
            select {BATCH_FILE_COLUMN} as path, min(rowid) as first_rowid, max(rowid) as last_rowid,
                count(*) as records
            from incoming
            group by {BATCH_FILE_COLUMN}
        )
        select
            listed.file_index, listed.path, listed.source, coalesce(read.first_rowid, 0) as first_rowid,
            coalesce(read.last_rowid, -1) as last_rowid, coalesce(read.records, 0) as records
        from listed
        left join read on read.path = listed.path
        """,
        {"indexes": list(range(len(batch.files))), "paths": batch.paths, "sources": [e.source for e in batch.files]},
    )
    out_of_order = con.execute(
        """
        select count(*) from (
            select
                first_rowid, last_rowid, records,
                lag(last_rowid) over (order by file_index) as previous_last_rowid
            from batch_files
            where records > 0
        )
        where last_rowid - first_rowid + 1 <> records or first_rowid <= previous_last_rowid
        """
    ).fetchone()
    if out_of_order and out_of_order[0]:
        raise duckdb.InternalException("the CSV reader returned a batch's records out of file order")
