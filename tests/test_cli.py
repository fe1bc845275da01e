"""The `intercom-sla` command as a user drives it: one call from exports to marts and reports, a
`--help` with an example on every subcommand, and one line with a clear exit code for each mistake."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import FIXTURES, REPORT_FILES, ROOT, intercom_sla, query

SUBCOMMANDS = ("load", "pull", "build", "report", "run", "sample", "lookml", "docs", "export-parquet", "status")


@pytest.mark.parametrize("subcommand", SUBCOMMANDS)
def test_every_subcommand_explains_itself_with_an_example(subcommand: str) -> None:
    shown = intercom_sla(subcommand, "--help")
    assert shown.returncode == 0, shown.stderr
    assert ("Example: " in shown.stdout) or ("example" in shown.stdout.lower())


def test_run_goes_from_exports_to_marts_and_reports_in_one_command(tmp_path: Path) -> None:
    db, out = tmp_path / "sla.duckdb", tmp_path / "reports"
    done = intercom_sla("run", "--db", db, "--out", out, FIXTURES / "intercom_api", FIXTURES / "seed_example.csv")
    assert done.returncode == 0, done.stderr[-3000:]
    assert sorted(path.name for path in out.iterdir()) == REPORT_FILES
    assert query(db, "select count(*) from main.fct_conversations")[0][0] == 7 + 6
    status = intercom_sla("status", "--db", db)
    assert status.returncode == 0
    assert "files loaded: 3" in status.stdout
    assert "conversations incomplete (Intercom holds parts not loaded; figures from its statistics): 1" in status.stdout
    assert "marts: built, 13 conversations" in status.stdout
    review = (out / "sla_review.html").read_text(encoding="utf-8")
    assert "<td>incomplete (Intercom holds parts not loaded; figures from its statistics)</td><td>1</td>" in review


def test_a_database_from_an_earlier_release_is_told_to_rebuild(tmp_path: Path) -> None:
    db = tmp_path / "sla.duckdb"
    assert intercom_sla("load", "--db", db, FIXTURES / "seed_example.csv").returncode == 0
    assert intercom_sla("build", "--db", db, "--quiet").returncode == 0
    with duckdb.connect(str(db)) as con:  # what an earlier release's table looks like: no high-water mark
        con.execute("alter table main.int_conversation_tags_unnested drop column loaded_through")
    stale = intercom_sla("build", "--db", db, "--quiet")
    assert stale.returncode == 1
    assert f"intercom-sla build --db {db} --full-refresh" in stale.stderr and "Traceback" not in stale.stderr
    assert intercom_sla("build", "--db", db, "--quiet", "--full-refresh").returncode == 0


def test_one_database_default_shared_by_every_subcommand(tmp_path: Path) -> None:
    env = {"INTERCOM_SLA_DB": str(tmp_path / "shared.duckdb")}
    assert intercom_sla("load", FIXTURES / "seed_example.csv", env=env).returncode == 0
    built = intercom_sla("build", "--quiet", "--select", "fct_conversations+", env=env)
    assert built.returncode in (0, 1), built.stderr
    assert intercom_sla("status", env=env).stdout.startswith(str(tmp_path / "shared.duckdb"))


def test_loader_and_dbt_default_to_one_memory_limit() -> None:
    """A limit set for a machine (docs/operations.md) holds only if both processes keep to it."""
    from intercom_sla.database import DEFAULT_MEMORY_LIMIT

    profile = (ROOT / "profiles.yml").read_text(encoding="utf-8")
    assert f"env_var('DBT_DUCKDB_MEMORY_LIMIT', '{DEFAULT_MEMORY_LIMIT}')" in profile
    shown = intercom_sla("load", "--help")
    assert f"or {DEFAULT_MEMORY_LIMIT})" in " ".join(shown.stdout.split())


def test_report_readers_keep_the_memory_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from intercom_sla.database import connect_read_only

    database = tmp_path / "reader.duckdb"
    duckdb.connect(str(database)).close()
    monkeypatch.setenv("DBT_DUCKDB_MEMORY_LIMIT", "256MB")
    with connect_read_only(database) as con:
        assert con.execute("select current_setting('memory_limit')").fetchone() == ("244.1 MiB",)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("build", "--db", "{tmp}/none.duckdb"), "no database yet; load an export first"),
        (("report", "--db", "{tmp}/none.duckdb"), "no database yet"),
        (("status", "--db", "{tmp}/none.duckdb"), "no database yet"),
        (("load", "--db", "{tmp}/x.duckdb", "{tmp}/missing.csv"), "missing.csv: no such file"),
        (("load", "--db", "{tmp}/week.csv", str(FIXTURES / "seed_example.csv")), "named like an export file"),
        (("report", "--db", str(FIXTURES / "seed_example.csv"), "--format", "pdf"), "--format pdf"),
        (("sample", "--conversations", "0"), "Invalid value"),
    ],
)
def test_mistakes_get_one_line_and_exit_2(tmp_path: Path, arguments: tuple[str, ...], message: str) -> None:
    done = intercom_sla(*(argument.replace("{tmp}", str(tmp_path)) for argument in arguments))
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr
