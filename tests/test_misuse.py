"""A generated misuse suite (issue 30): every subcommand given a database or an output path that is
missing, unwritable, of the wrong type or oddly named ends in one `error:` line naming the path, exit
code 2, no traceback, and nothing written where it was refused."""

from __future__ import annotations

import itertools
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import COMMAND, FIXTURES, intercom_sla

EXPORT = FIXTURES / "seed_example.csv"


def missing(tmp_path: Path) -> Path:
    return tmp_path / "nowhere" / "deeper" / "x.duckdb"


def folder(tmp_path: Path) -> Path:
    (tmp_path / "a-folder.duckdb").mkdir()
    return tmp_path / "a-folder.duckdb"


def text_file(tmp_path: Path) -> Path:
    (tmp_path / "notes.duckdb").write_text("conversation_id,created_at\n", encoding="utf-8")
    return tmp_path / "notes.duckdb"


def empty_file(tmp_path: Path) -> Path:
    (tmp_path / "empty.duckdb").write_bytes(b"")
    return tmp_path / "empty.duckdb"


def device(tmp_path: Path) -> Path:
    return Path("/dev/null")


def reserved_name(tmp_path: Path) -> Path:
    return tmp_path / "raw.duckdb"


def quoted_name(tmp_path: Path) -> Path:
    return tmp_path / 'say "hi".duckdb'


BAD_DATABASES: dict[str, Callable[[Path], Path]] = {
    "missing": missing,
    "folder": folder,
    "text file": text_file,
    "empty file": empty_file,
    "device": device,
    "reserved name": reserved_name,
    "quoted name": quoted_name,
}
# each subcommand that takes --db, with the rest of a valid command line; `load` and `run` create a new
# database where the path allows, so a missing folder is their only "missing" case
DATABASE_COMMANDS: dict[str, tuple[str, ...]] = {
    "load": (str(EXPORT),),
    "run": (str(EXPORT),),
    "build": (),
    "report": (),
    "docs": (),
    "status": (),
    "export-parquet": ("--out", "{tmp}/parquet"),
}


@pytest.mark.parametrize(
    ("subcommand", "database"),
    list(itertools.product(DATABASE_COMMANDS, BAD_DATABASES)),
    ids=[f"{command}-{case}" for command, case in itertools.product(DATABASE_COMMANDS, BAD_DATABASES)],
)
def test_a_bad_database_path_is_one_line_and_exit_2(tmp_path: Path, subcommand: str, database: str) -> None:
    db = BAD_DATABASES[database](tmp_path)
    before = sorted(tmp_path.rglob("*"))
    rest = [argument.replace("{tmp}", str(tmp_path)) for argument in DATABASE_COMMANDS[subcommand]]
    if subcommand == "run":
        rest = ["--out", str(tmp_path / "reports"), *rest]
    done = intercom_sla(subcommand, "--db", db, *rest)
    assert done.returncode == 2, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Traceback" not in done.stderr + done.stdout
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and db.name in errors[0], done.stderr
    assert sorted(tmp_path.rglob("*")) == before, "something was written beside a refused database"


def file_in_the_way(tmp_path: Path) -> Path:
    (tmp_path / "taken").write_text("a file, not a folder", encoding="utf-8")
    return tmp_path / "taken"


def under_a_file(tmp_path: Path) -> Path:
    (tmp_path / "taken").write_text("a file, not a folder", encoding="utf-8")
    return tmp_path / "taken" / "out"


BAD_OUTPUTS: dict[str, Callable[[Path], Path]] = {"a file in the way": file_in_the_way, "under a file": under_a_file}
OUTPUT_COMMANDS = ("report", "run", "lookml", "export-parquet", "sample")


@pytest.fixture(scope="module")
def loaded_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("loaded") / "loaded.duckdb"
    assert intercom_sla("load", "--db", db, EXPORT).returncode == 0
    return db


@pytest.mark.parametrize(
    ("subcommand", "output"),
    list(itertools.product(OUTPUT_COMMANDS, BAD_OUTPUTS)),
    ids=[f"{command}-{case}" for command, case in itertools.product(OUTPUT_COMMANDS, BAD_OUTPUTS)],
)
def test_an_output_that_cannot_be_written_is_one_line_before_any_work(
    tmp_path: Path, loaded_database: Path, subcommand: str, output: str
) -> None:
    out = BAD_OUTPUTS[output](tmp_path)
    if subcommand == "sample":
        out = out / "messages.csv" if output == "under a file" else out / "nested" / "messages.csv"
    arguments = {
        "report": ("--db", loaded_database),
        "run": ("--db", tmp_path / "new.duckdb", EXPORT),
        "lookml": (),
        "export-parquet": ("--db", loaded_database),
        "sample": ("--conversations", "3"),
    }[subcommand]
    done = intercom_sla(subcommand, "--out", out, *arguments)
    assert done.returncode == 2, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Traceback" not in done.stderr + done.stdout
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "taken" in errors[0], done.stderr
    assert not (tmp_path / "new.duckdb").exists(), "run loaded before finding it cannot write its reports"


# Seconds after `run` starts: Python's imports, the load, dbt's parse and build, the report step.
CTRL_C_MOMENTS = (0.05, 0.2, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0)


@pytest.mark.parametrize("after_seconds", CTRL_C_MOMENTS)
def test_ctrl_c_at_any_moment_of_a_run_is_one_line_and_the_next_run_completes(
    tmp_path: Path, after_seconds: float
) -> None:
    db, out = tmp_path / "intercom.duckdb", tmp_path / "reports"
    command = [str(COMMAND), "run", "--db", str(db), "--out", str(out), str(EXPORT)]
    running = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(after_seconds)
    running.send_signal(signal.SIGINT)
    stdout, stderr = running.communicate(timeout=300)
    assert "Traceback" not in stdout + stderr
    # before Python installs its handler the signal's default action ends the process, as a shell's 130
    assert running.returncode in (0, 130, -signal.SIGINT), stdout[-2000:] + stderr[-2000:]
    if running.returncode == 130:
        assert stderr.strip().splitlines()[-1].startswith("interrupted"), stderr[-2000:]
    again = intercom_sla("run", "--db", db, "--out", out, EXPORT)
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-2000:]
    assert (out / "sla_summary.json").exists()
