"""A generated misuse suite (issue 30): every subcommand given a database or an output path that is
missing, unwritable, of the wrong type or oddly named ends in one `error:` line naming the path, exit
code 2, no traceback, and nothing written where it was refused."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FIXTURES, intercom_sla

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
