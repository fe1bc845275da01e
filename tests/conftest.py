"""Shared helpers: run the project's scripts as a user would and read the DuckDB file they write."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
HEADER = "conversation_id,message_id,created_at,sender_type,part_type,assignee_id,priority,tags"
DBT = Path(sys.executable).parent / "dbt"
COMMAND = Path(sys.executable).parent / "intercom-sla"
# every file `intercom-sla report` writes, in name order
REPORT_FILES = [
    "customer_waits.csv",
    "next_reply_summary.json",
    "resolution_report.csv",
    "resolution_summary.json",
    "sla_report.csv",
    "sla_review.html",
    "sla_summary.json",
]


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    def counts(self) -> dict[str, int]:
        """Parse the loader's 'read N, loaded L, superseded S, duplicates D, rejected R' line."""
        line = next(line for line in self.stdout.splitlines() if line.startswith("read "))
        return {word: int(number) for number, word in (part.split()[::-1] for part in line.split(", "))}


def run_script(name: str, *args: str | Path) -> Run:
    completed = subprocess.run(
        [sys.executable, str(SCRIPTS / name), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    return Run(completed.returncode, completed.stdout, completed.stderr)


def intercom_sla(*args: str | Path, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """The `intercom-sla` command as a user runs it."""
    return subprocess.run(
        [str(COMMAND), *map(str, args)],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )


def run_dbt(*args: str, db: Path, work: Path) -> subprocess.CompletedProcess:
    """dbt on the project against `db`, keeping its artefacts and logs under `work`."""
    env = {**os.environ, "DBT_DUCKDB_PATH": str(db), "DBT_PROFILES_DIR": str(ROOT)}
    command = [str(DBT), *args, "--target-path", str(work / "target"), "--log-path", str(work / "logs")]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def load(db: Path, *files: Path, assume_tz: str | None = None) -> Run:
    extra = ("--assume-tz", assume_tz) if assume_tz else ()
    return run_script("load.py", "--db", db, *extra, *files)


def query(db: Path, sql: str, parameters: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, parameters or []).fetchall()


def assert_every_record_accounted_for(run: Run, db: Path) -> None:
    """N = L + S + D + R on the summary line, and the raw tables hold exactly what it says."""
    counts = run.counts()
    assert counts["read"] == counts["loaded"] + counts["superseded"] + counts["duplicates"] + counts["rejected"]
    stored = query(
        db,
        "select (select count(*) from raw.messages) + (select count(*) from raw.conversations),"
        " (select count(*) from raw.load_rejects), (select sum(records_read) from raw.load_files)",
    )[0]
    assert stored == (counts["loaded"], counts["rejected"], counts["read"])


def write_export(path: Path, rows: list[str], header: str = HEADER, bom: bool = False, newline: str = "\n") -> Path:
    text = newline.join([header, *rows]) + newline
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "intercom.duckdb"
