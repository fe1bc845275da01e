"""Text from the data never acts where the reports show it: no CSV cell a spreadsheet would run or a
terminal would obey at its start, and no control character printed raw in the headline."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest
from conftest import HEADER, intercom_sla
from intercom_sla.reports.tables import SLA_REPORT, WAITS_REPORT
from intercom_sla.untrusted_text import CELL_STARTS_NEUTRALISED, spreadsheet_safe_sql, terminal_safe

ACTING_STARTS = {
    "formula": "=HYPERLINK(1)",
    "plus": "+1+1",
    "minus": "-1+1",
    "at": "@SUM(1)",
    "tab": "\t=1",
    "carriage return": "\r=1",
    "line feed": "\n=cmd|' /C calc'!A0",
    "fullwidth equals": "\uff1d1+1",
    "fullwidth plus": "\uff0b1",
    "fullwidth minus": "\uff0d1",
    "fullwidth at": "\uff20SUM(1)",
    "right-to-left override": "\u202eevil.exe",
    "right-to-left isolate": "\u2067agent",
    "right-to-left mark": "\u200fagent",
    "escape": "\x1b[2Jagent",
}
INERT = ["agent-12", "a=b", "P1", "billing,vip", "", "mid\x1bdle"]


def neutralised(values: list[str | None]) -> list[str | None]:
    with duckdb.connect() as con:
        cells = con.execute(
            f"select {spreadsheet_safe_sql('value')} from unnest($values) with ordinality as cells(value, place)"
            " order by place",
            {"values": values},
        )
        return [value for (value,) in cells.fetchall()]


@pytest.mark.parametrize("value", ACTING_STARTS.values(), ids=ACTING_STARTS.keys())
def test_a_cell_starting_with_a_character_that_acts_is_prefixed_with_an_apostrophe(value: str) -> None:
    assert neutralised([value]) == ["'" + value]


def test_every_listed_start_is_neutralised_and_other_text_is_left_as_it_is() -> None:
    assert neutralised(list(CELL_STARTS_NEUTRALISED)) == [f"'{character}" for character in CELL_STARTS_NEUTRALISED]
    assert neutralised([*INERT, None]) == [*INERT, None]


def test_terminal_text_spells_control_characters_as_escapes() -> None:
    assert terminal_safe("agent\x1b]0;owned\x07\r\n\u202eok\t") == "agent\\x1b]0;owned\\x07\\r\\n\\u202eok\\t"
    assert terminal_safe("P1 \uff1d café 12.5%") == "P1 \uff1d café 12.5%"


def quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def test_the_report_files_and_the_headline_carry_no_text_that_acts(tmp_path: Path) -> None:
    first, second = ACTING_STARTS["escape"], ACTING_STARTS["fullwidth plus"]
    assignee, other_assignee = ACTING_STARTS["line feed"], "\x1b]0;owned\x07agent"
    rows = [
        f"{quoted(first)},m1,2026-01-05T09:00:00Z,user,comment,,{quoted(ACTING_STARTS['fullwidth equals'])},"
        f"{quoted(ACTING_STARTS['right-to-left override'])}",
        f"{quoted(first)},m2,2026-01-05T09:30:00Z,admin,comment,{quoted(assignee)},,",
        f"{quoted(second)},m3,2026-01-05T10:00:00Z,user,comment,,,",
        f"{quoted(second)},m4,2026-01-05T13:00:00Z,admin,comment,{quoted(other_assignee)},,",
    ]
    exports, out = tmp_path / "exports", tmp_path / "reports"
    exports.mkdir()
    (exports / "messages.csv").write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    done = intercom_sla("run", "--db", tmp_path / "sla.duckdb", "--out", out, exports)
    assert done.returncode == 0, done.stderr[-3000:]

    for report in (SLA_REPORT, WAITS_REPORT):
        with (out / report.file_name).open(newline="", encoding="utf-8") as handle:
            cells = [row[column] for row in csv.DictReader(handle) for column in row]
        assert cells
        assert [cell for cell in cells if cell and cell[0] in CELL_STARTS_NEUTRALISED] == []
        assert {"'" + first, "'" + second} <= set(cells)
    with (out / SLA_REPORT.file_name).open(newline="", encoding="utf-8") as handle:
        answered = {row["conversation_id"]: row for row in csv.DictReader(handle)}
    assert answered["'" + first]["assignee_id"] == "'" + assignee
    assert answered["'" + first]["priority"] == "'" + ACTING_STARTS["fullwidth equals"]
    assert answered["'" + first]["tags"] == "'" + ACTING_STARTS["right-to-left override"]

    assert not any(character in done.stdout for character in "\x1b\x07\r\u202e")
    worst = next(line for line in done.stdout.splitlines() if line.startswith("  worst assignees"))
    assert "\\n=cmd" in worst and "\\x1b]0;owned\\x07agent" in worst
