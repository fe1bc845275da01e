"""User mistakes met at the terminal (issue 30): each ends in one line naming what and where, the
documented exit code, no traceback, and nothing lost or doubled."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import COMMAND, FIXTURES, intercom_sla, load, query, write_export

NAIVE_ROWS = [
    "c1,,2025-03-03 09:00:00,user,comment,,,",
    "c1,,2025-03-03 09:30:00,admin,comment,a1,,",
]


def one_line_error(done, exit_code: int = 2) -> str:
    """The error line of a run that must fail with `exit_code`, one line and no traceback."""
    assert done.returncode == exit_code, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, done.stderr
    return errors[0]


def test_reloading_an_export_under_another_time_zone_is_refused_not_doubled(tmp_path: Path, db: Path) -> None:
    export = write_export(tmp_path / "week.csv", NAIVE_ROWS)
    assert load(db, export, assume_tz="UTC").counts()["loaded"] == 2
    renamed = export.rename(tmp_path / "week-copy.csv")

    again = load(db, renamed, assume_tz="Europe/Berlin")

    assert again.returncode == 2, again.stdout
    assert "week-copy.csv" in again.stderr and "--assume-tz UTC" in again.stderr
    assert query(db, "select count(*) from raw.messages") == [(2,)]


def test_reloading_an_export_under_the_same_time_zone_finds_only_duplicates(tmp_path: Path, db: Path) -> None:
    export = write_export(tmp_path / "week.csv", NAIVE_ROWS)
    assert load(db, export, assume_tz="Europe/Berlin").counts()["loaded"] == 2
    assert load(db, export, assume_tz="Europe/Berlin").counts()["duplicates"] == 2


def test_an_export_with_offsets_reloads_under_any_time_zone(tmp_path: Path, db: Path) -> None:
    """Only a reinterpretation that changes what would be stored is refused."""
    rows = ["c1,,2025-03-03T09:00:00Z,user,comment,,,", "c1,,2025-03-03T09:30:00Z,admin,comment,a1,,"]
    export = write_export(tmp_path / "week.csv", rows)
    assert load(db, export, assume_tz="UTC").counts()["loaded"] == 2
    assert load(db, export, assume_tz="Asia/Tokyo").counts()["duplicates"] == 2


def test_a_header_field_beyond_the_csv_limit_is_one_line(tmp_path: Path) -> None:
    export = tmp_path / "wide.csv"
    export.write_text("conversation_id," + "x" * 140_000 + "\n1,2\n", encoding="utf-8")
    line = one_line_error(intercom_sla("load", "--db", tmp_path / "t.duckdb", export))
    assert "wide.csv: line 1: a header field is longer than 131,072 characters" in line


def test_control_characters_from_a_file_are_spelled_not_printed(tmp_path: Path) -> None:
    export = tmp_path / "nul.csv"
    export.write_bytes(b"\x00" * 40 + b"\x1b[31m\n")
    line = one_line_error(intercom_sla("load", "--db", tmp_path / "t.duckdb", export))
    assert "\\x00" in line and "\\x1b" in line
    assert "\x00" not in line and "\x1b" not in line


def test_sample_refuses_one_path_for_both_files(tmp_path: Path) -> None:
    same = tmp_path / "same.csv"
    line = one_line_error(intercom_sla("sample", "--out", same, "--conversation-export", same, "--conversations", "3"))
    assert "same.csv" in line
    assert not same.exists()


def test_a_file_named_like_an_option_loads_after_the_double_dash(tmp_path: Path) -> None:
    dashed = tmp_path / "-week.csv"
    dashed.write_bytes((FIXTURES / "seed_example.csv").read_bytes())
    done = intercom_sla("load", "--db", tmp_path / "t.duckdb", "--", dashed.name, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "loaded 20" in done.stdout


@pytest.mark.parametrize("subcommand", ["report", "run"])
def test_an_unwritable_output_folder_is_refused_before_anything_runs(tmp_path: Path, subcommand: str) -> None:
    if os.geteuid() == 0:
        blocked = tmp_path / "a-file"
        blocked.write_text("not a folder", encoding="utf-8")
        out = blocked / "reports"
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        out = locked / "reports"
    db = tmp_path / "t.duckdb"
    if subcommand == "report":
        assert intercom_sla("load", "--db", db, FIXTURES / "seed_example.csv").returncode == 0
        done = intercom_sla("report", "--db", db, "--out", out)
    else:
        done = intercom_sla("run", "--db", db, "--out", out, FIXTURES / "seed_example.csv")
        assert not db.exists(), "run loaded before finding that it cannot write its reports"
    assert "reports" in one_line_error(done)


def test_a_selection_that_matches_nothing_is_a_mistake(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    assert intercom_sla("load", "--db", db, FIXTURES / "seed_example.csv").returncode == 0
    line = one_line_error(intercom_sla("build", "--db", db, "--select", "fct_conversation_typo"))
    assert "fct_conversation_typo" in line


def test_an_unknown_target_names_the_targets(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    assert intercom_sla("load", "--db", db, FIXTURES / "seed_example.csv").returncode == 0
    line = one_line_error(intercom_sla("build", "--db", db, "--target", "bogus"))
    assert "bogus" in line and "duckdb" in line and "postgres" in line and "spark" in line


def test_report_files_are_readable_by_other_accounts_and_no_temporary_file_stays(tmp_path: Path) -> None:
    db, out = tmp_path / "t.duckdb", tmp_path / "reports"
    out.mkdir()
    killed_writer = subprocess.Popen(["true"])  # a process id that no longer runs
    killed_writer.wait()
    leftover = out / f".sla_summary.json.{killed_writer.pid}.tmp"
    leftover.write_text("{", encoding="utf-8")
    assert intercom_sla("run", "--db", db, "--out", out, FIXTURES / "seed_example.csv").returncode == 0
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in out.iterdir()}
    assert not leftover.exists()
    assert all(mode & 0o044 == 0o044 for mode in modes.values()), modes


def test_ctrl_c_while_dbt_builds_says_interrupted_and_exits_130(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    assert intercom_sla("load", "--db", db, FIXTURES / "seed_example.csv").returncode == 0
    build = subprocess.Popen(
        [str(COMMAND), "build", "--db", str(db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    for line in build.stdout:
        if " START " in line:  # dbt has begun running models
            build.send_signal(signal.SIGINT)
            break
    stdout, stderr = build.communicate(timeout=120)
    assert build.returncode == 130, stdout[-2000:] + stderr[-2000:]
    assert stderr.strip().splitlines()[-1] == "interrupted" and "Traceback" not in stderr + stdout


UNWORKABLE_DATABASE_NAMES = ["raw.duckdb", "main.duckdb", "Temp.duckdb", "system.week.duckdb", "it's.duckdb"]


@pytest.mark.parametrize("name", [*UNWORKABLE_DATABASE_NAMES, "a\nb.duckdb", ".raw.duckdb"])
def test_a_database_name_dbt_cannot_work_in_is_refused_before_loading(tmp_path: Path, name: str) -> None:
    line = one_line_error(intercom_sla("load", "--db", tmp_path / name, FIXTURES / "seed_example.csv"))
    assert "choose another file name" in line
    assert list(tmp_path.iterdir()) == []


def test_a_database_name_with_spaces_and_dots_loads_and_builds(tmp_path: Path) -> None:
    db = tmp_path / "week 48.données.duckdb"
    assert intercom_sla("load", "--db", db, FIXTURES / "seed_example.csv").returncode == 0
    built = intercom_sla("build", "--db", db, "--quiet")
    assert built.returncode == 0, built.stdout[-3000:]


@pytest.mark.parametrize("subcommand", ["build", "docs", "status", "report", "export-parquet"])
@pytest.mark.parametrize("content", [b"conversation_id,created_at\n", b""])
def test_a_file_that_is_not_a_database_is_one_line(tmp_path: Path, subcommand: str, content: bytes) -> None:
    not_a_database = tmp_path / "export.duckdb"
    not_a_database.write_bytes(content)
    arguments = ("--out", tmp_path / "out") if subcommand == "export-parquet" else ()
    line = one_line_error(intercom_sla(subcommand, "--db", not_a_database, *arguments))
    assert "is not a DuckDB database" in line


def test_a_database_held_by_another_process_is_one_line_before_dbt(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    assert intercom_sla("load", "--db", db, FIXTURES / "seed_example.csv").returncode == 0
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print(flush=True); time.sleep(60)",
            str(db),
        ],
        stdout=subprocess.PIPE,
    )
    try:
        holder.stdout.readline()
        done = intercom_sla("build", "--db", db)
    finally:
        holder.kill()
    assert "in use by another process" in one_line_error(done)
    assert "dbt" not in done.stdout.lower()


def test_ctrl_c_while_a_report_query_runs_says_interrupted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """DuckDB stops the running query on Ctrl-C and raises its own error, not KeyboardInterrupt."""
    from intercom_sla import cli
    from intercom_sla.reports import tables

    def stopped_by_ctrl_c(db: Path, out: Path) -> str:
        raise RuntimeError("Query interrupted")

    db = tmp_path / "t.duckdb"
    assert intercom_sla("load", "--db", db, FIXTURES / "seed_example.csv").returncode == 0
    monkeypatch.setattr(tables, "write_report_tables", stopped_by_ctrl_c)
    monkeypatch.setattr(sys, "argv", ["intercom-sla", "report", "--db", str(db), "--out", str(tmp_path / "out")])
    assert cli.main() == 130
    assert capsys.readouterr().err == "interrupted\n"
