"""A progress bar driven by DuckDB's own progress of the running query."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
from tqdm import tqdm


@contextmanager
def query_progress(con: duckdb.DuckDBPyConnection, bar: tqdm, file_bytes: int) -> Iterator[None]:
    """Advance the bar from DuckDB's own progress of the running read, when a terminal shows it."""
    if bar.disable:
        yield
        return
    start, done = bar.n, threading.Event()

    def poll() -> None:
        while not done.wait(0.25):
            percent = con.query_progress()
            if percent and percent > 0:
                bar.update(max(0, start + int(file_bytes * percent / 100) - bar.n))

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()
        bar.update(max(0, start + file_bytes - bar.n))
