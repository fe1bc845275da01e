"""Export files read together: consecutive CSV files of one layout are one read, so that many small files
cost what their rows cost rather than a round of statements each."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from intercom_sla.errors import UserError

from .layouts import ExportFile
from .message_csv import MAX_LINE_BYTES, csv_incoming_sql, unterminated_quote_line
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

    @property
    def names_files(self) -> bool:
        """Whether each record read names its file: a read of one file needs no such column."""
        return len(self.files) > 1


def read_together_key(export: ExportFile) -> tuple | None:
    """What files must share to be read in one CSV read; None for a file read on its own: JSON, objects, and
    gzip, whose size DuckDB cannot know, so that its reader takes a buffer of 16 times the line cap (1 GB) for
    each compressed file of a read."""
    if export.is_json or export.kind is None or export.compression != "none":
        return None
    return (export.kind.name, tuple(export.columns), export.dialect, export.time_zone)


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
    rowids = "min(rowid) as first_rowid, max(rowid) as last_rowid, count(*) as records"
    read_sql, read_join = f"select {rowids} from incoming", "true"
    if batch.names_files:
        read_sql = f"select {BATCH_FILE_COLUMN} as path, {rowids} from incoming group by {BATCH_FILE_COLUMN}"
        read_join = "read.path = listed.path"
    con.execute(
        f"""
        create or replace temp table batch_files as
        with listed as (
            select unnest($indexes) as file_index, unnest($paths) as path, unnest($sources) as source
        ),
        read as ({read_sql})
        select
            listed.file_index, listed.path, listed.source, coalesce(read.first_rowid, 0) as first_rowid,
            coalesce(read.last_rowid, -1) as last_rowid, coalesce(read.records, 0) as records
        from listed
        left join read on {read_join}
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


def read_csv_batch(con: duckdb.DuckDBPyConnection, batch: ExportBatch, batch_number: int) -> tuple[str, str]:
    """Read a batch's CSV files into the temp table `incoming`, and list them in `batch_files`; return the names
    of DuckDB's CSV rejects tables."""
    rejects_table, rejects_scan = f"csv_rejects_{batch_number}", f"csv_scans_{batch_number}"
    if batch.names_files:
        # DuckDB's parallel CSV scan sets up buffers per file and thread: over many small files one thread
        # reads them in half the time and a third of the memory
        con.execute("set threads = 1")
    try:
        con.execute(csv_incoming_sql(rejects_table, rejects_scan, batch.names_files), csv_read_parameters(batch))
    except duckdb.InvalidInputException as error:
        raise csv_read_error(*unreadable_file(batch, error)) from None
    con.execute("reset threads")
    record_batch_files(con, batch)
    return rejects_table, rejects_scan


def csv_read_parameters(batch: ExportBatch) -> dict:
    return {"paths": batch.paths, "compression": batch.layout.compression, "names": batch.layout.columns}


def unreadable_file(batch: ExportBatch, error: duckdb.InvalidInputException) -> tuple[Path, duckdb.Error]:
    """The file of a batch that DuckDB cannot read, and its error: each file read on its own in a scratch
    database, since the failed read has voided the load's transaction. Runs only on this error path."""
    if len(batch.files) == 1:
        return batch.layout.path, error
    with duckdb.connect() as scratch:
        for export in batch.files:
            try:
                scratch.execute(csv_incoming_sql("rejects", "scans", False), csv_read_parameters(ExportBatch([export])))
            except duckdb.InvalidInputException as file_error:
                return export.path, file_error
    return batch.layout.path, error


def csv_read_error(path: Path, error: duckdb.Error) -> UserError:
    """One line for a CSV file DuckDB cannot read, naming the line where that can be found."""
    message = str(error)
    if "maximum line size" not in message.lower():
        detail = message.splitlines()[0]
        return UserError(f"{path}: cannot read the file as CSV, nothing loaded ({detail})")
    # DuckDB reads an unclosed quote to the end of the file as one over-long line
    opened = unterminated_quote_line(path)
    if opened is not None:
        return UserError(
            f"{path}: line {opened}: a quoted field opens and is never closed (the file looks "
            "truncated, or a closing quote is missing); nothing loaded"
        )
    return UserError(
        f"{path}: cannot read the file as CSV, nothing loaded (a line is longer than the "
        f"{MAX_LINE_BYTES // 2**20} MB the loader accepts)"
    )
