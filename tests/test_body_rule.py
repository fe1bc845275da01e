"""SPEC §1 A: whether a body holds text is one rule. The loader applies it to the bodies it does not keep
(load/validation.py); dbt applies it to connector tables (macro body_has_text). Both must give the
same answer on the same bodies."""

from __future__ import annotations

import subprocess
from pathlib import Path

import duckdb
from conftest import DBT, ROOT
from intercom_sla.load.validation import has_text_sql

BODIES = [
    None,
    "",
    " ",
    "\n\t",
    "<p></p>",
    "<p>&nbsp;</p>",
    "&nbsp;",
    "<br/>",
    " <p> <b></b> </p> ",
    "<img src='x'>",
    "ok",
    "<p>Thanks, looking</p>",
    "a < b",
    "&amp;",
]


def dbt_rule(tmp_path: Path) -> str:
    """The macro compiled for DuckDB, over a column named body."""
    compiled = subprocess.run(
        [str(DBT), "compile", "--quiet", "--inline", "select {{ body_has_text('body') }} as has_text"],
        cwd=ROOT,
        env={
            "DBT_DUCKDB_PATH": str(tmp_path / "compile.duckdb"),
            "DBT_PROFILES_DIR": str(ROOT),
            "PATH": str(DBT.parent),
        },
        capture_output=True,
        text=True,
        check=True,
    )
    return compiled.stdout.strip().removeprefix("select").removesuffix("as has_text").strip()


def test_the_loader_and_dbt_read_a_body_the_same_way(tmp_path: Path) -> None:
    with duckdb.connect() as con:
        con.execute("create table bodies (position integer, body varchar)")
        con.executemany("insert into bodies values (?, ?)", list(enumerate(BODIES)))
        loader = con.execute(f"select {has_text_sql('body')} from bodies order by position").fetchall()
        dbt = con.execute(f"select {dbt_rule(tmp_path)} from bodies order by position").fetchall()
    assert loader == dbt
    assert [has_text for (has_text,) in loader] == [False] * 10 + [True] * 4
